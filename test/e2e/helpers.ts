/**
 * What the end-to-end test files share: the running stack (from the global setup), an n8n
 * client logged in as the owner, the emulator's admin API, and small workflow builders.
 */
import { readFileSync } from 'node:fs';
import type { StackState } from '../../scripts/e2e/up';
import {
	emulatorAdmin,
	N8nClient,
	nodeOutput,
	trustCa,
	type Execution,
	type WorkflowJson,
} from '../../scripts/e2e/stack';
import { STATE_ENV } from './state';

export interface LogEntry {
	seq: number;
	method: string;
	host: string;
	url: string;
	status?: number;
	handled: boolean;
	requestBytes: number;
	responseBytes: number;
	headers: Record<string, string>;
	fault?: string;
	auth?: { appId?: string; upn?: string; scheme?: 'delegated' | 'application'; aud?: string };
}

export interface E2e {
	state: StackState;
	n8n: N8nClient;
	emulatorUrl: string;
	/** Same as emulatorUrl (the shape demo helpers take). */
	url: string;
	/** The emulator's SMTP port (the demo credentials' SMTP Endpoint). */
	smtpPort?: number;
	admin<T = any>(method: string, path: string, body?: unknown): Promise<T>;
	/** The emulator's request-log sequence number now (for `logSince`). */
	mark(): Promise<number>;
	logSince(mark: number): Promise<LogEntry[]>;
}

export function e2e(): E2e {
	const file = process.env[STATE_ENV];
	if (!file) throw new Error(`${STATE_ENV} is not set: run with npm run test:e2e`);
	const state = JSON.parse(readFileSync(file, 'utf8')) as StackState;
	if (!state.emulatorUrl || !state.caFile) throw new Error('the e2e stack has no emulator');
	trustCa(state.caFile);
	const n8n = new N8nClient(state.n8nUrl);
	n8n.cookie = state.cookie;
	n8n.apiKey = state.apiKey;
	const emulatorUrl = state.emulatorUrl;
	const admin = emulatorAdmin(emulatorUrl);
	return {
		state,
		n8n,
		emulatorUrl,
		url: emulatorUrl,
		smtpPort: state.smtpPort,
		admin,
		mark: async () => (await admin('GET', 'log?since=999999999')).mark,
		logSince: async (mark: number) => (await admin('GET', `log?since=${mark}`)).entries,
	};
}

export const MANUAL_TRIGGER = 'Manual Trigger';

/** A workflow: a manual trigger followed by the given nodes in a chain. */
export function chain(name: string, nodes: Array<Record<string, any>>): WorkflowJson {
	const all: Array<Record<string, any>> = [
		{
			id: 'trigger',
			name: MANUAL_TRIGGER,
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		...nodes.map((n, i) => ({ id: `n${i}`, position: [240 * (i + 1), 0], ...n })),
	];
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < all.length - 1; i++)
		connections[all[i].name] = { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] };
	return { name, nodes: all, connections };
}

/** An HTTP Request node calling Graph with a predefined credential type (n8n's own OAuth2 path). */
export function httpRequestNode(
	name: string,
	url: string,
	credential: { type: string; id: string; name: string },
): Record<string, any> {
	return {
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method: 'GET',
			url,
			authentication: 'predefinedCredentialType',
			nodeCredentialType: credential.type,
			options: {},
		},
		credentials: { [credential.type]: { id: credential.id, name: credential.name } },
	};
}

/** Creates and runs a workflow from its manual trigger; returns the finished execution. */
export async function runOnce(n8n: N8nClient, workflow: WorkflowJson): Promise<Execution> {
	const created = await n8n.createWorkflow(workflow);
	return await n8n.runWorkflow(created.id, MANUAL_TRIGGER);
}

/** Explains a failed execution in an assertion message. */
export function describeExecution(execution: Execution): string {
	const runData = execution.data?.resultData.runData ?? {};
	const nodes = Object.entries(runData).map(
		([name, runs]) =>
			`${name}: ${runs[0]?.executionStatus ?? '?'}${runs[0]?.error ? ` (${runs[0].error.message} ${runs[0].error.description ?? ''})` : ''}`,
	);
	return `execution ${execution.id} ${execution.status}; ${nodes.join('; ')}; ${JSON.stringify(execution.data?.resultData.error ?? {}).slice(0, 800)}`;
}

export function expectSuccess(execution: Execution): void {
	if (execution.status !== 'success') throw new Error(describeExecution(execution));
}

export { nodeOutput };
