import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { declareGraphCalls } from '../../../shared/operations';
import { postChannelMessage } from '../../channel-post';
import { channelLocator, messageFields, teamLocator } from '../fields';
import { MENTION_CALLS } from './mention-calls';

const properties: INodeProperties[] = [
	teamLocator(),
	channelLocator(),
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field holding the file to post',
	},
	...messageFields({
		subject: true,
		conversationMentions: true,
		messageRequired: false,
		extraOptions: [
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: '',
				description:
					"Name of the file in the channel's files folder (default: the binary's file name)",
			},
			{
				displayName: 'If the File Exists',
				name: 'conflictBehavior',
				type: 'options',
				options: [
					{ name: 'Keep Both (Rename the New File)', value: 'rename' },
					{ name: 'Replace It', value: 'replace' },
					{ name: 'Fail', value: 'fail' },
				],
				default: 'rename',
			},
		],
	}),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['channelMessage'], operation: ['postWithFile'] } },
	properties,
);

export const graphCalls = declareGraphCalls([
	{ method: 'GET', path: '/teams/{id}/channels/{id}/filesFolder', scheme: 'delegated' },
	{
		method: 'PUT',
		path: '/drives/{id}/items/{id}:/{name}:/content',
		scheme: 'delegated',
		when: 'uploading the file',
	},
	{
		method: 'POST',
		path: '/drives/{id}/items/{id}:/{name}:/createUploadSession',
		scheme: 'delegated',
		when: 'uploading the file',
	},
	{ method: 'POST', path: '/teams/{id}/channels/{id}/messages', scheme: 'delegated' },
	...MENTION_CALLS,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	return await postChannelMessage(this, itemIndex, 'file');
}
