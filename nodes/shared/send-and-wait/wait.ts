/**
 * Sending the messages of a Send and Wait and putting the execution to wait.
 *
 * The Timed Out output: when the wait time ends, n8n resumes the waiting node disabled, and a
 * disabled node passes on its stack entry's input (`data.main[0]` to output 0; every list of
 * `data.main` to the same output when the entry's `metadata.forwardAllOutputs` is set). The
 * entry is the object `getExecuteData()` returns. So before waiting, the entry's input becomes
 * `[[], [timeout item]]` with `forwardAllOutputs`: a timeout sends the item out of output 1
 * ("Timed Out"). An answer replaces the entry's input with the answer (n8n's webhook resume
 * sets `data.main` to the webhook's items and `forwardAllOutputs` itself), which goes out of
 * output 0 ("Answered").
 */
import {
	NodeOperationError,
	WAIT_INDEFINITELY,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';
import { markMayHaveActed } from '../errors';

export interface Delivery<T> {
	/** Who the message is for (its links name them), or undefined for a shared conversation. */
	recipient?: string;
	/** What the message went to, for the output (an address, a chat, a channel). */
	target: string;
	payload: T;
}

/**
 * Sends one message per delivery, in order. When one fails after others went out, the error
 * says who has the message, whose send failed (its own error says whether it may have been
 * carried out) and who was not attempted, and is marked as having acted: n8n's Retry On Fail
 * does not send them again.
 */
export async function sendEach<T>(
	ctx: IExecuteFunctions,
	itemIndex: number,
	deliveries: Array<Delivery<T>>,
	send: (delivery: Delivery<T>) => Promise<IDataObject>,
): Promise<IDataObject[]> {
	const sent: IDataObject[] = [];
	for (const [k, delivery] of deliveries.entries()) {
		try {
			sent.push({ ...(await send(delivery)), sentTo: delivery.target });
		} catch (error) {
			// The first send failed: its own error (the transport's, which says whether it may have
			// been carried out), as it is.
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
			if (k === 0) throw error;
			const e = error as { message?: string; description?: string };
			const done = deliveries.slice(0, k).map((d) => d.target);
			const notAttempted = deliveries.slice(k + 1).map((d) => d.target);
			throw markMayHaveActed(
				new NodeOperationError(
					ctx.getNode(),
					`Sent to ${done.join(', ')}; the message to ${delivery.target} failed: ${String(e.message ?? error)}`,
					{
						itemIndex,
						description: [
							e.description,
							notAttempted.length ? `Not attempted: ${notAttempted.join(', ')}.` : '',
							'The execution does not wait: the links already sent lead to a finished execution. This item is not run again by Retry On Fail, so nobody gets the message twice.',
						]
							.filter(Boolean)
							.join(' '),
					},
				),
			);
		}
	}
	return sent;
}

/**
 * Puts the execution to wait until an answer comes or `waitTill`, after which the timeout item
 * goes out of the Timed Out output. Returns what the node outputs while waiting.
 */
export async function waitForAnswer(
	ctx: IExecuteFunctions,
	itemIndex: number,
	sent: IDataObject[],
	waitTill: Date,
): Promise<INodeExecutionData[]> {
	const sentAt = new Date().toISOString();
	const sentTo = sent.map((s) => s.sentTo as string);
	const timeout: INodeExecutionData = {
		json: {
			timedOut: true,
			sentTo,
			sentAt,
			waitedUntil: waitTill.toISOString(),
		},
		pairedItem: { item: itemIndex },
	};
	const entry = ctx.getExecuteData();
	// A new object: the context's input data (this node's items) is the old one.
	entry.data = { ...entry.data, main: [[], [timeout]] };
	entry.metadata = { ...(entry.metadata ?? {}), forwardAllOutputs: true };
	// n8n links a forwarded item to the input it came in on (here input 1, `pairedItem.input`):
	// that input gets input 0's source, so `$('<earlier node>').item` resolves on Timed Out too.
	const source = entry.source?.main?.[0];
	if (entry.source && source) entry.source = { ...entry.source, main: [source, source] };
	await ctx.putExecutionToWait(waitTill);
	return [
		{
			json: {
				waiting: true,
				sentTo,
				sentAt,
				waitTill:
					waitTill.getTime() === WAIT_INDEFINITELY.getTime() ? null : waitTill.toISOString(),
				messages: sent,
			},
			pairedItem: { item: itemIndex },
		},
	];
}
