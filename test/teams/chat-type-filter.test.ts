/**
 * Teams → Chat → Get Many puts the Chat Type filter into `$filter` as an OData string literal:
 * a value set by expression cannot close the literal and add a clause.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { execute } from '../../nodes/Microsoft365Teams/actions/chat/getMany.operation';
import { getMany } from '../../nodes/Microsoft365Teams/collections';

jest.mock('../../nodes/shared/node-common', () => ({
	...jest.requireActual('../../nodes/shared/node-common'),
	getTransport: jest.fn(async () => ({})),
}));
jest.mock('../../nodes/Microsoft365Teams/collections', () => ({
	getMany: jest.fn(async () => []),
}));

function context(chatType: string): IExecuteFunctions {
	const parameters: Record<string, unknown> = {
		authentication: 'delegated',
		filters: { chatType },
	};
	return {
		getNodeParameter: (name: string, _i: number, fallback?: unknown) =>
			parameters[name] ?? fallback,
		getNode: () => ({ name: 'Teams' }),
	} as unknown as IExecuteFunctions;
}

describe('Teams → Chat → Get Many, Chat Type filter', () => {
	it.each([
		['oneOnOne', "chatType eq 'oneOnOne'"],
		["group' or chatType ne 'x", "chatType eq 'group'' or chatType ne ''x'"],
	])('%s -> %s', async (chatType, filter) => {
		await execute.call(context(chatType), 0);
		const options = jest.mocked(getMany).mock.lastCall?.[4] as { query: Record<string, string> };
		expect(options.query.$filter).toBe(filter);
	});
});
