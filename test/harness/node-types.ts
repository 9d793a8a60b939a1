/**
 * The node types a harness workflow knows: the test's own, plus the harness's "Input" node that
 * feeds the test's items (and files) to the node under test.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import {
	NodeConnectionTypes,
	NodeHelpers,
	UnexpectedError,
	type IBinaryData,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type INodeTypes,
	type IVersionedNodeType,
} from 'n8n-workflow';

export const INPUT_NODE_TYPE = 'n8n-nodes-harness.input';

export class HarnessNodeTypes implements INodeTypes {
	constructor(private readonly types: Record<string, INodeType | IVersionedNodeType>) {}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const found = this.types[nodeType];
		if (!found) throw new UnexpectedError(`Unrecognized node type: ${nodeType}`);
		return found;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return Object.fromEntries(
			Object.keys(this.types).map((name) => [name, { className: name, sourcePath: '' }]),
		);
	}
}

/** A file for an input item, stored through n8n's `prepareBinaryData` when the run starts. */
export interface HarnessBinaryInput {
	/** Bytes, a stream, or a file to stream from (`{ path }`: never read into memory). */
	content: Buffer | string | Readable | { path: string };
	fileName?: string;
	mimeType?: string;
}

/** An input item; `binary` values are either n8n binary data or files to store first. */
export interface HarnessInputItem {
	json: IDataObject;
	binary?: Record<string, IBinaryData | HarnessBinaryInput>;
}

function isBinaryInput(value: IBinaryData | HarnessBinaryInput): value is HarnessBinaryInput {
	return 'content' in value;
}

const inputDescription: INodeTypeDescription = {
	displayName: 'Harness Input',
	name: INPUT_NODE_TYPE,
	group: ['input'],
	version: 1,
	description: "Emits the test's input items",
	defaults: { name: 'Input' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	properties: [],
};

/** The upstream node of a run: emits the given items, storing their files with n8n's helpers. */
export function inputNodeType(items: HarnessInputItem[]): INodeType {
	return {
		description: inputDescription,
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const output: INodeExecutionData[] = [];
			for (const item of items) {
				const binary: Record<string, IBinaryData> = {};
				for (const [key, value] of Object.entries(item.binary ?? {})) {
					if (!isBinaryInput(value)) {
						binary[key] = value;
						continue;
					}
					const { content } = value;
					const data =
						typeof content === 'string'
							? Buffer.from(content)
							: Buffer.isBuffer(content) || 'pipe' in content
								? content
								: createReadStream(content.path);
					binary[key] = await this.helpers.prepareBinaryData(data, value.fileName, value.mimeType);
				}
				output.push({
					json: item.json,
					...(item.binary ? { binary } : {}),
					// All come from the Input node's single (empty) start item.
					pairedItem: { item: 0 },
				});
			}
			return [output];
		},
	};
}
