import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import { getMany } from '../../collections';
import { channelIdFrom, segment, teamIdFrom } from '../../locators';
import { readOutputFor, shapeMember } from '../../read-output';
import { channelLocator, limitFields, teamLocator } from '../fields';

const properties: INodeProperties[] = [
	teamLocator('The team of the channel'),
	channelLocator(),
	...limitFields(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['channel'], operation: ['getMembers'] } },
	properties,
);

export const graphCalls = declareGraphCalls([
	{ method: 'GET', path: '/teams/{id}/channels/{id}/members' },
]);

/** The channel's members (for standard channels, the team's; for private and shared ones, their own). */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const teamId = teamIdFrom(this, itemIndex);
	const channelId = channelIdFrom(this, itemIndex, teamId);
	const output = await readOutputFor(this, itemIndex);
	const transport = await getTransport(this, itemIndex);
	const members = await getMany(
		this,
		transport,
		`/teams/${teamId}/channels/${segment(channelId)}/members`,
		itemIndex,
	);
	return members.map((member) => shapeMember(member, output));
}
