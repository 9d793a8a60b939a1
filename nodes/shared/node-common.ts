/**
 * What every node of this package shares: the Authentication choice between the two credential
 * types, the credential list (the app credential tested by `testAppCredential`), and the Graph
 * transport for the chosen credential.
 */
import type {
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeCredentialDescription,
	INode,
	INodeCredentialTestResult,
	INodeListSearchResult,
	INodeProperties,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { redact } from './redact';
import { APP_CREDENTIAL, DELEGATED_CREDENTIAL, testAppCredential } from './auth';
import { createGraphTransport, type GraphTransport } from './transport';

export type AuthenticationChoice = 'delegated' | 'app';

export const CREDENTIAL_TEST_NAME = 'microsoft365AppCredentialTest';

/** The Authentication parameter: delegated (a signed-in user) or app-only (client credentials). */
export function authenticationProperty(
	defaultChoice: AuthenticationChoice = 'delegated',
): INodeProperties {
	return {
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Delegated (Signed-In User)',
				value: 'delegated',
				description:
					'Act as the user who signed in with the Microsoft 365 Delegated OAuth2 credential',
			},
			{
				name: 'App-Only (Client Credentials)',
				value: 'app',
				description: 'Act as the app registration itself (daemon), with application permissions',
			},
		],
		default: defaultChoice,
	};
}

/**
 * The node's subtitle on the canvas: "<Operation>: <Resource>" in the words the editor shows
 * ("Get Many: Message"), not the raw values ("getAll: message"). n8n evaluates the subtitle as
 * an expression with the node's parameters; the expression looks the pair up in a table made
 * from the Resource and Operation options, and falls back to the values for a pair it does not
 * know (an operation set by expression).
 */
export function operationSubtitle(properties: INodeProperties[]): string {
	const resources = new Map<string, string>();
	for (const property of properties)
		if (property.name === 'resource')
			for (const option of property.options ?? [])
				if ('value' in option) resources.set(String(option.value), option.name);
	const labels: Record<string, string> = {};
	for (const property of properties) {
		if (property.name !== 'operation') continue;
		for (const resource of property.displayOptions?.show?.resource ?? [])
			for (const option of property.options ?? [])
				if ('value' in option)
					labels[`${String(resource)}:${String(option.value)}`] =
						`${option.name}: ${resources.get(String(resource)) ?? String(resource)}`;
	}
	const key = '$parameter["resource"] + ":" + $parameter["operation"]';
	return `={{ ${JSON.stringify(labels)}[${key}] || $parameter["operation"] + ": " + $parameter["resource"] }}`;
}

export const credentialDescriptions: INodeCredentialDescription[] = [
	{
		name: DELEGATED_CREDENTIAL,
		required: true,
		displayOptions: { show: { authentication: ['delegated'] } },
	},
	{
		name: APP_CREDENTIAL,
		required: true,
		displayOptions: { show: { authentication: ['app'] } },
		testedBy: CREDENTIAL_TEST_NAME,
	},
];

export const credentialTest = {
	async [CREDENTIAL_TEST_NAME](
		this: ICredentialTestFunctions,
		credential: ICredentialsDecrypted,
	): Promise<INodeCredentialTestResult> {
		return await testAppCredential.call(this, credential);
	},
};

export function credentialTypeFor(choice: AuthenticationChoice): string {
	return choice === 'app' ? APP_CREDENTIAL : DELEGATED_CREDENTIAL;
}

type TransportContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

/** The Graph transport for the node's chosen credential (one per execution and credential). */
export async function getTransport(ctx: TransportContext, itemIndex = 0): Promise<GraphTransport> {
	const choice =
		'getInputData' in ctx
			? ((ctx as IExecuteFunctions).getNodeParameter(
					'authentication',
					itemIndex,
					'delegated',
				) as AuthenticationChoice)
			: ((ctx.getNodeParameter('authentication', 'delegated') as AuthenticationChoice) ??
				'delegated');
	return await createGraphTransport(ctx, credentialTypeFor(choice));
}

type ListSearchMethod = (
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
) => Promise<INodeListSearchResult>;

/**
 * A resource locator list's failure as n8n's editor shows it: one NodeOperationError whose
 * message says which list could not be loaded and why (the node's own messages: permission to
 * grant, network path, credential field), never a bare network or library error.
 */
export function listSearchError(node: INode, what: string, error: unknown): NodeOperationError {
	if (error instanceof NodeOperationError && error.message.startsWith('Could not list '))
		return error;
	const own = error instanceof NodeApiError || error instanceof NodeOperationError;
	const reason = own ? error.message : error instanceof Error ? error.message : String(error);
	const description =
		(own ? (error.description ?? undefined) : undefined) ??
		`Check the node's credential (Cloud, Tenant, Client ID) and the network path to Microsoft 365 (proxy, firewall), or switch the field to "By ID" and enter the value.`;
	return new NodeOperationError(node, `Could not list ${what}: ${redact(reason)}`, {
		description: redact(description),
	});
}

/** Wraps each list method so its failures read as `listSearchError`s. */
export function listSearchMethods<T extends Record<string, ListSearchMethod>>(
	methods: T,
	what: Record<keyof T, string>,
): T {
	const wrapped: Record<string, ListSearchMethod> = {};
	for (const [name, method] of Object.entries(methods)) {
		wrapped[name] = async function (this: ILoadOptionsFunctions, filter, paginationToken) {
			try {
				return await method.call(this, filter, paginationToken);
			} catch (error) {
				throw listSearchError(this.getNode(), what[name as keyof T], error);
			}
		};
	}
	return wrapped as T;
}
