import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import {
	appOf,
	CREATABLE_ROLES,
	listGrants,
	permissionOutput,
	readAppId,
	readRole,
	readSite,
	type SitePermission,
} from '../../site-permissions';
import { appIdProperty, siteProperty } from './fields';

const properties: INodeProperties[] = [
	siteProperty('The site the app is granted access to'),
	appIdProperty(
		"The app's Application (client) ID (Entra admin center > App registrations > the app > Overview)",
	),
	{
		displayName: 'App Display Name',
		name: 'appDisplayName',
		type: 'string',
		default: '',
		description: 'The name shown for the grant in the site’s permissions (the app’s name)',
	},
	{
		displayName: 'Role',
		name: 'role',
		type: 'options',
		options: [
			{ name: 'Read', value: 'read', description: 'Read items and files of the site' },
			{ name: 'Write', value: 'write', description: 'Read and change items and files' },
			{
				name: 'Manage',
				value: 'manage',
				description: 'Write, and manage lists and libraries (created as write, then raised)',
			},
			{
				name: 'Full Control',
				value: 'fullcontrol',
				description: 'Everything, including the site’s permissions (created as write, then raised)',
			},
		],
		default: 'read',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['sitePermission'], operation: ['grant'] } },
	properties,
);

export const graphCalls = declareGraphCalls([
	{ method: 'GET', path: '/sites/{hostname}:/{path}', when: 'the site is given by URL' },
	{ method: 'GET', path: '/sites/{id}/permissions' },
	{ method: 'POST', path: '/sites/{id}/permissions', when: 'the app has no grant on the site' },
	{
		method: 'PATCH',
		path: '/sites/{id}/permissions/{id}',
		when: 'the app has another role, or the role is manage or full control',
	},
]);

/**
 * Sets the app's role on the site: an existing grant of the app is changed (PATCH, safe to
 * repeat), otherwise one is created (POST, sent once). Running it again therefore never adds a
 * second grant. Manage and Full Control are created as write and then raised (see SITE_ROLES).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const site = readSite(this, itemIndex);
	const appId = readAppId(this, itemIndex);
	const role = readRole(this, itemIndex);
	const displayName = String(this.getNodeParameter('appDisplayName', itemIndex, '') ?? '').trim();
	const transport = await getTransport(this, itemIndex);
	const { siteId, grants } = await listGrants(this, transport, itemIndex, site);
	const setRole = async (grant: SitePermission) =>
		await transport.request<SitePermission>({
			effect: 'replaceable',
			method: 'PATCH',
			url: `/sites/${siteId}/permissions/${encodeURIComponent(grant.id)}`,
			body: { roles: [role] },
			itemIndex,
		});
	const existing = grants.find((g) => appOf(g).id?.toLowerCase() === appId);
	if (existing) {
		if ((existing.roles ?? []).length === 1 && existing.roles![0] === role)
			return { ...permissionOutput(siteId, existing), action: 'unchanged' };
		return { ...permissionOutput(siteId, await setRole(existing)), action: 'updated' };
	}
	const created = await transport.request<SitePermission>({
		effect: 'createOnce',
		method: 'POST',
		url: `/sites/${siteId}/permissions`,
		body: {
			roles: [CREATABLE_ROLES.includes(role) ? role : 'write'],
			grantedToIdentities: [
				{ application: { id: appId, ...(displayName ? { displayName } : {}) } },
			],
		},
		itemIndex,
	});
	const result = CREATABLE_ROLES.includes(role) ? created : await setRole(created);
	return { ...permissionOutput(siteId, result), action: 'created' };
}
