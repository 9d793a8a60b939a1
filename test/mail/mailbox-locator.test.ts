/**
 * App-only Mail → Send: "Mailbox (From)" is a required resource locator listing the directory's
 * mailboxes within the credential's Mailbox Restriction, and list failures read as one clear
 * message (issue 13, points 3 and 4).
 */
import type { IDataObject, INodeCredentials } from 'n8n-workflow';
import { useEmulator } from '../helpers/emulator';
import { runListSearch } from '../harness';
import { ALICE, appCredential, credentialTypes, nodeTypes, SERVICEDESK, TYPE } from './helpers';
import { Microsoft365Mail } from '../../nodes/Microsoft365Mail/Microsoft365Mail.node';

const emulator = useEmulator();
const ACCESS_REVIEW = 'd03e7662-c26d-5d18-9ebc-adaac07f27a6';
const ACCESS_REVIEW_SECRET = 'ArW8~demo.Access-Review-Secret-Value_0006';

async function mailboxes(data: IDataObject, filter?: string) {
	return await runListSearch({
		nodeTypes,
		credentialTypes,
		node: {
			type: TYPE,
			parameters: { authentication: 'app', resource: 'message', operation: 'send' },
			credentials: { microsoft365AppApi: { id: 'app', name: 'App' } } as INodeCredentials,
		},
		credentialsData: { app: data } as never,
		methodName: 'searchMailboxes',
		filter,
	});
}

test('the app-only Send has a required Mailbox (From) resource locator: list, by address, by ID', () => {
	const fields = new Microsoft365Mail().description.properties.filter(
		(p) =>
			p.name === 'mailbox' &&
			p.displayOptions?.show?.operation?.includes('send') &&
			p.displayOptions?.show?.authentication?.includes('app'),
	);
	expect(fields).toHaveLength(1);
	const [field] = fields;
	expect(field).toMatchObject({
		displayName: 'Mailbox (From)',
		type: 'resourceLocator',
		required: true,
	});
	expect(field.modes?.map((m) => m.name)).toEqual(['list', 'address', 'id']);
	expect(field.modes?.[0].typeOptions?.searchListMethod).toBe('searchMailboxes');
	// No placeholder with a domain the tenant does not have.
	expect(JSON.stringify(field)).not.toContain('contoso');
});

test('the list comes from the directory, only mailboxes within the Mailbox Restriction', async () => {
	const emu = emulator();
	const data = appCredential(emu, { clientId: ACCESS_REVIEW, clientSecret: ACCESS_REVIEW_SECRET });
	const all = await mailboxes(data);
	const values = all.result.results.map((r) => r.value);
	expect(values).toEqual(expect.arrayContaining([ALICE, SERVICEDESK]));
	const restricted = await mailboxes({ ...data, mailboxRestriction: SERVICEDESK });
	expect(restricted.result.results.map((r) => r.value)).toEqual([SERVICEDESK]);
	const searched = await mailboxes(data, 'alice');
	expect(searched.result.results.map((r) => r.value)).toEqual([ALICE]);
});

test('a list failure reads as one clear message naming the list and the cause', async () => {
	const emu = emulator();
	const error = await mailboxes(appCredential(emu, { clientSecret: 'not-the-secret-value' })).then(
		() => undefined,
		(e: Error) => e,
	);
	expect(error?.constructor.name).toBe('NodeOperationError');
	expect(error?.message).toMatch(/^Could not list mailboxes: /);
	expect(error?.message).toContain('AADSTS7000215');
	expect(error?.message).not.toContain('not-the-secret-value');
});
