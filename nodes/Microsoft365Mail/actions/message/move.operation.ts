import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';
import { folderSegment } from '../../mailbox';
import { messageContext } from '../../message-actions';
import { folderField, mailboxField, messageIdField } from './fields';

export const graphCalls = declareGraphCalls([
	{ method: 'POST', path: '/users/{id}/messages/{id}/move' },
]);

const properties: INodeProperties[] = [
	mailboxField,
	messageIdField,
	folderField('destination', 'Destination Folder', 'The folder to move the message to'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['move'] } },
	properties,
);

/** Moves a message; Exchange gives the moved message a new ID, which the output carries. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	const destination = decodeURIComponent(
		folderSegment(
			this,
			this.getNodeParameter('destination', itemIndex, '', { extractValue: true }),
			'Destination Folder',
			itemIndex,
		),
	);
	const m = await messageContext(this, itemIndex);
	const moved = await m.transport.request<IDataObject>({
		effect: 'createOnce',
		method: 'POST',
		url: `${m.path}/move`,
		body: { destinationId: destination },
		itemIndex,
	});
	delete moved['@odata.context'];
	return { ...moved, previousId: m.id };
}
