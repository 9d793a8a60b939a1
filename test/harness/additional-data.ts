/**
 * `IWorkflowExecuteAdditionalData` as n8n's CLI builds it (WorkflowExecuteAdditionalData.getBase,
 * n8n 2.41.1) for a local instance on http://localhost:5678, with the harness's credentials
 * helper. Sub-workflows, agents, task runners (Code node) and stored executions do not exist here:
 * their entries throw.
 */
import { Container } from '@n8n/di';
import { ExecutionLifecycleHooks, ExternalSecretsProxy } from 'n8n-core';
import {
	UnexpectedError,
	type ICredentialsHelper,
	type INodeParameters,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

const BASE_URL = 'http://localhost:5678/';

let executionCounter = 0;

export interface AdditionalDataOptions {
	credentialsHelper: ICredentialsHelper;
	mode: WorkflowExecuteMode;
	workflowData?: IWorkflowBase;
	currentNodeParameters?: INodeParameters;
	/** A fresh execution id (binary data of the run is stored under it) unless given; null: none. */
	executionId?: string | null;
}

export function createAdditionalData(
	options: AdditionalDataOptions,
): IWorkflowExecuteAdditionalData {
	const executionId =
		options.executionId === null ? undefined : (options.executionId ?? String(++executionCounter));
	const notAvailable = (what: string) => async () => {
		throw new UnexpectedError(`${what} is not available in the test harness`);
	};
	const additionalData: IWorkflowExecuteAdditionalData = {
		currentNodeExecutionIndex: 0,
		credentialsHelper: options.credentialsHelper,
		executionId,
		workflowId: options.workflowData?.id,
		executeWorkflow: notAvailable('Executing a sub-workflow'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		restApiUrl: `${BASE_URL}rest`,
		instanceBaseUrl: BASE_URL,
		formBaseUrl: `${BASE_URL}form`,
		formWaitingBaseUrl: `${BASE_URL}form-waiting`,
		formTestBaseUrl: `${BASE_URL}form-test`,
		webhookBaseUrl: `${BASE_URL}webhook`,
		webhookWaitingBaseUrl: `${BASE_URL}webhook-waiting`,
		webhookTestBaseUrl: `${BASE_URL}webhook-test`,
		mcpBaseUrl: `${BASE_URL}mcp`,
		mcpTestBaseUrl: `${BASE_URL}mcp-test`,
		currentNodeParameters: options.currentNodeParameters,
		variables: {},
		externalSecretsProxy: Container.get(ExternalSecretsProxy),
		logAiEvent: () => {},
		setExecutionStatus: () => {},
		startRunnerTask: notAvailable('A task runner'),
	};
	if (options.workflowData && executionId) {
		additionalData.hooks = new ExecutionLifecycleHooks(
			options.mode,
			executionId,
			options.workflowData,
		);
	}
	return additionalData;
}
