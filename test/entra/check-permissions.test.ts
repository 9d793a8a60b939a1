/**
 * Entra ID → Credential → Check Permissions, through n8n's engine against the emulator: the
 * self-test for the demo apps (app-only and delegated) matches the README's permissions table
 * row by row (both come from the operations' graphCalls), a token without roles gives a clear
 * message, the Exchange probe tells an in-scope mailbox from a restricted one, and the app
 * credential's test (n8n's Test button) leads with the headline.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import { runAppCredentialTest } from '../../nodes/shared/auth';
import { useEmulator } from '../helpers/emulator';
import {
	appCredential,
	delegatedCredential,
	graphRequests,
	jsonOf,
	runEntra,
	type AppName,
} from './helpers';

const emulator = useEmulator();

interface Row {
	node: string;
	resource: string;
	operation: string;
	delegated: string;
	application: string;
}

/** The README's permissions table, as rows. */
function readmeTable(): Row[] {
	const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
	const table = readme.slice(
		readme.indexOf('<!-- permissions:start -->'),
		readme.indexOf('<!-- permissions:end -->'),
	);
	return table
		.split('\n')
		.filter((line) => line.startsWith('| Microsoft 365'))
		.map((line) => {
			const [node, resource, operation, delegated, application] = line
				.slice(2, -2)
				.split(' | ')
				.map((c) => c.trim());
			return { node, resource, operation, delegated, application };
		});
}

/** The unconditional permissions of a README cell ("A, B\*, C (when ...)" → [A, B]). */
function unconditional(cell: string): string[] {
	if (cell === 'not available') return [];
	return cell
		.replace(/\\\*/g, '')
		.split(/, (?![^(]*\))/)
		.filter((part) => !part.includes('('))
		.map((part) => part.trim());
}

async function check(
	parameters: IDataObject,
	run: { app?: AppName; delegated?: IDataObject } = { app: 'roomBooking' },
) {
	const result = await runEntra(emulator(), {
		...run,
		parameters: { resource: 'credential', operation: 'checkPermissions', ...parameters },
	});
	expect(result.error).toBeUndefined();
	const items = jsonOf(result.output);
	return {
		operations: items.filter((i) => i.type === 'operation'),
		summary: items.find((i) => i.type === 'summary')!,
	};
}

function matchesReadme(
	operations: IDataObject[],
	scheme: 'delegated' | 'application',
	roles: string[],
) {
	const rows = readmeTable();
	expect(rows.length).toBeGreaterThan(40);
	expect(operations.map((o) => `${o.node}|${o.resource}|${o.operation}`)).toEqual(
		rows.map((r) => `${r.node}|${r.resource}|${r.operation}`),
	);
	for (const [i, row] of rows.entries()) {
		const op = operations[i];
		const cell = row[scheme];
		// Same source: what the self-test calls required is the README cell's unconditional part.
		expect({ op: row.operation, required: op.required }).toEqual({
			op: row.operation,
			required: unconditional(cell),
		});
		if (cell === 'not available') expect(op.status).toBe('unavailable');
		// Every permission the table names, held by the token: the operation is not missing.
		if (unconditional(cell).every((p) => roles.includes(p)) && cell !== 'not available')
			expect({ op: row.operation, status: op.status }).not.toEqual({
				op: row.operation,
				status: 'missing',
			});
		// What is missing is among the table's permissions for the operation.
		for (const p of op.missing as string[]) expect(unconditional(cell)).toContain(p);
	}
}

describe('Check Permissions', () => {
	test('app-only (Room Booking): every operation of the README table, with its status; no Graph request without a mailbox', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const { operations, summary } = await check({});
		expect(graphRequests(emu, mark)).toEqual([]);
		const roles = [
			'Calendars.ReadWrite',
			'Group.Read.All',
			'Mail.Read',
			'Mail.Send',
			'Place.Read.All',
			'User.Read.All',
		];
		expect(summary).toMatchObject({ scheme: 'application', permissions: roles });
		matchesReadme(operations, 'application', roles);
		const find = (node: string, resource: string, operation: string) =>
			operations.find(
				(o) => o.node === node && o.resource === resource && o.operation === operation,
			)!;
		// Mail.Read grants reading, Mail.Send sending; moving needs Mail.ReadWrite.
		expect(find('Microsoft 365 Mail', 'message', 'get')).toMatchObject({
			status: 'allowed',
			grantedBy: ['Mail.Read'],
		});
		expect(find('Microsoft 365 Mail', 'message', 'move')).toMatchObject({
			status: 'missing',
			missing: ['Mail.ReadWrite'],
		});
		// Mail.Read is not in the table's cell (Mail.ReadBasic.All) but grants the call.
		expect(find('Microsoft 365 Mail', 'message', 'getAll').status).toBe('allowed');
		// Posting to a channel is delegated only.
		expect(find('Microsoft 365 Teams', 'channelMessage', 'post')).toMatchObject({
			status: 'unavailable',
		});
		expect(find('Microsoft 365 SharePoint', 'file', 'upload').status).toBe('missing');
		expect(summary.allowed).toBe(operations.filter((o) => o.status === 'allowed').length);
		expect(summary.operations).toBe(operations.length);
		expect(summary.missingPermissions).toContain('Mail.ReadWrite');
		expect(summary.headline).toMatch(
			new RegExp(`^${summary.allowed} of ${operations.length} operations allowed.*; missing: `),
		);
	});

	test('delegated (Report Server, User.Read.All and GroupMember.Read.All): matches the README table too', async () => {
		const delegated = await delegatedCredential(emulator());
		const { operations, summary } = await check({}, { delegated });
		expect(summary.scheme).toBe('delegated');
		const scopes = summary.permissions as string[];
		expect(scopes).toEqual(expect.arrayContaining(['User.Read.All', 'GroupMember.Read.All']));
		matchesReadme(operations, 'delegated', scopes);
		const getUser = operations.find(
			(o) => o.node === 'Microsoft 365 Entra ID' && o.resource === 'user' && o.operation === 'get',
		)!;
		expect(getUser.status).toBe('allowed');
		expect(getUser.grantedBy).toContain('User.Read.All');
		const send = operations.find((o) => o.node === 'Microsoft 365 Mail' && o.operation === 'send')!;
		expect(send.status).toBe(scopes.includes('Mail.Send') ? 'allowed' : 'missing');
		// Find Meeting Times is delegated only, so not "unavailable" here.
		const find = operations.find((o) => o.operation === 'findMeetingTimes')!;
		expect(find.status).not.toBe('unavailable');
	});

	test('Sites.Selected (Report Publisher): SharePoint file and folder operations scoped to granted sites, site permissions missing Sites.FullControl.All', async () => {
		const { operations, summary } = await check({}, { app: 'publisher' });
		matchesReadme(operations, 'application', ['Sites.Selected']);
		const sharePoint = operations.filter((o) => o.node === 'Microsoft 365 SharePoint');
		for (const op of sharePoint.filter((o) => o.resource !== 'sitePermission'))
			expect({ op: op.operation, status: op.status, note: op.note }).toEqual({
				op: op.operation,
				status: 'scoped',
				note: 'Sites.Selected: only on sites granted to the app (SharePoint → Site Permission → Grant)',
			});
		for (const op of sharePoint.filter((o) => o.resource === 'sitePermission'))
			expect(op).toMatchObject({ status: 'missing', missing: ['Sites.FullControl.All'] });
		expect(summary.scoped).toBe(8);
		expect(summary.allowed).toBe(0);
	});

	test('a token with no application permissions: every operation missing and a clear headline, no crash', async () => {
		const emu = emulator();
		const result = await runEntra(emu, {
			parameters: { resource: 'credential', operation: 'checkPermissions', output: 'summary' },
			app: 'notConsented',
		});
		if (result.error) throw result.error;
		const [summary] = jsonOf(result.output);
		expect(summary).toMatchObject({ permissions: [], allowed: 0, scoped: 0 });
		expect(summary.headline).toMatch(
			/^The token carries no application permissions: grant and admin-consent/,
		);
		// The credential test says it too, without a crash.
		const tested = await runAppCredentialTest(appCredential(emu, 'notConsented') as any);
		expect(tested.message).toMatch(/no application permissions/);
	});

	test('Mailbox to Check: one read per family; an in-scope mailbox keeps mail operations allowed', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const { operations, summary } = await check({
			options: { mailbox: 'alice@contoso.onmicrosoft.com' },
		});
		const requests = graphRequests(emu, mark);
		expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
			'GET /v1.0/users/alice%40contoso.onmicrosoft.com/mailFolders/inbox?$select=id',
			'GET /v1.0/users/alice%40contoso.onmicrosoft.com/calendars?$top=1',
		]);
		expect(summary.exchange).toEqual([
			expect.objectContaining({ family: 'mail', result: 'inScope' }),
			expect.objectContaining({ family: 'calendar', result: 'inScope' }),
		]);
		const get = operations.find((o) => o.node === 'Microsoft 365 Mail' && o.operation === 'get')!;
		expect(get).toMatchObject({ status: 'allowed', note: null });
		// Sending also works, except with attachments of 3 MB or more (Mail.ReadWrite).
		const send = operations.find((o) => o.node === 'Microsoft 365 Mail' && o.operation === 'send')!;
		expect(send).toMatchObject({
			status: 'limited',
			missingWhen: ['Mail.ReadWrite (an attachment is 3 MB or more)'],
		});
	});

	test('a Mailbox to Check that is not a mailbox is refused with no request', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const result = await runEntra(emu, {
			parameters: {
				resource: 'credential',
				operation: 'checkPermissions',
				options: { mailbox: 'a b/c' },
			},
		});
		expect(result.error?.message).toMatch(/Mailbox to Check "a b\/c" is not a mailbox/);
		expect(graphRequests(emu, mark)).toEqual([]);
	});

	test("the credential test's message starts with the headline and stays OK", async () => {
		const emu = emulator();
		const result = await runAppCredentialTest(appCredential(emu, 'roomBooking') as any);
		expect(result.status).toBe('OK');
		expect(result.message).toMatch(
			/^\d+ of \d+ operations allowed( \([^)]*\))?; missing: [A-Za-z.]+.*\. Connected to tenant /,
		);
		expect(result.message).not.toMatch(/eyJ/);
	});
});
