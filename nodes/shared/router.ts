/**
 * The one place that loops over items for every node of this package: dispatches
 * `resource.operation`, links output items to their input (`pairedItem`), and turns each item's
 * failure into an error item (with `continueOnFail`) or a `NodeApiError`/`NodeOperationError`
 * carrying the item index — so one item's failure is reported on that item.
 *
 * An operation either handles one item at a time (`execute`) or all items of the run at once
 * (`executeMany`, for operations that batch requests, e.g. bulk mail through `$batch`); the
 * latter returns one result per input item, each a list of outputs or an Error.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { redact } from './redact';

export type ItemResult = IDataObject | IDataObject[] | INodeExecutionData | INodeExecutionData[];

export interface SingleItemOperation {
	execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult>;
}

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

/** The item's error as n8n shows it: an n8n error with the item index, secrets redacted. */
export function itemError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context = { ...(error.context ?? {}), itemIndex };
		error.message = redact(error.message);
		if (error.description) error.description = redact(error.description);
		return error;
	}
	const message = redact(error instanceof Error ? error.message : String(error));
	return new NodeOperationError(ctx.getNode(), message, { itemIndex });
}

function errorItem(error: NodeApiError | NodeOperationError, itemIndex: number): INodeExecutionData {
	return {
		json: { error: error.message, ...(error.description ? { description: error.description } : {}) },
		pairedItem: { item: itemIndex },
	};
}

export async function route(this: IExecuteFunctions, operations: OperationMap): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const output: INodeExecutionData[] = [];
	// Resource and operation are not expressions per item in practice, but n8n allows it: group
	// items by what they ask for, keeping output in input order.
	const groups = new Map<string, { operation: Operation; indexes: number[] }>();
	const failures = new Map<number, unknown>();
	const resultsByItem = new Map<number, INodeExecutionData[]>();
	for (let i = 0; i < items.length; i++) {
		try {
			const resource = this.getNodeParameter('resource', i) as string;
			const operationName = this.getNodeParameter('operation', i) as string;
			const operation = operations[resource]?.[operationName];
			if (!operation) {
				throw new NodeOperationError(this.getNode(), `The operation "${operationName}" of "${resource}" is not supported`, { itemIndex: i });
			}
			const key = `${resource}.${operationName}`;
			const group = groups.get(key) ?? { operation, indexes: [] };
			group.indexes.push(i);
			groups.set(key, group);
		} catch (error) {
			failures.set(i, error);
		}
	}
	const stopOnFailure = () => {
		if (failures.size === 0 || this.continueOnFail()) return;
		const first = Math.min(...failures.keys());
		throw itemError(this, failures.get(first), first);
	};
	// Without "Continue On Fail", nothing is sent once an item has failed.
	stopOnFailure();
	for (const { operation, indexes } of groups.values()) {
		if ('executeMany' in operation) {
			let results: (ItemResult | Error)[];
			try {
				results = await operation.executeMany.call(this, indexes);
			} catch (error) {
				results = indexes.map(() => (error instanceof Error ? error : new Error(String(error))));
			}
			indexes.forEach((itemIndex, k) => {
				const result = results[k];
				if (result instanceof Error) failures.set(itemIndex, result);
				else resultsByItem.set(itemIndex, toExecutionData(result, itemIndex));
			});
			stopOnFailure();
			continue;
		}
		for (const itemIndex of indexes) {
			try {
				resultsByItem.set(itemIndex, toExecutionData(await operation.execute.call(this, itemIndex), itemIndex));
			} catch (error) {
				failures.set(itemIndex, error);
				stopOnFailure();
			}
		}
	}
	for (let i = 0; i < items.length; i++) {
		if (failures.has(i)) {
			output.push(errorItem(itemError(this, failures.get(i), i), i));
			continue;
		}
		output.push(...(resultsByItem.get(i) ?? []));
	}
	return [output];
}
