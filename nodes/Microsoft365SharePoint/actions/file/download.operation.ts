import type { Readable } from 'node:stream';
import {
	NodeOperationError,
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';
import { declareGraphCalls } from '../../../shared/operations';
import { getItem, itemOutput, LIBRARY_CALLS, openItem } from '../../library';
import { itemProperties } from '../fields';

export const graphCalls = declareGraphCalls([
	...LIBRARY_CALLS,
	{ method: 'GET', path: '/drives/{id}/items/{id}' },
]);

const properties: INodeProperties[] = [
	...itemProperties('File', 'Reports/2024/summary.pdf'),
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the output binary field to put the file in',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['download'] } },
	properties,
);

/**
 * The item (for its name, type and pre-authenticated download URL), then its content from that
 * URL without a token, streamed into n8n's binary data (to disk in filesystem mode).
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const {
		ref,
		transport,
		library,
		checked: property,
	} = await openItem(this, itemIndex, () => {
		const name = String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim();
		if (!name) {
			throw new NodeOperationError(this.getNode(), 'Put Output File in Field is empty', {
				itemIndex,
				description: 'Give the name of the binary field for the file, e.g. data.',
			});
		}
		return name;
	});
	const item = await getItem(this, transport, library, ref, itemIndex);
	const url = item['@microsoft.graph.downloadUrl'];
	if (!item.file || !url) {
		throw new NodeOperationError(this.getNode(), `${ref.label} is a folder, not a file`, {
			itemIndex,
			description: 'Download works on files; list a folder with Folder > List.',
		});
	}
	const response = await transport.sendUnauthenticated<Readable>({
		effect: 'read',
		method: 'GET',
		url,
		responseType: 'stream',
		itemIndex,
	});
	const binary = await this.helpers.prepareBinaryData(response.body, item.name, item.file.mimeType);
	return { json: itemOutput(item, library), binary: { [property]: binary } };
}
