import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { declareGraphCalls } from '../../../shared/operations';
import { getItem, itemOutput, openItem } from '../../library';
import {
	copyTo,
	destinationInput,
	destinationProperties,
	resolveDestination,
	TRANSFER_CALLS,
} from '../../transfer';
import { itemProperties } from '../fields';

export const graphCalls = declareGraphCalls([
	...TRANSFER_CALLS,
	{ method: 'POST', path: '/drives/{id}/items/{id}/copy' },
]);

const properties: INodeProperties[] = [
	...itemProperties('File or Folder', 'Reports/2024/summary.pdf'),
	...destinationProperties,
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description:
			'Whether to wait until SharePoint has finished the copy (it copies in the background) and output the new item',
	},
	{
		displayName: 'Wait Timeout (Seconds)',
		name: 'waitTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 300,
		displayOptions: { show: { waitForCompletion: [true] } },
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['copy'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const {
		ref,
		transport,
		library,
		checked: destination,
	} = await openItem(this, itemIndex, () => destinationInput(this, itemIndex));
	const wait = this.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
	const timeoutMs = Number(this.getNodeParameter('waitTimeout', itemIndex, 300)) * 1000;
	const item = await getItem(this, transport, library, ref, itemIndex, { $select: 'id,name' });
	const target = await resolveDestination(this, transport, library, destination, itemIndex);
	const result = await copyTo(
		this,
		transport,
		{ library, item },
		target,
		destination.newName ?? item.name,
		destination.behavior,
		wait ? { timeoutMs } : undefined,
		itemIndex,
	);
	if (!result.item)
		return { status: 'inProgress', sourceId: item.id, monitorUrl: result.monitorUrl };
	return { ...itemOutput(result.item, target.library), sourceId: item.id };
}
