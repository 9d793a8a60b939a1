import type { INodeProperties } from 'n8n-workflow';
import { chatLocator } from '../fields';

/** Send To: people (their chat, found or created) or an existing chat (Send, Send and Wait). */
export function sendToProperty(peopleDescription: string): INodeProperties {
	return {
		displayName: 'Send To',
		name: 'sendTo',
		type: 'options',
		options: [
			{ name: 'People', value: 'people', description: peopleDescription },
			{ name: 'Existing Chat', value: 'chat', description: 'A chat by list, link or ID' },
		],
		default: 'people',
	};
}

/** The people to send to, shown for Send To "People". */
export function recipientsProperty(description: string): INodeProperties {
	return {
		displayName: 'Recipients',
		name: 'recipients',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'alice@contoso.com, bob@contoso.com',
		description,
		displayOptions: { show: { sendTo: ['people'] } },
	};
}

/** The chat to send to, shown for Send To "Existing Chat". */
export function chatTargetProperty(): INodeProperties {
	return { ...chatLocator(), displayOptions: { show: { sendTo: ['chat'] } } };
}
