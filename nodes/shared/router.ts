/**
 * The one place that loops over items for every node of this package: dispatches
 * `resource.operation`, links output items to their input (`pairedItem`), and accounts for every
 * item:
 *
 * - With "Continue On Fail" (either output), every input item comes out with its own result: its
 *   outputs, or an error item that carries the n8n error (`error`), so that the setting
 *   "continue (using error output)" routes it to the error output.
 * - Without it, the node stops at the first failure and throws one error that says how many
 *   items were done, which failed and why, and which were not attempted.
 * - n8n's "Retry On Fail" runs the node again with the same items in the same execution: items
 *   done in an earlier try (and items whose request may have been carried out) are not run again
 *   (`ExecutionLedger`); their first result stands.
 *
 * An operation either handles one item at a time (`execute`) or all items of the run at once
 * (`executeMany`, for operations that batch requests, e.g. bulk mail through `$batch`); the
 * latter returns one result per input item, each a list of outputs or an Error.
 *
 * Send and Wait (`sendAndWait`, as n8n's own nodes) runs once, for the first item, as n8n's do:
 * the execution then waits for one answer. Its node has two outputs, "Answered" and "Timed Out";
 * what it outputs while waiting goes to the first.
 */
import { createHash } from 'node:crypto';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	NodeOperationError as NodeOperationErrorType,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, SEND_AND_WAIT_OPERATION } from 'n8n-workflow';
import { markMayHaveActed, mayHaveActed } from './errors';
import { redact } from './redact';

export type ItemResult = IDataObject | IDataObject[] | INodeExecutionData | INodeExecutionData[];

export interface SingleItemOperation {
	execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult>;
	/**
	 * The item's lane, for operations whose items wait on a per-target pace (Teams posts: the
	 * channel or chat). Items of one lane run one after another in input order; different lanes
	 * run at the same time, up to LANE_CONCURRENCY. Without it items run one at a time. A lane
	 * that cannot be read (bad input) is the item's own; its `execute` reports the input.
	 */
	laneOf?(this: IExecuteFunctions, itemIndex: number): string;
}

/** Lanes (e.g. Teams channels) an execution works on at once. */
export const LANE_CONCURRENCY = 8;

export interface ManyItemsOperation {
	/** One entry per item index given: the item's outputs, or the Error it failed with. */
	executeMany(this: IExecuteFunctions, itemIndexes: number[]): Promise<(ItemResult | Error)[]>;
}

export type Operation = SingleItemOperation | ManyItemsOperation;

export type OperationMap = Record<string, Record<string, Operation>>;

function toExecutionData(result: ItemResult, itemIndex: number): INodeExecutionData[] {
	const list = Array.isArray(result) ? result : [result];
	return list.map((entry) => {
		const data: INodeExecutionData =
			'json' in entry && typeof entry.json === 'object' && entry.json !== null
				? (entry as INodeExecutionData)
				: { json: entry as IDataObject };
		return { ...data, pairedItem: { item: itemIndex } };
	});
}

type ItemError = NodeApiError | NodeOperationErrorType;

/** The item's error as n8n shows it: an n8n error with the item index, secrets redacted. */
export function itemError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): ItemError {
	const owner = (error as { context?: { itemIndex?: unknown } } | undefined)?.context?.itemIndex;
	if (
		(error instanceof NodeApiError || error instanceof NodeOperationError) &&
		typeof owner === 'number' &&
		owner !== itemIndex
	) {
		// One error shared by several items (a failed $batch envelope): each item gets its own.
		const copy = new NodeOperationError(ctx.getNode(), redact(error.message), {
			description: error.description ? redact(error.description) : undefined,
			itemIndex,
		});
		return mayHaveActed(error) ? markMayHaveActed(copy) : copy;
	}
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context = { ...(error.context ?? {}), itemIndex };
		error.message = redact(error.message);
		if (error.description) error.description = redact(error.description);
		return error;
	}
	const message = redact(error instanceof Error ? error.message : String(error));
	return new NodeOperationError(ctx.getNode(), message, { itemIndex });
}

/**
 * An error item: `error` carries the n8n error (n8n sends such items to the error output when
 * the node's setting is "continue (using error output)"), the JSON its message and details.
 */
function errorItem(error: ItemError, itemIndex: number): INodeExecutionData {
	return {
		json: {
			error: error.message,
			...(error.description ? { details: error.description } : {}),
		},
		error,
		pairedItem: { item: itemIndex },
	};
}

// ---------------------------------------------------------------------------------------------
// What earlier tries of this node did in this execution (n8n's Retry On Fail)

interface LedgerEntry {
	/** `resource.operation` and a digest of the item: a retry runs the same items. */
	key: string;
	outputs?: INodeExecutionData[];
	/** A failure whose request may have been carried out: not run again. */
	uncertain?: ItemError;
}

/**
 * Ledgers are kept while n8n may still retry the node: its retries come within seconds (at most 5
 * tries, at most 5 s apart), so a ledger younger than LEDGER_KEEP_MS is never dropped; older ones
 * go past LEDGER_EXECUTIONS or after LEDGER_TTL_MS.
 */
const LEDGER_EXECUTIONS = 200;
const LEDGER_KEEP_MS = 10 * 60_000;
const LEDGER_TTL_MS = 60 * 60_000;
const ledgers = new Map<string, { at: number; items: Map<number, LedgerEntry> }>();

/** The ledger of this node's run in this execution, or undefined when n8n gives no execution ID. */
function ledgerFor(ctx: IExecuteFunctions): Map<number, LedgerEntry> | undefined {
	let executionId: string | undefined;
	try {
		executionId = ctx.getExecutionId();
	} catch {
		return undefined;
	}
	if (!executionId) return undefined;
	const node = ctx.getNode();
	const runIndex = (ctx as unknown as { runIndex?: number }).runIndex ?? 0;
	const id = `${executionId}\u0000${node.id ?? node.name}\u0000${runIndex}`;
	const now = Date.now();
	for (const [key, ledger] of ledgers) {
		const age = now - ledger.at;
		if (age > LEDGER_TTL_MS || (ledgers.size > LEDGER_EXECUTIONS && age > LEDGER_KEEP_MS))
			ledgers.delete(key);
		else break;
	}
	let ledger = ledgers.get(id);
	if (!ledger) {
		ledger = { at: now, items: new Map() };
		ledgers.set(id, ledger);
	}
	return ledger.items;
}

function forget(ctx: IExecuteFunctions): void {
	try {
		const node = ctx.getNode();
		const runIndex = (ctx as unknown as { runIndex?: number }).runIndex ?? 0;
		ledgers.delete(`${ctx.getExecutionId()}\u0000${node.id ?? node.name}\u0000${runIndex}`);
	} catch {
		// nothing kept
	}
}

function itemKey(operation: string, item: INodeExecutionData | undefined): string {
	const hash = createHash('sha256');
	hash.update(operation);
	hash.update(JSON.stringify(item?.json ?? null));
	for (const [name, binary] of Object.entries(item?.binary ?? {}))
		hash.update(`${name}:${binary.id ?? ''}:${binary.fileSize ?? ''}:${binary.fileName ?? ''}`);
	return hash.digest('base64');
}

// ---------------------------------------------------------------------------------------------

function failureSummary(
	items: number,
	done: number[],
	failures: Map<number, ItemError>,
	notAttempted: number[],
): { message: string; description: string } {
	const failed = [...failures.keys()].sort((a, b) => a - b);
	const first = failures.get(failed[0])!;
	const list = (indexes: number[]) =>
		indexes.length > 12
			? `${indexes.slice(0, 12).join(', ')} and ${indexes.length - 12} more`
			: indexes.join(', ');
	const message = `${done.length} of ${items} items done; ${failed.length} failed (item${failed.length === 1 ? '' : 's'} ${list(failed)}): ${first.message}`;
	const lines = failed.slice(0, 20).map((i) => {
		const e = failures.get(i)!;
		return `Item ${i}: ${e.message}${e.description ? ` — ${e.description}` : ''}`;
	});
	if (failed.length > 20) lines.push(`… and ${failed.length - 20} more failed items.`);
	const uncertain = failed.filter((i) => mayHaveActed(failures.get(i)));
	const parts = [
		done.length
			? `Done: item${done.length === 1 ? '' : 's'} ${list(done)}. They are not run again when n8n retries this node in this execution (Retry On Fail).`
			: 'No item was done.',
		lines.join('\n'),
	];
	if (uncertain.length)
		parts.push(
			`Item${uncertain.length === 1 ? '' : 's'} ${list(uncertain)} may have been carried out before the failure; they are not sent again on a retry: check them before running them again.`,
		);
	if (notAttempted.length)
		parts.push(
			`Not attempted (the node stops at the first failure): item${notAttempted.length === 1 ? '' : 's'} ${list(notAttempted)}.`,
		);
	parts.push(
		'To get every item\'s own result instead of this error, set the node\'s "On Error" setting to continue (regular or error output).',
	);
	return { message, description: parts.join('\n\n') };
}

/**
 * Runs items lane by lane: in input order within a lane, up to LANE_CONCURRENCY lanes at once.
 * After a failure that stops the node, no further item starts (items already started finish).
 */
async function runInLanes(
	ctx: IExecuteFunctions,
	operation: SingleItemOperation,
	indexes: number[],
	runItem: (itemIndex: number) => Promise<void>,
	stop: () => boolean,
): Promise<void> {
	const lanes = new Map<string, number[]>();
	for (const itemIndex of indexes) {
		let key: string;
		try {
			key = `lane:${operation.laneOf!.call(ctx, itemIndex)}`;
		} catch {
			key = `item:${itemIndex}`;
		}
		const lane = lanes.get(key) ?? [];
		lane.push(itemIndex);
		lanes.set(key, lane);
	}
	const queue = [...lanes.values()];
	const worker = async () => {
		for (let lane = queue.shift(); lane; lane = queue.shift()) {
			for (const itemIndex of lane) {
				if (stop()) return;
				await runItem(itemIndex);
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(LANE_CONCURRENCY, queue.length) }, worker));
}

export async function route(
	this: IExecuteFunctions,
	operations: OperationMap,
): Promise<INodeExecutionData[][]> {
	const allItems = this.getInputData();
	const waits =
		allItems.length > 0 && this.getNodeParameter('operation', 0, '') === SEND_AND_WAIT_OPERATION;
	const items = waits ? allItems.slice(0, 1) : allItems;
	const continueOnFail = this.continueOnFail();
	const ledger = ledgerFor(this);
	// Resource and operation are not expressions per item in practice, but n8n allows it: group
	// items by what they ask for, keeping output in input order.
	const groups = new Map<string, { operation: Operation; indexes: number[] }>();
	const failures = new Map<number, ItemError>();
	const resultsByItem = new Map<number, INodeExecutionData[]>();
	const keys = new Map<number, string>();
	for (let i = 0; i < items.length; i++) {
		try {
			const resource = this.getNodeParameter('resource', i) as string;
			const operationName = this.getNodeParameter('operation', i) as string;
			const operation = operations[resource]?.[operationName];
			if (!operation) {
				throw new NodeOperationError(
					this.getNode(),
					`The operation "${operationName}" of "${resource}" is not supported`,
					{ itemIndex: i },
				);
			}
			const name = `${resource}.${operationName}`;
			const key = itemKey(name, items[i]);
			keys.set(i, key);
			const earlier = ledger?.get(i);
			if (earlier && earlier.key === key) {
				// Done, or possibly done, in an earlier try of this execution: its result stands.
				if (earlier.outputs) resultsByItem.set(i, earlier.outputs);
				else if (earlier.uncertain) failures.set(i, earlier.uncertain);
				continue;
			}
			const group = groups.get(name) ?? { operation, indexes: [] };
			group.indexes.push(i);
			groups.set(name, group);
		} catch (error) {
			failures.set(i, itemError(this, error, i));
		}
	}
	const record = (i: number, outputs?: INodeExecutionData[], error?: ItemError) => {
		if (!ledger) return;
		const key = keys.get(i);
		if (key === undefined) return;
		if (outputs) ledger.set(i, { key, outputs });
		else if (error && mayHaveActed(error)) ledger.set(i, { key, uncertain: error });
	};
	const attempted = new Set<number>();
	const stop = () => failures.size > 0 && !continueOnFail;
	if (!stop()) {
		for (const { operation, indexes } of groups.values()) {
			if ('executeMany' in operation) {
				let results: (ItemResult | Error)[];
				try {
					results = await operation.executeMany.call(this, indexes);
				} catch (error) {
					results = indexes.map(() => (error instanceof Error ? error : new Error(String(error))));
				}
				indexes.forEach((itemIndex, k) => {
					attempted.add(itemIndex);
					const result = results[k];
					if (result instanceof Error) {
						const error = itemError(this, result, itemIndex);
						failures.set(itemIndex, error);
						record(itemIndex, undefined, error);
					} else {
						const outputs = toExecutionData(result, itemIndex);
						resultsByItem.set(itemIndex, outputs);
						record(itemIndex, outputs);
					}
				});
			} else {
				const runItem = async (itemIndex: number) => {
					attempted.add(itemIndex);
					try {
						const outputs = toExecutionData(
							await operation.execute.call(this, itemIndex),
							itemIndex,
						);
						resultsByItem.set(itemIndex, outputs);
						record(itemIndex, outputs);
					} catch (caught) {
						const error = itemError(this, caught, itemIndex);
						failures.set(itemIndex, error);
						record(itemIndex, undefined, error);
					}
				};
				if (operation.laneOf) {
					await runInLanes(this, operation, indexes, runItem, stop);
				} else {
					for (const itemIndex of indexes) {
						await runItem(itemIndex);
						if (stop()) break;
					}
				}
			}
			if (stop()) break;
		}
	}
	if (failures.size === 0) forget(this);
	if (stop()) {
		const failed = [...failures.keys()].sort((a, b) => a - b);
		if (items.length === 1) throw failures.get(failed[0]);
		const done = [...resultsByItem.keys()].sort((a, b) => a - b);
		const notAttempted = items
			.map((_, i) => i)
			.filter((i) => !failures.has(i) && !resultsByItem.has(i) && !attempted.has(i));
		const { message, description } = failureSummary(items.length, done, failures, notAttempted);
		const first = failures.get(failed[0])!;
		throw new NodeOperationError(this.getNode(), redact(message), {
			description: redact(description),
			itemIndex: failed[0],
			...(first instanceof NodeApiError && first.httpCode ? { httpCode: first.httpCode } : {}),
		} as ConstructorParameters<typeof NodeOperationError>[2]);
	}
	const output: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		const failure = failures.get(i);
		if (failure) output.push(errorItem(failure, i));
		else output.push(...(resultsByItem.get(i) ?? []));
	}
	return waits ? [output, []] : [output];
}
