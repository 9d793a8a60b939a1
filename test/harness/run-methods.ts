/**
 * A node's `methods` as n8n's editor backend calls them: `loadOptions` and `listSearch` through
 * DynamicNodeParametersService (a one-node workflow, n8n-core's LoadOptionsContext), credential
 * tests through CredentialsTester (a credential type's `test` request through n8n-core's
 * RoutingNode, or a node's `methods.credentialTest` with CredentialTestContext).
 */
import { CredentialTestContext, ExecuteContext, LoadOptionsContext, RoutingNode } from 'n8n-core';
import {
	NodeConnectionTypes,
	NodeHelpers,
	Workflow,
	createEmptyRunExecutionData,
	type ICredentialDataDecryptedObject,
	type ICredentialTestFunction,
	type ICredentialTestRequest,
	type ICredentialsDecrypted,
	type IExecuteData,
	type INode,
	type INodeCredentialTestResult,
	type INodeListSearchResult,
	type INodePropertyOptions,
	type INodeType,
	type INodeTypes,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { createAdditionalData } from './additional-data';
import { allVersions } from './credentials';
import { HarnessNodeTypes } from './node-types';
import { placeNode, type HarnessNode } from './run-node';
import { prepare, type CommonOptions, type CredentialResults } from './setup';

export interface RunMethodOptions extends CommonOptions {
	/** The node as the editor has it: its current parameters and selected credentials. */
	node: HarnessNode;
	methodName: string;
	/** Path of the parameter asking (`parameters.<name>`), for `getCurrentNodeParameter('&x')`. */
	path?: string;
}

async function methodContext(options: RunMethodOptions, kind: 'loadOptions' | 'listSearch') {
	// n8n calls the node "Temp-Node" in a workflow of its own.
	const node = placeNode(options.nodeTypes, options.node, { id: 'uuid-1234', name: 'Temp-Node' });
	const { credentialsHelper, credentialResults } = await prepare(options, node.credentials);
	const nodeTypes = new HarnessNodeTypes(options.nodeTypes);
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const workflowNode = workflow.getNode(node.name)!;
	const nodeType = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const method = nodeType.methods?.[kind]?.[options.methodName] as
		((this: LoadOptionsContext, ...args: unknown[]) => Promise<unknown>) | undefined;
	if (typeof method !== 'function') {
		throw new Error(`Node type "${node.type}" has no ${kind} method named "${options.methodName}"`);
	}
	const additionalData = createAdditionalData({
		credentialsHelper,
		mode: 'internal',
		executionId: null,
		currentNodeParameters: workflowNode.parameters,
	});
	const context = new LoadOptionsContext(
		workflow,
		workflowNode,
		additionalData,
		options.path ?? `parameters.${options.methodName}`,
	);
	return { workflow, method, context, credentialResults };
}

export async function runLoadOptions(
	options: RunMethodOptions,
): Promise<{ result: INodePropertyOptions[] } & CredentialResults> {
	const { workflow, method, context, credentialResults } = await methodContext(
		options,
		'loadOptions',
	);
	const result = await workflow.expression.withIsolate(
		async () => (await method.call(context)) as INodePropertyOptions[],
	);
	return { result, ...(await credentialResults()) };
}

export async function runListSearch(
	options: RunMethodOptions & { filter?: string; paginationToken?: string },
): Promise<{ result: INodeListSearchResult } & CredentialResults> {
	const { workflow, method, context, credentialResults } = await methodContext(
		options,
		'listSearch',
	);
	const result = await workflow.expression.withIsolate(async () => {
		const found = (await method.call(
			context,
			options.filter,
			options.paginationToken,
		)) as INodeListSearchResult;
		const token = found?.paginationToken;
		return typeof token === 'number' ? { ...found, paginationToken: String(token) } : found;
	});
	return { result, ...(await credentialResults()) };
}

export interface RunCredentialTestOptions extends Omit<
	CommonOptions,
	'nodeTypes' | 'credentialsData'
> {
	/** Nodes that may test the credential (`testedBy`), as n8n looks them up. */
	nodeTypes?: CommonOptions['nodeTypes'];
	credentialType: string;
	/** The data as entered in the credential dialog (before defaults and expressions). */
	data: ICredentialDataDecryptedObject;
	/** The credential's id (its stored copy is what an OAuth2 refresh reads). */
	id?: string;
	name?: string;
}

const noOpNodeType: INodeType = {
	description: {
		displayName: 'No Operation, do nothing',
		name: 'n8n-nodes-base.noOp',
		group: ['organization'],
		version: 1,
		description: 'No Operation',
		defaults: { name: 'No Operation, do nothing' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	},
};

type TestFunction =
	ICredentialTestFunction | { nodeType?: INodeType; testRequest: ICredentialTestRequest };

/** CredentialsTester.testCredentials (n8n 2.41.1). */
export async function runCredentialTest(
	options: RunCredentialTestOptions,
): Promise<INodeCredentialTestResult & CredentialResults> {
	const nodeTypes = options.nodeTypes ?? {};
	const id = options.id ?? 'credential-under-test';
	const { credentialTypes, credentialsHelper, store, credentialResults } = await prepare({
		...options,
		nodeTypes,
	});
	await store.set(id, structuredClone(options.data), {
		type: options.credentialType,
		name: options.name,
	});
	const type = credentialTypes.getByName(options.credentialType);

	let testFunction: TestFunction | undefined = type.test ? { testRequest: type.test } : undefined;
	for (const nodeName of testFunction ? [] : credentialTypes.getSupportedNodes(type.name)) {
		for (const nodeType of allVersions(nodeTypes[nodeName]).reverse()) {
			const entry = nodeType.description.credentials?.find((c) => c.name === type.name);
			if (!entry || testFunction) continue;
			if (credentialTypes.getParentTypes(type.name).includes('oAuth2Api')) {
				testFunction = async (credential: ICredentialsDecrypted) =>
					credential.data?.oauthTokenData &&
					typeof credential.data.oauthTokenData === 'object' &&
					'access_token' in credential.data.oauthTokenData
						? { status: 'OK', message: 'Connection Successful!' }
						: {
								status: 'Error',
								message: 'This OAuth2 credential was not connected to an account.',
							};
			} else if (typeof entry.testedBy === 'string') {
				testFunction = nodeType.methods?.credentialTest?.[entry.testedBy];
			} else if (entry.testedBy) {
				testFunction = { nodeType, testRequest: entry.testedBy };
			}
		}
	}
	if (!testFunction) {
		return {
			status: 'Error',
			message: 'No testing function found for this credential.',
			...(await credentialResults()),
		};
	}

	const credentialsDecrypted: ICredentialsDecrypted = {
		id,
		name: options.name ?? id,
		type: type.name,
		data: structuredClone(options.data),
	};
	const baseAdditionalData = createAdditionalData({
		credentialsHelper,
		mode: 'internal',
		executionId: null,
	});
	try {
		credentialsDecrypted.data = await credentialsHelper.applyDefaultsAndOverwrites(
			baseAdditionalData,
			credentialsDecrypted.data!,
			type.name,
			'internal',
		);
	} catch (error) {
		return { status: 'Error', message: String(error.message), ...(await credentialResults()) };
	}

	let result: INodeCredentialTestResult;
	if (typeof testFunction === 'function') {
		result = await testFunction.call(
			new CredentialTestContext(baseAdditionalData),
			credentialsDecrypted,
		);
	} else {
		result = await runRequestTest(testFunction, credentialsDecrypted, baseAdditionalData);
	}
	return { ...result, ...(await credentialResults()) };
}

/** CredentialsTester.runRequestTest: the test request as a declarative node's only request. */
async function runRequestTest(
	testFunction: { nodeType?: INodeType; testRequest: ICredentialTestRequest },
	credentialsDecrypted: ICredentialsDecrypted,
	baseAdditionalData: IWorkflowExecuteAdditionalData,
): Promise<INodeCredentialTestResult> {
	const nodeType = testFunction.nodeType ?? noOpNodeType;
	const { version } = nodeType.description;
	const node: INode = {
		id: 'temp',
		parameters: {},
		name: 'Temp-Node',
		type: nodeType.description.name,
		typeVersion: Array.isArray(version) ? version.slice(-1)[0] : version,
		position: [0, 0],
		credentials: {
			[credentialsDecrypted.type]: { id: credentialsDecrypted.id, name: credentialsDecrypted.name },
		},
	};
	const nodeTypeCopy: INodeType = {
		description: {
			...nodeType.description,
			credentials: [{ name: credentialsDecrypted.type, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: testFunction.testRequest.request },
					default: '',
				},
			],
		},
	};
	const mockNodeTypes: INodeTypes = {
		getKnownTypes: () => ({}),
		getByName: () => nodeTypeCopy,
		getByNameAndVersion: (_name: string, v?: number) =>
			NodeHelpers.getVersionedNodeType(nodeTypeCopy, v),
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: mockNodeTypes,
	});
	const stored = baseAdditionalData.credentialsHelper;
	const additionalData: IWorkflowExecuteAdditionalData = {
		...baseAdditionalData,
		currentNodeParameters: node.parameters,
		// The tester hands the dialog's data to the request, the stored copy only for raw reads.
		credentialsHelper: new Proxy(stored, {
			get(target, prop) {
				if (prop === 'getDecrypted') {
					return async (...args: Parameters<typeof stored.getDecrypted>) =>
						args[5] ? await target.getDecrypted(...args) : (credentialsDecrypted.data ?? {});
				}
				const value = Reflect.get(target, prop) as unknown;
				return typeof value === 'function' ? value.bind(target) : value;
			},
		}),
	};
	const executeData: IExecuteData = { node, data: {}, source: null };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		createEmptyRunExecutionData(),
		0,
		[],
		{ main: [[{ json: {} }]] },
		executeData,
		[],
	);
	const routingNode = new RoutingNode(context, nodeTypeCopy, credentialsDecrypted);
	let response: Awaited<ReturnType<RoutingNode['runNode']>>;
	try {
		await workflow.expression.acquireIsolate();
		response = await routingNode.runNode();
	} catch (error) {
		const rules = testFunction.testRequest.rules ?? [];
		if (error.cause?.response) {
			const statusCode = error.cause.response.status as number;
			for (const rule of rules) {
				if (rule.type === 'responseCode' && statusCode === rule.properties.value) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
			if (statusCode < 199 || statusCode > 299) {
				return {
					status: 'Error',
					message: error.cause.response.statusText || `Received HTTP status code: ${statusCode}`,
				};
			}
		} else if (error.cause?.code) {
			return { status: 'Error', message: error.cause.code };
		}
		return { status: 'Error', message: String(error.message) };
	} finally {
		await workflow.expression.releaseIsolate();
	}
	for (const rule of testFunction.testRequest.rules ?? []) {
		if (rule.type === 'responseSuccessBody') {
			const json = response?.[0]?.[0]?.json ?? {};
			const value = rule.properties.key
				.split('.')
				.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], json);
			if (value === rule.properties.value) {
				return { status: 'Error', message: rule.properties.message };
			}
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}
