import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { openBinarySource } from '../../../shared/binary-source';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import {
	checkLibraryInput,
	ensureFolder,
	folderSegments,
	itemOutput,
	LIBRARY_CALLS,
	resolveLibrary,
} from '../../library';
import { checkName, joinPath, MAX_PATH_LENGTH } from '../../paths';
import { binaryOf, chunkSizeOf, parseMetadata, setMetadata, uploadFile } from '../../upload';
import {
	conflictBehaviorProperty,
	libraryLocator,
	siteLocator,
	type ConflictBehavior,
} from '../fields';

export const graphCalls = declareGraphCalls([
	...LIBRARY_CALLS,
	{ method: 'GET', path: '/drives/{id}/root:/{path}' },
	{
		method: 'POST',
		path: '/drives/{id}/items/{id}/children',
		when: 'a folder of the path is missing',
	},
	{ method: 'PUT', path: '/drives/{id}/items/{id}:/{name}:/content', when: 'up to 4 MiB' },
	{
		method: 'POST',
		path: '/drives/{id}/items/{id}/createUploadSession',
		when: 'over 4 MiB',
	},
	{ method: 'GET', path: '/drives/{id}/items/{id}', when: 'metadata is set' },
	{ method: 'PATCH', path: '/sites/{id}/lists/{id}/items/{id}/fields', when: 'metadata is set' },
]);

const properties: INodeProperties[] = [
	siteLocator,
	libraryLocator(),
	{
		displayName: 'Folder Path',
		name: 'folderPath',
		type: 'string',
		default: '',
		placeholder: 'Reports/2024/Q1',
		description:
			'Folder inside the library, folders separated by /; empty for the library root. Missing folders are created level by level unless turned off in the options.',
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field containing the file to upload',
	},
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		placeholder: 'report-2024-03.pdf',
		description: "Name of the file in SharePoint; empty to use the binary data's file name",
	},
	conflictBehaviorProperty('What to do when a file of the same name is already in the folder'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Create Missing Folders',
				name: 'createFolders',
				type: 'boolean',
				default: true,
				description: 'Whether to create the folders of the folder path that do not exist yet',
			},
			{
				displayName: 'List Item Fields',
				name: 'metadata',
				type: 'json',
				default: '{}',
				description:
					'Values of the library\'s columns to set after the upload, by internal name, e.g. {"Department": "Finance", "PageCount": 12}',
			},
			{
				displayName: 'Upload Chunk Size (MiB)',
				name: 'chunkSizeMiB',
				type: 'options',
				options: [
					{ name: '5 MiB', value: 5 },
					{ name: '10 MiB', value: 10 },
					{ name: '20 MiB', value: 20 },
					{ name: '50 MiB', value: 50 },
				],
				default: 10,
				description:
					'Bytes per request for files over 4 MiB (memory used is about one chunk); larger chunks mean fewer requests',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['upload'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const node = this.getNode();
	// Every input is checked before the first request.
	const input = checkLibraryInput(this, itemIndex);
	const segments = folderSegments(this, itemIndex);
	const behavior = this.getNodeParameter('conflictBehavior', itemIndex, 'fail') as ConflictBehavior;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const property = String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim();
	const binary = binaryOf(this, itemIndex, property);
	const givenName = String(this.getNodeParameter('fileName', itemIndex, '') ?? '').trim();
	const name = checkName(node, givenName || binary.fileName, 'File name', itemIndex);
	const path = joinPath([...segments, name]);
	if (path.length - 1 > MAX_PATH_LENGTH) {
		throw new NodeOperationError(
			node,
			`The path ${path} is longer than SharePoint's ${MAX_PATH_LENGTH} characters`,
			{ itemIndex, description: 'Use a shorter folder path or file name.' },
		);
	}
	const metadata = parseMetadata(this, options.metadata, itemIndex);
	const chunkSize = chunkSizeOf(options.chunkSizeMiB);

	const transport = await getTransport(this, itemIndex);
	const library = await resolveLibrary(this, transport, itemIndex, input);
	const folder = await ensureFolder(
		this,
		transport,
		library,
		segments,
		options.createFolders !== false,
		itemIndex,
	);
	const source = await openBinarySource(this, itemIndex, property, binary);
	const result = await uploadFile(
		this,
		transport,
		library,
		folder,
		name,
		source,
		behavior,
		chunkSize,
		itemIndex,
	);
	const output: IDataObject = { ...itemOutput(result.item, library), created: result.created };
	if (metadata) {
		output.fields = await setMetadata(
			this,
			transport,
			library,
			result.item,
			path,
			metadata,
			itemIndex,
		);
	}
	return output;
}
