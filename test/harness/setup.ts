/** What every harness entry point shares: the n8n environment and the credentials of the run. */
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	INodeCredentials,
	INodeType,
	IVersionedNodeType,
} from 'n8n-workflow';
import { CredentialStore, HarnessCredentialTypes, HarnessCredentialsHelper } from './credentials';
import { n8nEnvironment, useBinaryDataMode, type BinaryDataMode } from './environment';

export interface CommonOptions {
	/** Node types by full type name (e.g. `n8n-nodes-m365.microsoft365Mail`). */
	nodeTypes: Record<string, INodeType | IVersionedNodeType>;
	/** Credential types (by name or as a list). n8n's `oAuth2Api` is built in. */
	credentialTypes?: Record<string, ICredentialType> | ICredentialType[];
	/**
	 * Stored credential data by credential id: what n8n decrypts from its database before
	 * applying the type's defaults and resolving its expressions.
	 */
	credentialsData?: Record<string, ICredentialDataDecryptedObject>;
	/** Binary data mode for the run (n8n's `N8N_DEFAULT_BINARY_DATA_MODE`); default "default". */
	binaryDataMode?: BinaryDataMode;
}

export interface CredentialResults {
	/** Stored data (decrypted) of each credential n8n wrote to during the run, by id. */
	updatedCredentials: Record<string, ICredentialDataDecryptedObject>;
	/** Every write, in order (`updateCredentialsOauthTokenData` after an OAuth2 token refresh). */
	credentialWrites: CredentialStore['writes'];
}

export async function prepare(options: CommonOptions, nodeCredentials: INodeCredentials = {}) {
	n8nEnvironment();
	await useBinaryDataMode(options.binaryDataMode ?? 'default');
	const store = new CredentialStore();
	for (const [id, data] of Object.entries(options.credentialsData ?? {})) {
		const [type, details] =
			Object.entries(nodeCredentials).find(([, credential]) => credential.id === id) ?? [];
		await store.set(id, structuredClone(data), { type, name: details?.name });
	}
	const credentialTypes = new HarnessCredentialTypes(options.credentialTypes, options.nodeTypes);
	const credentialsHelper = new HarnessCredentialsHelper(credentialTypes, store);
	const credentialResults = async (): Promise<CredentialResults> => ({
		updatedCredentials: await store.written(),
		credentialWrites: store.writes,
	});
	return { store, credentialTypes, credentialsHelper, credentialResults };
}
