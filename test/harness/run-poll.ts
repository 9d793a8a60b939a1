/**
 * One poll of a polling trigger in an active workflow, as n8n runs it on schedule: a PollContext
 * in "trigger" mode handed to n8n-core's PollTriggerExecutor (the function n8n's cron job calls).
 * Static data goes in and comes out so a test can chain polls like n8n's schedule does.
 */
import { Container } from '@n8n/di';
import { PollContext, PollTriggerExecutor } from 'n8n-core';
import {
	Workflow,
	type IDataObject,
	type INodeExecutionData,
	type IWorkflowBase,
	type WorkflowActivateMode,
} from 'n8n-workflow';
import { createAdditionalData } from './additional-data';
import { HarnessNodeTypes } from './node-types';
import { placeNode, type HarnessNode } from './run-node';
import { prepare, type CommonOptions, type CredentialResults } from './setup';

export interface RunPollOptions extends CommonOptions {
	node: HarnessNode;
	/** The workflow's static data as n8n stored it (the previous poll's `staticData`). */
	staticData?: IDataObject;
	/** Why the trigger runs: "activate" (publishing), "update", "init" (n8n start-up). Default "update". */
	activation?: WorkflowActivateMode;
}

export interface RunPollResult extends CredentialResults {
	/** What the poll emitted (n8n starts an execution with it), or null when it found nothing. */
	output: INodeExecutionData[][] | null;
	/** The error n8n records as a failed trigger execution (`__emitError`). */
	error?: Error;
	/** The workflow's static data after the poll, as the next poll of this activation sees it. */
	staticData: IDataObject;
	/**
	 * Whether n8n writes the static data to its database: only when the poll emitted and the
	 * data changed. Changes of a poll that emits nothing live in memory until the next emit
	 * and are lost on restart.
	 */
	staticDataSaved: boolean;
}

export async function runPoll(options: RunPollOptions): Promise<RunPollResult> {
	const node = placeNode(options.nodeTypes, options.node);
	const { credentialsHelper, credentialResults } = await prepare(options, node.credentials);
	const nodeTypes = new HarnessNodeTypes(options.nodeTypes);
	const workflowData = {
		id: 'harness-workflow',
		name: 'Harness workflow',
		active: true,
		isArchived: false,
		nodes: [node],
		connections: {},
		settings: { executionOrder: 'v1' },
		staticData: options.staticData,
		createdAt: new Date(),
		updatedAt: new Date(),
	} as IWorkflowBase;
	const workflow = new Workflow({
		id: workflowData.id,
		name: workflowData.name,
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
		staticData: structuredClone(options.staticData ?? {}),
		settings: workflowData.settings,
	});
	const workflowNode = workflow.getNode(node.name)!;
	// Active polls run without an execution (n8n's getBase() has no executionId or hooks).
	const additionalData = createAdditionalData({
		credentialsHelper,
		mode: 'trigger',
		executionId: null,
	});

	let output: INodeExecutionData[][] | null = null;
	let error: Error | undefined;
	let staticDataSaved = false;
	const context = new PollContext(
		workflow,
		workflowNode,
		additionalData,
		'trigger',
		options.activation ?? 'update',
		(data) => {
			output = data;
			// n8n's __emit: WorkflowStaticDataService.saveStaticData(workflow)
			staticDataSaved = workflow.staticData.__dataChanged === true;
		},
		(e) => {
			error = e;
		},
	);
	const poll = Container.get(PollTriggerExecutor).create(
		workflow,
		workflowNode,
		context,
		() => true,
	);
	await poll(false);

	return {
		output,
		error,
		staticData: JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject,
		staticDataSaved,
		...(await credentialResults()),
	};
}
