import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';
import { siteLocator } from '../fields';

/** The site of a Site Permission operation, described for the operation. */
export function siteProperty(description: string): INodeProperties {
	return { ...siteLocator, description };
}

/** The app's Application (client) ID (Grant, Revoke by app). */
export function appIdProperty(
	description: string,
	displayOptions?: IDisplayOptions,
): INodeProperties {
	return {
		displayName: 'App ID',
		name: 'appId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '00000000-0000-0000-0000-000000000000',
		description,
		...(displayOptions ? { displayOptions } : {}),
	};
}
