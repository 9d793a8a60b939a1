/**
 * Resolves credential data the way n8n's CredentialsHelper does (n8n 2.41.1,
 * `applyDefaultsAndOverwrites`): defaults applied with `NodeHelpers.getNodeParameters`, then every
 * expression evaluated by a Workflow with a mock node and `$self` = the credential's data.
 */
import {
	NodeHelpers,
	Workflow,
	type ICredentialType,
	type INode,
	type INodeParameters,
	type INodeProperties,
	type INodeTypes,
} from 'n8n-workflow';

const mockNode: INode = {
	id: 'mock',
	name: '',
	typeVersion: 1,
	type: 'mock',
	position: [0, 0],
	parameters: {},
};

const mockType = { description: { properties: [] } } as any;
const nodeTypes: INodeTypes = {
	getKnownTypes: () => ({}),
	getByName: () => mockType,
	getByNameAndVersion: (_type: string, version?: number) =>
		NodeHelpers.getVersionedNodeType(mockType, version),
} as INodeTypes;

/** The oAuth2Api properties n8n merges under ours (only the ones we override matter here). */
const OAUTH2_API_BASE: INodeProperties[] = [
	{
		displayName: 'Use Dynamic Client Registration',
		name: 'useDynamicClientRegistration',
		type: 'boolean',
		default: false,
	},
	{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'authorizationCode' },
	{ displayName: 'Authorization URL', name: 'authUrl', type: 'string', default: '' },
	{ displayName: 'Access Token URL', name: 'accessTokenUrl', type: 'string', default: '' },
	{ displayName: 'Client ID', name: 'clientId', type: 'string', default: '' },
	{
		displayName: 'Client Secret',
		name: 'clientSecret',
		type: 'string',
		default: '',
		typeOptions: { password: true },
	},
	{ displayName: 'Scope', name: 'scope', type: 'string', default: '' },
	{
		displayName: 'Auth URI Query Parameters',
		name: 'authQueryParameters',
		type: 'string',
		default: '',
	},
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		options: [
			{ name: 'Body', value: 'body' },
			{ name: 'Header', value: 'header' },
		],
		default: 'header',
	},
];

export function credentialProperties(type: ICredentialType): INodeProperties[] {
	const merged: INodeProperties[] = [];
	if (type.extends?.includes('oAuth2Api')) NodeHelpers.mergeNodeProperties(merged, OAUTH2_API_BASE);
	NodeHelpers.mergeNodeProperties(merged, type.properties);
	return merged;
}

/** The credential's data as n8n hands it to the OAuth2 flow or a node: defaults, then expressions. */
export async function resolveCredential(
	type: ICredentialType,
	stored: INodeParameters,
): Promise<Record<string, any>> {
	const properties = credentialProperties(type);
	const withDefaults = NodeHelpers.getNodeParameters(
		properties,
		stored,
		true,
		false,
		null,
		null,
	) as INodeParameters;
	const workflow = new Workflow({ nodes: [mockNode], connections: {}, active: false, nodeTypes });
	await workflow.expression.acquireIsolate();
	try {
		return workflow.expression.getComplexParameterValue(
			mockNode,
			withDefaults,
			'internal',
			{},
			undefined,
			undefined,
			withDefaults,
		) as Record<string, any>;
	} finally {
		await workflow.expression.releaseIsolate();
	}
}

/** Evaluates one expression with `$credentials` (as n8n resolves a credential test request). */
export async function evaluateWithCredentials(
	expression: string,
	credentials: Record<string, unknown>,
): Promise<unknown> {
	const workflow = new Workflow({ nodes: [mockNode], connections: {}, active: false, nodeTypes });
	await workflow.expression.acquireIsolate();
	try {
		return workflow.expression.getParameterValue(expression, null, 0, 0, '', [], 'internal', {
			$credentials: credentials,
		} as any);
	} finally {
		await workflow.expression.releaseIsolate();
	}
}
