import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import { listGrants, permissionOutput, readSite } from '../../site-permissions';
import { siteProperty } from './fields';

const properties: INodeProperties[] = [siteProperty('The site whose app permissions are listed')];

export const description = updateDisplayOptions(
	{ show: { resource: ['sitePermission'], operation: ['getMany'] } },
	properties,
);

export const graphCalls = declareGraphCalls([
	{ method: 'GET', path: '/sites/{hostname}:/{path}', when: 'the site is given by URL' },
	{ method: 'GET', path: '/sites/{id}/permissions' },
]);

/** The apps granted access to the site (Sites.Selected), one item per grant. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const site = readSite(this, itemIndex);
	const transport = await getTransport(this, itemIndex);
	const { siteId, grants } = await listGrants(this, transport, itemIndex, site);
	return grants.map((grant) => permissionOutput(siteId, grant));
}
