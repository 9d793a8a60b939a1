import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';
import { messagePath } from '../../mailbox';
import { downloadCalls, messageItem, readContext } from '../../read';
import { mailboxField, messageIdField, readOptionsCollection } from './fields';

export const graphCalls = declareGraphCalls([
	{ method: 'GET', path: '/users/{id}/messages/{id}' },
	...downloadCalls,
]);

const properties: INodeProperties[] = [mailboxField, messageIdField, readOptionsCollection];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['get'] } },
	properties,
);

/** One message by ID, with its attachments in binary properties when asked. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	const read = await readContext(this, itemIndex);
	const path = messagePath(
		this,
		read.target,
		this.getNodeParameter('messageId', itemIndex),
		itemIndex,
	);
	const message = await read.transport.request<IDataObject>({
		effect: 'read',
		url: path,
		query: { $select: read.select },
		itemIndex,
	});
	delete message['@odata.context'];
	return await messageItem(
		this,
		read.transport,
		read.target.path,
		message,
		read.download,
		itemIndex,
	);
}
