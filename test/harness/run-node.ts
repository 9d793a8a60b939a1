/**
 * Runs one node through n8n-core's WorkflowExecute, in a two-node workflow "Input → node" (or the
 * node alone when it has no inputs: triggers and polling triggers, run as "Test step" does).
 */
import { WorkflowExecute } from 'n8n-core';
import {
	NodeConnectionTypes,
	NodeHelpers,
	Workflow,
	createRunExecutionData,
	type ExecutionError,
	type IConnections,
	type IDataObject,
	type INode,
	type INodeCredentials,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type IRun,
	type ITaskData,
	type IVersionedNodeType,
	type IWorkflowBase,
	type IWorkflowSettings,
	type WorkflowExecuteMode,
} from 'n8n-workflow';
import { createAdditionalData } from './additional-data';
import {
	HarnessNodeTypes,
	INPUT_NODE_TYPE,
	inputNodeType,
	type HarnessInputItem,
} from './node-types';
import { prepare, type CommonOptions, type CredentialResults } from './setup';

export interface HarnessNode {
	type: string;
	/** Defaults to the node type's default (latest) version. */
	typeVersion?: number;
	/** Defaults to the node type's default name. */
	name?: string;
	parameters?: INodeParameters;
	credentials?: INodeCredentials;
	onError?: INode['onError'];
	alwaysOutputData?: boolean;
	executeOnce?: boolean;
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
}

export interface RunNodeOptions extends CommonOptions {
	node: HarnessNode;
	/** Items the node receives (ignored for nodes without inputs). Default: one empty item. */
	input?: HarnessInputItem[];
	/** The workflow's static data (`$getWorkflowStaticData`), e.g. from a previous run. */
	staticData?: IDataObject;
	/** "On Error: Continue" (n8n's `onError: 'continueRegularOutput'`). */
	continueOnFail?: boolean;
	/** Execution mode; default "manual" (an editor run). */
	mode?: WorkflowExecuteMode;
	workflowSettings?: IWorkflowSettings;
	/**
	 * When the node puts the execution to wait (`putExecutionToWait`): "timeout" resumes it as
	 * n8n's wait tracker does when the wait time is reached (the same run data, `waitTill` set,
	 * processed again), and the result is the resumed run's.
	 */
	resumeAfterWait?: 'timeout';
}

export interface RunNodeResult extends CredentialResults {
	/** The node's outputs (one item list per output); empty when it failed. */
	output: INodeExecutionData[][];
	/** The node's error when it failed (and did not continue on fail). */
	error?: ExecutionError;
	/** The workflow's static data after the run (n8n saves it after runs not in "manual" mode). */
	staticData: IDataObject;
	/** The node's task data (hints, metadata, timing, source). */
	taskData?: ITaskData;
	/** The whole run, as n8n would store it. */
	run: IRun;
	/** The node as placed in the workflow (with its name and version). */
	workflowNode: INode;
}

export function defaultVersion(nodeType: INodeType | IVersionedNodeType): number {
	if ('nodeVersions' in nodeType) return nodeType.currentVersion;
	const { version } = nodeType.description;
	return (
		nodeType.description.defaultVersion ?? (Array.isArray(version) ? Math.max(...version) : version)
	);
}

export function placeNode(
	nodeTypes: CommonOptions['nodeTypes'],
	node: HarnessNode,
	overrides: Partial<INode> = {},
): INode {
	const nodeType = nodeTypes[node.type];
	if (!nodeType) throw new Error(`runNode: no node type "${node.type}" in nodeTypes`);
	const typeVersion = node.typeVersion ?? defaultVersion(nodeType);
	const { description } = NodeHelpers.getVersionedNodeType(nodeType, typeVersion);
	const { type, name, parameters, credentials, ...settings } = node;
	return {
		id: 'node-under-test',
		name: name ?? description.defaults.name ?? 'Node',
		type,
		typeVersion,
		position: [200, 0],
		parameters: structuredClone(parameters ?? {}),
		...(credentials ? { credentials } : {}),
		...settings,
		...overrides,
	};
}

function hasMainInput(nodeType: INodeType): boolean {
	const { inputs } = nodeType.description;
	if (!Array.isArray(inputs)) return true; // an expression: inputs depend on parameters
	return inputs.some((input) =>
		typeof input === 'string'
			? input === NodeConnectionTypes.Main
			: input.type === NodeConnectionTypes.Main,
	);
}

function plain<T>(value: T): T {
	return JSON.parse(JSON.stringify(value ?? {})) as T;
}

export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	const mode = options.mode ?? 'manual';
	const node = placeNode(options.nodeTypes, options.node, {
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	});
	const { credentialsHelper, credentialResults } = await prepare(options, node.credentials);

	const nodeTypes = new HarnessNodeTypes({
		...options.nodeTypes,
		[INPUT_NODE_TYPE]: inputNodeType(options.input ?? [{ json: {} }]),
	});
	const withInput = hasMainInput(nodeTypes.getByNameAndVersion(node.type, node.typeVersion));
	const inputNode: INode = {
		id: 'harness-input',
		name: node.name === 'Input' ? 'Harness Input' : 'Input',
		type: INPUT_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const nodes = withInput ? [inputNode, node] : [node];
	const connections: IConnections = withInput
		? {
				[inputNode.name]: {
					main: [[{ node: node.name, type: NodeConnectionTypes.Main, index: 0 }]],
				},
			}
		: {};
	const settings: IWorkflowSettings = { executionOrder: 'v1', ...options.workflowSettings };
	const workflowData = {
		id: 'harness-workflow',
		name: 'Harness workflow',
		active: false,
		isArchived: false,
		nodes,
		connections,
		settings,
		staticData: options.staticData,
		createdAt: new Date(),
		updatedAt: new Date(),
	} as IWorkflowBase;
	const workflow = new Workflow({
		id: workflowData.id,
		name: workflowData.name,
		nodes,
		connections,
		active: false,
		nodeTypes,
		staticData: structuredClone(options.staticData ?? {}),
		settings,
	});

	const startNode = workflow.getNode(nodes[0].name)!;
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: startNode, data: { main: [[{ json: {} }]] }, source: null }],
		},
	});
	const additionalData = createAdditionalData({ credentialsHelper, mode, workflowData });
	let run = await new WorkflowExecute(
		additionalData,
		mode,
		runExecutionData,
	).processRunExecutionData(workflow);
	if (options.resumeAfterWait === 'timeout' && run.waitTill) {
		run.data.waitTill = run.waitTill;
		run = await new WorkflowExecute(additionalData, mode, run.data).processRunExecutionData(
			workflow,
		);
	}

	const { runData } = run.data.resultData;
	const taskData = runData[node.name]?.[0];
	const inputError = withInput ? runData[inputNode.name]?.[0]?.error : undefined;
	if (inputError) throw inputError;
	return {
		output: (taskData?.data?.main ?? []).map((items) => items ?? []),
		error: taskData?.error ?? run.data.resultData.error,
		staticData: plain(workflow.staticData),
		taskData,
		run,
		workflowNode: workflow.getNode(node.name)!,
		...(await credentialResults()),
	};
}
