import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import { resolveSiteId } from '../../library';
import { appOf, listGrants, readAppId, readSite } from '../../site-permissions';
import { appIdProperty, siteProperty } from './fields';

const properties: INodeProperties[] = [
	siteProperty('The site the app loses access to'),
	{
		displayName: 'Revoke By',
		name: 'revokeBy',
		type: 'options',
		options: [
			{ name: 'App ID', value: 'app', description: 'Every grant of the app on the site' },
			{
				name: 'Permission ID',
				value: 'permission',
				description: 'One grant, by its ID (Get Many)',
			},
		],
		default: 'app',
	},
	appIdProperty("The app's Application (client) ID", { show: { revokeBy: ['app'] } }),
	{
		displayName: 'Permission ID',
		name: 'permissionId',
		type: 'string',
		default: '',
		required: true,
		description: 'The ID of the grant (the ID field of Site Permission → Get Many)',
		displayOptions: { show: { revokeBy: ['permission'] } },
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['sitePermission'], operation: ['revoke'] } },
	properties,
);

export const graphCalls = declareGraphCalls([
	{ method: 'GET', path: '/sites/{hostname}:/{path}', when: 'the site is given by URL' },
	{ method: 'GET', path: '/sites/{id}/permissions', when: 'revoking by app ID' },
	{ method: 'DELETE', path: '/sites/{id}/permissions/{id}' },
]);

/**
 * Removes the app's grant(s) from the site. A DELETE is safe to repeat: one that finds nothing
 * after a lost answer has done what it asked (the transport reports it done), and revoking an
 * app without a grant removes nothing (`revoked: []`).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const site = readSite(this, itemIndex);
	const by = this.getNodeParameter('revokeBy', itemIndex, 'app') as string;
	let ids: string[];
	let appId: string | null = null;
	let siteId: string;
	if (by === 'permission') {
		const id = String(this.getNodeParameter('permissionId', itemIndex, '') ?? '').trim();
		if (id === '' || /[\s/?#]/.test(id)) {
			throw new NodeOperationError(this.getNode(), `Permission ID "${id}" is not a grant ID`, {
				itemIndex,
				description:
					'Give the ID of the grant as Site Permission → Get Many returns it. No request was made.',
			});
		}
		const transport = await getTransport(this, itemIndex);
		siteId = await resolveSiteId(this, transport, site, itemIndex);
		ids = [id];
		await remove(transport, siteId, ids, itemIndex);
	} else {
		appId = readAppId(this, itemIndex);
		const transport = await getTransport(this, itemIndex);
		const listed = await listGrants(this, transport, itemIndex, site);
		siteId = listed.siteId;
		ids = listed.grants.filter((g) => appOf(g).id?.toLowerCase() === appId).map((g) => g.id);
		await remove(transport, siteId, ids, itemIndex);
	}
	return { siteId, appId, revoked: ids };
}

async function remove(
	transport: Awaited<ReturnType<typeof getTransport>>,
	siteId: string,
	ids: string[],
	itemIndex: number,
): Promise<void> {
	for (const id of ids)
		await transport.request({
			effect: 'replaceable',
			method: 'DELETE',
			url: `/sites/${siteId}/permissions/${encodeURIComponent(id)}`,
			itemIndex,
		});
}
