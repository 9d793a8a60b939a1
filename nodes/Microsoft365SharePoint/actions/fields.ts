/** Parameters several operations share: site, library, item locators and conflict behaviour. */
import type { INodeProperties } from 'n8n-workflow';

export const siteLocator: INodeProperties = {
	displayName: 'Site',
	name: 'site',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The SharePoint site whose document library is used',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchSites', searchable: true },
		},
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: 'https://contoso.sharepoint.com/sites/reports',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: '^https://[A-Za-z0-9-]+\\.sharepoint(-mil)?\\.(com|us|cn)(/.*)?$',
						errorMessage:
							'Not a SharePoint Online site URL (https://<tenant>.sharepoint.com/sites/<name>)',
					},
				},
			],
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder:
				'contoso.sharepoint.com,00000000-0000-0000-0000-000000000000,00000000-0000-0000-0000-000000000000',
		},
	],
};

export function libraryLocator(
	name = 'library',
	displayName = 'Library',
	description = 'A document library of the site (any library, not only the default "Documents")',
): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchLibraries', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'b!AbCdEf…',
			},
		],
	};
}

export function itemLocator(
	name: string,
	displayName: string,
	placeholder: string,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'path', value: '' },
		required: true,
		modes: [
			{
				displayName: 'By Path',
				name: 'path',
				type: 'string',
				placeholder,
				hint: 'Relative to the library root',
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: '01ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
			},
		],
	};
}

export type ConflictBehavior = 'fail' | 'replace' | 'rename';

export function conflictBehaviorProperty(
	description = 'What to do when an item of the same name is already there',
): INodeProperties {
	return {
		displayName: 'If the Name Exists',
		name: 'conflictBehavior',
		type: 'options',
		options: [
			{ name: 'Fail', value: 'fail', description: 'Stop with an error that names the path' },
			{
				name: 'Rename',
				value: 'rename',
				description: 'Keep both: SharePoint adds a number to the new name (report 1.pdf)',
			},
			{ name: 'Replace', value: 'replace', description: 'Overwrite it (a new version of a file)' },
		],
		default: 'fail',
		description,
	};
}

/** Site, library and the file or folder an operation works on. */
export function itemProperties(displayName: string, placeholder: string): INodeProperties[] {
	return [siteLocator, libraryLocator(), itemLocator('file', displayName, placeholder)];
}
