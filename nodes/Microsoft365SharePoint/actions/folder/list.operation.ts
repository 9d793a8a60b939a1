import { returnAllAndLimit } from '../../../shared/fields';
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
	folderSegments,
	itemOutput,
	LIBRARY_CALLS,
	itemUrl,
	notFoundOr,
	resolveLibrary,
	type DriveItem,
} from '../../library';
import { joinPath } from '../../paths';
import { libraryLocator, siteLocator } from '../fields';

export const graphCalls = declareGraphCalls([
	...LIBRARY_CALLS,
	{ method: 'GET', path: '/drives/{id}/root:/{path}' },
	{ method: 'GET', path: '/drives/{id}/items/{id}/children' },
]);

/** Children per request: large pages, few requests. */
const PAGE_SIZE = 500;
const SELECT =
	'id,name,size,webUrl,eTag,file,folder,parentReference,createdDateTime,lastModifiedDateTime';

const properties: INodeProperties[] = [
	siteLocator,
	libraryLocator(),
	{
		displayName: 'Folder Path',
		name: 'folderPath',
		type: 'string',
		default: '',
		placeholder: 'Reports/2024',
		description: 'Folder inside the library; empty for the library root',
	},
	{
		displayName: 'Include Subfolders',
		name: 'recursive',
		type: 'boolean',
		default: false,
		description: 'Whether to list the content of subfolders too',
	},
	{
		displayName: 'Max Depth',
		name: 'maxDepth',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 50 },
		default: 3,
		description: 'How many levels below the folder to list (1: its children only)',
		displayOptions: { show: { recursive: [true] } },
	},
	...returnAllAndLimit(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['folder'], operation: ['list'] } },
	properties,
);

/** Children of the folder, page by page; with subfolders, breadth-first up to the depth limit. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const input = checkLibraryInput(this, itemIndex);
	const segments = folderSegments(this, itemIndex);
	const recursive = this.getNodeParameter('recursive', itemIndex, false) as boolean;
	const maxDepth = recursive ? Number(this.getNodeParameter('maxDepth', itemIndex, 3)) : 1;
	if (!Number.isInteger(maxDepth) || maxDepth < 1) {
		throw new NodeOperationError(
			this.getNode(),
			`Max Depth must be a whole number from 1; got ${maxDepth}`,
			{
				itemIndex,
			},
		);
	}
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : Number(this.getNodeParameter('limit', itemIndex, 50));

	const transport = await getTransport(this, itemIndex);
	const library = await resolveLibrary(this, transport, itemIndex, input);
	const root = await ensureFolder(this, transport, library, segments, false, itemIndex);
	const out: IDataObject[] = [];
	let level: string[] = [root.id];
	for (let depth = 1; depth <= maxDepth && level.length && out.length < limit; depth++) {
		const next: string[] = [];
		for (const folderId of level) {
			if (out.length >= limit) break;
			try {
				for await (const child of transport.paginate<DriveItem>(
					`${itemUrl(library.driveId, { id: folderId })}/children`,
					{
						query: { $select: SELECT },
						pageSize: PAGE_SIZE,
						limit: limit === Infinity ? undefined : limit - out.length,
						itemIndex,
					},
				)) {
					out.push({ ...itemOutput(child, library), depth });
					if (child.folder && depth < maxDepth) next.push(child.id);
				}
			} catch (error) {
				throw notFoundOr(this, error, library, joinPath(segments), itemIndex, false);
			}
		}
		level = next;
	}
	return out.slice(0, limit === Infinity ? undefined : limit);
}
