import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import { getMany } from '../../collections';
import { teamIdFrom } from '../../locators';
import { readOutputFor, shapeMember } from '../../read-output';
import { limitFields, teamLocator } from '../fields';

const properties: INodeProperties[] = [
	teamLocator('The team whose members to list'),
	...limitFields(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['team'], operation: ['getMembers'] } },
	properties,
);

export const graphCalls = declareGraphCalls([{ method: 'GET', path: '/teams/{id}/members' }]);

/** The team's members (conversationMember: user ID, name, email, roles), one item each. */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const teamId = teamIdFrom(this, itemIndex);
	const output = await readOutputFor(this, itemIndex);
	const transport = await getTransport(this, itemIndex);
	// Graph documents no $top for team members: its own page size, followed by nextLink.
	const members = await getMany(this, transport, `/teams/${teamId}/members`, itemIndex);
	return members.map((member) => shapeMember(member, output));
}
