import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import {
	credentialDescriptions,
	credentialTest,
	listSearchMethods,
	operationSubtitle,
} from '../shared/node-common';
import { route, type OperationMap } from '../shared/router';
import * as file from './actions/file';
import * as folder from './actions/folder';
import * as sitePermission from './actions/sitePermission';
import { properties } from './actions/node.description';
import { searchLibraries, searchSites } from './methods/listSearch';

const operations: OperationMap = {
	file: file.operations,
	folder: folder.operations,
	sitePermission: sitePermission.operations,
};

export class Microsoft365SharePoint implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft 365 SharePoint',
		name: 'microsoft365SharePoint',
		icon: {
			light: 'file:microsoft365SharePoint.svg',
			dark: 'file:microsoft365SharePoint.dark.svg',
		},
		group: ['output'],
		version: 1,
		subtitle: operationSubtitle(properties),
		description:
			'Upload files of any size to SharePoint document libraries, download, copy, move and organise them',
		defaults: { name: 'Microsoft 365 SharePoint' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialDescriptions,
		properties,
	};

	methods = {
		listSearch: listSearchMethods(
			{ searchSites, searchLibraries },
			{ searchSites: 'sites', searchLibraries: 'document libraries' },
		),
		credentialTest,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this, operations);
	}
}
