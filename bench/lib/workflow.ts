/** Small builders for the benchmark's workflows: a manual trigger followed by a chain of nodes. */
import type { WorkflowJson } from '../../scripts/e2e/stack';

export interface NodeSpec {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	/** n8n's node setting "On Error"; `continueRegularOutput` passes a failed item on as `{ error }`. */
	onError?: 'continueRegularOutput';
}

export const TRIGGER = 'Start';

/** Start → nodes[0] → nodes[1] → ... */
export function chain(name: string, nodes: NodeSpec[]): WorkflowJson {
	const all: NodeSpec[] = [
		{ name: TRIGGER, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
		...nodes,
	];
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < all.length - 1; i++)
		connections[all[i].name] = { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] };
	return {
		name,
		nodes: all.map((node, i) => ({ id: `bench-${i}`, position: [i * 240, 0], ...node })),
		connections,
		settings: { executionOrder: 'v1' },
	};
}

/** A Code node returning `count` items, each `{ i }` plus the given constant fields. */
export function generateItems(count: number, fields: Record<string, unknown> = {}): NodeSpec {
	return {
		name: 'Items',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		parameters: {
			language: 'javaScript',
			mode: 'runOnceForAllItems',
			jsCode: `const fields = ${JSON.stringify(fields)};\nreturn Array.from({ length: ${count} }, (_, i) => ({ json: { i, ...fields } }));`,
		},
	};
}

/** "Read/Write Files from Disk": one item per matching file, its content in binary `data`. */
export function readFiles(pattern: string): NodeSpec {
	return {
		name: 'Files',
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1,
		parameters: { operation: 'read', fileSelector: pattern, options: {} },
	};
}

export function credentialRef(credential: { id: string; name: string; type: string }) {
	return { [credential.type]: { id: credential.id, name: credential.name } };
}

export const rl = (value: string, mode = 'id') => ({ __rl: true, mode, value });
