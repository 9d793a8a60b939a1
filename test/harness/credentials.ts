/**
 * Credentials the way n8n's CLI handles them (packages/cli/src/credentials-helper.ts and
 * credential-types.ts, n8n 2.41.1), minus the database: stored credentials are kept encrypted
 * with n8n-core's own `Credentials` class (AES with the harness instance's key), decrypted on
 * `getDecrypted`, completed with the type's defaults (including inherited `oAuth2Api` fields)
 * and their expressions resolved. Writes n8n makes (a refreshed OAuth2 token, data returned by
 * `preAuthentication`) update the store and are recorded for assertions.
 *
 * Left out of n8n's helper: credential overwrites, external secrets, dynamic (per-user)
 * credentials, dynamic client registration fields and the AI gateway.
 */
import { Credentials, getAdditionalKeys } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	UnexpectedError,
	UserError,
	Workflow,
	getCredentialOwnRequestAllowedDomains,
	isExpression,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type ICredentialsExpressionResolveValues,
	type IExecuteData,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeParameters,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IRequestOptionsSimplified,
	type IVersionedNodeType,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';
import { OAuth2Api } from './oauth2-api';

/** The credential types a test registers, plus n8n's generic parents they extend. */
export class HarnessCredentialTypes {
	private readonly types = new Map<string, ICredentialType>();

	constructor(
		types: Record<string, ICredentialType> | ICredentialType[] = {},
		private readonly nodeTypes: Record<string, INodeType | IVersionedNodeType> = {},
	) {
		for (const type of Array.isArray(types) ? types : Object.values(types)) {
			this.types.set(type.name, type);
		}
		if (!this.types.has('oAuth2Api')) this.types.set('oAuth2Api', new OAuth2Api());
	}

	recognizes(type: string): boolean {
		return this.types.has(type);
	}

	getByName(type: string): ICredentialType {
		const found = this.types.get(type);
		if (!found) {
			throw new UnexpectedError('Unknown credential type', { tags: { credentialType: type } });
		}
		return found;
	}

	/** All ancestors (`extends`, recursively), as n8n's CredentialTypes.getParentTypes. */
	getParentTypes(type: string): string[] {
		const parents = [...(this.types.get(type)?.extends ?? [])];
		for (const parent of parents) parents.push(...this.getParentTypes(parent));
		return parents;
	}

	/** Node types listing the credential (n8n derives `supportedNodes` the same way). */
	getSupportedNodes(type: string): string[] {
		return Object.entries(this.nodeTypes)
			.filter(([, nodeType]) =>
				allVersions(nodeType).some((v) => v.description.credentials?.some((c) => c.name === type)),
			)
			.map(([name]) => name);
	}
}

export function allVersions(nodeType: INodeType | IVersionedNodeType): INodeType[] {
	return 'nodeVersions' in nodeType ? Object.values(nodeType.nodeVersions) : [nodeType];
}

interface StoredCredential {
	id: string;
	name: string;
	type?: string;
	/** Encrypted, as in n8n's `credentials_entity.data`. */
	data: string;
}

export interface CredentialWrite {
	id: string;
	type: string;
	/** `updateCredentials` (whole data, e.g. after preAuthentication) or the OAuth2 token only. */
	method: 'updateCredentials' | 'updateCredentialsOauthTokenData';
	/** The data n8n handed over (decrypted). */
	data: ICredentialDataDecryptedObject;
}

/** Encrypted credential storage, keyed by credential id. */
export class CredentialStore {
	private readonly entries = new Map<string, StoredCredential>();

	readonly writes: CredentialWrite[] = [];

	async set(
		id: string,
		data: ICredentialDataDecryptedObject,
		options: { name?: string; type?: string } = {},
	): Promise<void> {
		const credentials = new Credentials({ id, name: options.name ?? id }, options.type ?? '');
		await credentials.setData(data);
		this.entries.set(id, {
			id,
			name: options.name ?? id,
			type: options.type,
			data: credentials.getDataToSave().data!,
		});
	}

	/** The stored (decrypted) data of a credential, or undefined. */
	async get(id: string): Promise<ICredentialDataDecryptedObject | undefined> {
		const entry = this.entries.get(id);
		if (!entry) return undefined;
		return await new Credentials({ id, name: entry.name }, entry.type ?? '', entry.data).getData();
	}

	/** Ids of the credentials n8n wrote to, with their data as stored now. */
	async written(): Promise<Record<string, ICredentialDataDecryptedObject>> {
		const result: Record<string, ICredentialDataDecryptedObject> = {};
		for (const { id } of this.writes) result[id] = (await this.get(id))!;
		return result;
	}

	/** The entry n8n would load from its database (`findOneByOrFail({ id, type })`). */
	entity(nodeCredentials: INodeCredentialsDetails, type: string): StoredCredential {
		if (!nodeCredentials.id) {
			throw new UnexpectedError('Found credential with no ID.', {
				extra: { credentialName: nodeCredentials.name },
				tags: { credentialType: type },
			});
		}
		const entry = this.entries.get(nodeCredentials.id);
		if (!entry || (entry.type !== undefined && entry.type !== type)) {
			throw new UserError(
				`Credential with ID "${nodeCredentials.id}" does not exist for type "${type}".`,
			);
		}
		entry.type ??= type;
		return entry;
	}

	async replace(entry: StoredCredential, credentials: Credentials): Promise<void> {
		entry.data = credentials.getDataToSave().data!;
	}
}

const mockNode: INode = {
	id: 'mock',
	name: '',
	typeVersion: 1,
	type: 'mock',
	position: [0, 0],
	parameters: {},
};

/** n8n's `createMockNodeTypes()`: the node type world a credential's expressions run in. */
const mockNodeType = { description: { properties: [] } } as unknown as INodeType;
const mockNodeTypes: INodeTypes = {
	getKnownTypes: () => ({}),
	getByName: () => mockNodeType,
	getByNameAndVersion: (_type: string, version?: number) =>
		NodeHelpers.getVersionedNodeType(mockNodeType, version),
};

export class HarnessCredentialsHelper extends ICredentialsHelper {
	constructor(
		readonly credentialTypes: HarnessCredentialTypes,
		readonly store: CredentialStore,
	) {
		super();
	}

	getParentTypes(name: string): string[] {
		return this.credentialTypes.getParentTypes(name);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		let typeDef: ICredentialType;
		try {
			typeDef = this.credentialTypes.getByName(credentialType);
		} catch {
			return true;
		}
		if (!typeDef.restrictToSupportedNodes) return true;
		return this.credentialTypes.getSupportedNodes(credentialType).includes(nodeType);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions as IHttpRequestOptions;
		const credentialType = this.credentialTypes.getByName(typeName);
		const { authenticate } = credentialType;
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions);
		}
		if (typeof authenticate === 'object') {
			if (!workflow || !node) {
				throw new UnexpectedError(
					'Workflow and node are required for declarative credential authentication',
				);
			}
			requestOptions.headers ??= {};
			if (authenticate.type === 'generic') {
				for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
					for (const [key, value] of Object.entries(outerValue as Record<string, unknown>)) {
						const target = requestOptions as unknown as Record<string, Record<string, unknown>>;
						target[outerKey] ??= {};
						const resolvedKey = this.resolveValue(key, credentials, workflow, node);
						target[outerKey][resolvedKey] = this.resolveValue(value, credentials, workflow, node);
					}
				}
			}
		}
		return requestOptions;
	}

	private resolveValue(
		value: unknown,
		credentials: ICredentialDataDecryptedObject,
		workflow: Workflow,
		node: INode,
	): string {
		if (!isExpression(value)) return value as string;
		const resolved = workflow.expression.getSimpleParameterValue(
			node,
			value,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
		return resolved ? resolved.toString() : '';
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		const expirableProperty = credentialType.properties.find(
			(property) => property.type === 'hidden' && property?.typeOptions?.expirable === true,
		);
		if (expirableProperty?.name === undefined) return undefined;
		const isTestingCredentials =
			node?.parameters?.temp === '' && node?.type === 'n8n-nodes-base.noOp';
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		if (
			credentials[expirableProperty.name] !== '' &&
			!credentialsExpired &&
			!isTestingCredentials
		) {
			return undefined;
		}
		const output = await credentialType.preAuthentication.call(
			restrictToCredentialDomains(helpers, credentials),
			credentials,
		);
		if (output[expirableProperty.name] === undefined) return undefined;
		if (node.credentials) {
			const nodeCredentials = node.credentials[credentialType.name];
			const storedData = await (
				await this.getCredentials(nodeCredentials, credentialType.name)
			).getData();
			const dataToPersist = { ...storedData };
			for (const [key, value] of Object.entries(output)) {
				if (key === expirableProperty.name || !isExpression(storedData[key])) {
					dataToPersist[key] = value as ICredentialDataDecryptedObject[string];
				}
			}
			await this.updateCredentials(nodeCredentials, credentialType.name, dataToPersist);
			return Object.assign(credentials, output);
		}
		return undefined;
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		const output = await credentialType.preAuthentication.call(
			restrictToCredentialDomains(helpers, credentials),
			credentials,
		);
		return (output as ICredentialDataDecryptedObject | undefined) ?? undefined;
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<Credentials> {
		const entry = this.store.entity(nodeCredentials, type);
		return new Credentials({ id: entry.id, name: entry.name }, type, entry.data);
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const decryptedDataOriginal = await (
			await this.getCredentials(nodeCredentials, type)
		).getData();
		if (raw === true) return decryptedDataOriginal;
		return await this.applyDefaultsAndOverwrites(
			additionalData,
			decryptedDataOriginal,
			type,
			mode,
			executeData,
			expressionResolveValues,
		);
	}

	/** n8n's applyDefaultsAndOverwrites, without overwrites and DCR-managed fields. */
	async applyDefaultsAndOverwrites(
		additionalData: IWorkflowExecuteAdditionalData,
		decryptedDataOriginal: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const credentialsProperties = this.getCredentialsProperties(type);
		let decryptedData = NodeHelpers.getNodeParameters(
			credentialsProperties,
			{ ...decryptedDataOriginal } as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		if (decryptedDataOriginal.oauthTokenData !== undefined) {
			decryptedData.oauthTokenData = decryptedDataOriginal.oauthTokenData;
		}
		for (const key of ['allowedHttpRequestDomains', 'allowedDomains']) {
			if (decryptedData[key] === undefined && decryptedDataOriginal[key] !== undefined) {
				decryptedData[key] = decryptedDataOriginal[key];
			}
		}
		const additionalKeys = getAdditionalKeys(additionalData, mode, null, { isCredential: true });
		if (expressionResolveValues) {
			try {
				decryptedData = expressionResolveValues.workflow.expression.getParameterValue(
					decryptedData as INodeParameters,
					expressionResolveValues.runExecutionData,
					expressionResolveValues.runIndex,
					expressionResolveValues.itemIndex,
					expressionResolveValues.node.name,
					expressionResolveValues.connectionInputData,
					mode,
					additionalKeys,
					executeData,
					false,
					decryptedData as INodeParameters,
				) as ICredentialDataDecryptedObject;
			} catch (e) {
				e.message += ' [Error resolving credentials]';
				throw e;
			}
		} else {
			const workflow = new Workflow({
				nodes: [mockNode],
				connections: {},
				active: false,
				nodeTypes: mockNodeTypes,
			});
			await workflow.expression.acquireIsolate();
			try {
				decryptedData = workflow.expression.getComplexParameterValue(
					mockNode,
					decryptedData as INodeParameters,
					mode,
					additionalKeys,
					undefined,
					undefined,
					decryptedData as INodeParameters,
				) as ICredentialDataDecryptedObject;
			} finally {
				await workflow.expression.releaseIsolate();
			}
		}
		return decryptedData;
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const entry = this.store.entity(nodeCredentials, type);
		const credentials = await this.getCredentials(nodeCredentials, type);
		await credentials.setData(data);
		await this.store.replace(entry, credentials);
		this.store.writes.push({
			id: entry.id,
			type,
			method: 'updateCredentials',
			data: structuredClone(data),
		});
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const entry = this.store.entity(nodeCredentials, type);
		const credentials = await this.getCredentials(nodeCredentials, type);
		await credentials.updateData({ oauthTokenData: data.oauthTokenData });
		await this.store.replace(entry, credentials);
		this.store.writes.push({
			id: entry.id,
			type,
			method: 'updateCredentialsOauthTokenData',
			data: structuredClone(data),
		});
	}

	/** The type's properties merged over its parents' (`extends`), as n8n shows and fills them. */
	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialTypeData = this.credentialTypes.getByName(type);
		if (credentialTypeData.extends === undefined) {
			if (['oAuth1Api', 'oAuth2Api'].includes(type)) {
				return [
					...credentialTypeData.properties,
					{
						displayName: 'oauthTokenData',
						name: 'oauthTokenData',
						type: 'json',
						required: false,
						default: {},
					},
				];
			}
			return credentialTypeData.properties;
		}
		const combineProperties: INodeProperties[] = [];
		for (const credentialsTypeName of credentialTypeData.extends) {
			NodeHelpers.mergeNodeProperties(
				combineProperties,
				this.getCredentialsProperties(credentialsTypeName),
			);
		}
		NodeHelpers.mergeNodeProperties(combineProperties, credentialTypeData.properties);
		return combineProperties;
	}
}

/** n8n limits a credential's own preAuthentication requests to its allowed domains. */
function restrictToCredentialDomains(
	helpers: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
): IHttpRequestHelper {
	return {
		helpers: {
			httpRequest: async (requestOptions: IHttpRequestOptions) => {
				const allowedDomains = getCredentialOwnRequestAllowedDomains(credentials);
				if (allowedDomains === undefined) return await helpers.helpers.httpRequest(requestOptions);
				if (requestOptions.allowedDomains !== undefined) {
					throw new UserError(
						'This credential restricts requests to specific domains, which cannot be combined with the domains its authentication step asks for.',
					);
				}
				return await helpers.helpers.httpRequest({ ...requestOptions, allowedDomains });
			},
		},
	} as IHttpRequestHelper;
}
