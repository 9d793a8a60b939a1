/**
 * Review (issue "Trust", promise 2): the Retry On Fail ledger (nodes/shared/router.ts) keeps at
 * most 50 node runs (any run with a failure keeps its ledger for an hour). When more than 50 other
 * node runs with a failure start while an execution waits between its tries (a busy instance, or
 * one workflow looping over batches), the waiting execution's ledger is evicted first (FIFO) and
 * its retry sends again an item whose request may have been carried out.
 */
import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { markMayHaveActed } from '../../nodes/shared/errors';
import { route, type OperationMap } from '../../nodes/shared/router';

const NODE = {
	id: 'n1',
	name: 'Send',
	type: 'x',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
} as INode;

function ctx(executionId: string, items: INodeExecutionData[]): IExecuteFunctions {
	return {
		getInputData: () => items,
		continueOnFail: () => true,
		getExecutionId: () => executionId,
		getNode: () => NODE,
		runIndex: 0,
		getNodeParameter: (name: string) => (name === 'resource' ? 'message' : 'send'),
	} as unknown as IExecuteFunctions;
}

test('an uncertain send is not re-sent on retry although 51 other failing runs started meanwhile', async () => {
	const sent: string[] = [];
	const operations: OperationMap = {
		message: {
			send: {
				async execute(this: IExecuteFunctions, i: number) {
					const to = String(this.getInputData()[i].json.to);
					sent.push(to);
					if (to === 'uncertain')
						throw markMayHaveActed(
							new NodeApiError(
								NODE,
								{ message: 'reset after send' },
								{ message: 'reset after send' },
							),
						);
					throw new NodeApiError(
						NODE,
						{ message: 'refused' },
						{ message: 'refused', httpCode: '403' },
					);
				},
			},
		},
	};
	// Try 1 of execution A: its request may have been carried out.
	await route.call(ctx('A', [{ json: { to: 'uncertain' } }]), operations);
	// Meanwhile, 51 other node runs fail (each keeps a ledger).
	for (let e = 0; e < 51; e++)
		await route.call(ctx(`other-${e}`, [{ json: { to: 'x' } }]), operations);
	// Try 2 of execution A (n8n's Retry On Fail: same execution, node, run index and items).
	await route.call(ctx('A', [{ json: { to: 'uncertain' } }]), operations);
	expect(sent.filter((s) => s === 'uncertain')).toHaveLength(1);
});
