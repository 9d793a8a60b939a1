import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import {
	checkLibraryInput,
	ensureFolder,
	explainForbidden,
	folderSegments,
	isGraphStatus,
	itemOutput,
	LIBRARY_CALLS,
	itemUrl,
	resolveLibrary,
	type DriveItem,
} from '../../library';
import { joinPath } from '../../paths';
import { libraryLocator, siteLocator } from '../fields';

export const graphCalls = declareGraphCalls([
	...LIBRARY_CALLS,
	{ method: 'GET', path: '/drives/{id}/root:/{path}' },
	{ method: 'POST', path: '/drives/{id}/items/{id}/children' },
	{ method: 'GET', path: '/drives/{id}/items/{id}' },
]);

const properties: INodeProperties[] = [
	siteLocator,
	libraryLocator(),
	{
		displayName: 'Folder Path',
		name: 'folderPath',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Reports/2024/Q1',
		description: 'The folder to create; missing parent folders are created too',
	},
	{
		displayName: 'If the Folder Exists',
		name: 'ifExists',
		type: 'options',
		options: [
			{ name: 'Fail', value: 'fail', description: 'Stop with an error that names the path' },
			{
				name: 'Rename',
				value: 'rename',
				description: 'Create a new folder with a number added to the name (Q1 1)',
			},
			{ name: 'Use Existing', value: 'useExisting', description: 'Output the existing folder' },
		],
		default: 'useExisting',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['folder'], operation: ['create'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const input = checkLibraryInput(this, itemIndex);
	const segments = folderSegments(this, itemIndex);
	if (segments.length === 0) {
		throw new NodeOperationError(this.getNode(), 'Folder path is empty', {
			itemIndex,
			description: 'Give the folder to create inside the library, e.g. Reports/2024/Q1.',
		});
	}
	const ifExists = this.getNodeParameter('ifExists', itemIndex, 'useExisting') as string;
	const transport = await getTransport(this, itemIndex);
	const library = await resolveLibrary(this, transport, itemIndex, input);
	const parent = await ensureFolder(
		this,
		transport,
		library,
		segments.slice(0, -1),
		true,
		itemIndex,
	);
	const name = segments[segments.length - 1];
	const path = joinPath(segments);
	try {
		const created = await transport.send<DriveItem>({
			method: 'POST',
			url: `${itemUrl(library.driveId, { id: parent.id })}/children`,
			body: {
				name,
				folder: {},
				'@microsoft.graph.conflictBehavior': ifExists === 'rename' ? 'rename' : 'fail',
			},
			// Use Existing: a repeat finds the folder (409). Rename would make a second one ("name 1")
			// and Fail would report our own folder as already there: neither is sent again.
			effect: ifExists === 'useExisting' ? 'replaceable' : 'createOnce',
			acceptStatus: ifExists === 'useExisting' ? [409] : undefined,
			itemIndex,
		});
		if (created.status !== 409) return { ...itemOutput(created.body, library), created: true };
	} catch (error) {
		if (isGraphStatus(error, 409)) {
			throw new NodeOperationError(
				this.getNode(),
				`A folder or file named "${name}" already exists at ${path} in the library "${library.name}"`,
				{
					itemIndex,
					description: '"If the Folder Exists" is Fail: choose Use Existing or Rename.',
				},
			);
		}
		throw explainForbidden(error, `the library "${library.name}"'s site`, true);
	}
	const existing = await transport.request<DriveItem>({
		effect: 'read',
		url: itemUrl(library.driveId, { segments }),
		itemIndex,
	});
	if (!existing.folder) {
		throw new NodeOperationError(
			this.getNode(),
			`${path} in the library "${library.name}" is a file, not a folder`,
			{ itemIndex, description: 'Choose another folder path.' },
		);
	}
	return { ...itemOutput(existing, library), created: false };
}
