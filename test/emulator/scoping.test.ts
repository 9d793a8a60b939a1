/*
 * "403s that tell the truth" (scoping.ts): Exchange application access policies and RBAC for
 * Applications, Conditional Access for workload identities at the token endpoint, mailboxes
 * without a licence, and each workload's refusal for a missing permission — over real HTTPS,
 * configured through the documented admin routes.
 */
import { graph, mintToken, useEmulator } from '../helpers/emulator';

const emulator = useEmulator();
const DOMAIN = 'contoso.onmicrosoft.com';
const ALICE = `alice@${DOMAIN}`; // member of "Analytics Mailboxes" (analytics-scope@)
const BOB = `bob@${DOMAIN}`; // member of "Analytics Mailboxes"
const CAROL = `carol@${DOMAIN}`; // not a member
/** Room Booking: Entra application roles Mail.Send, Mail.Read, Calendars.ReadWrite, ... */
const ROOM = '5221c67c-65b6-5cbe-8c29-76b9b3fac7b7';
const ROOM_SECRET = 'RbZ8~demo.Room-Booking-Secret-Value_0004';
/** Report Publisher: Entra application role Sites.Selected only (no mail permission). */
const PUBLISHER = '7de88e93-2c5d-4d14-bd46-f9559e8a0987';
const PUBLISHER_SECRET = 'RpB8~demo.Report-Publisher-Secret-Value_0009';

const RAOP =
	'Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.';
const EXCHANGE_DENIED = 'Access is denied. Check credentials and try again.';
const CA_TEXT =
	'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.';

async function admin(method: string, path: string, body?: unknown) {
	const response = await fetch(`${emulator().url}/_emulator${path}`, {
		method,
		headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: response.status, body: (await response.json()) as any };
}

async function tokenRequest(clientId: string, secret: string) {
	const response = await fetch(`${emulator().url}/${DOMAIN}/oauth2/v2.0/token`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			grant_type: 'client_credentials',
			client_id: clientId,
			client_secret: secret,
			scope: 'https://graph.microsoft.com/.default',
		}),
	});
	return { status: response.status, body: (await response.json()) as any };
}

async function appToken(clientId: string, secret: string): Promise<string> {
	const call = await tokenRequest(clientId, secret);
	expect(call.status).toBe(200);
	return call.body.access_token;
}

function expectError(
	call: { status: number; body: any },
	status: number,
	code: string,
	message: string,
) {
	expect({
		status: call.status,
		code: call.body?.error?.code,
		message: call.body?.error?.message,
	}).toEqual({
		status,
		code,
		message,
	});
}

describe('application access policies (New-ApplicationAccessPolicy)', () => {
	let token: string;
	beforeAll(async () => {
		token = await appToken(ROOM, ROOM_SECRET);
	});
	afterEach(async () => {
		expect((await admin('DELETE', `/apps/${ROOM}/access-policies`)).status).toBe(200);
	});

	test('no policy: the Entra role reaches every mailbox', async () => {
		expect((await graph(emulator(), 'GET', `/users/${CAROL}/messages`, token)).status).toBe(200);
	});

	test('RestrictAccess to a mail-enabled security group: members in, others RAOP 403', async () => {
		const put = await admin('PUT', `/apps/${ROOM}/access-policies`, {
			policies: [{ accessRight: 'RestrictAccess', group: `analytics-scope@${DOMAIN}` }],
		});
		expect(put.status).toBe(200);
		expect(put.body.policies).toHaveLength(1);
		const emu = emulator();
		expect((await graph(emu, 'GET', `/users/${ALICE}/messages`, token)).status).toBe(200);
		expect((await graph(emu, 'GET', `/users/${BOB}/events`, token)).status).toBe(200);
		expectError(
			await graph(emu, 'GET', `/users/${CAROL}/messages`, token),
			403,
			'ErrorAccessDenied',
			RAOP,
		);
		expectError(
			await graph(emu, 'GET', `/users/${CAROL}/events`, token),
			403,
			'ErrorAccessDenied',
			RAOP,
		);
		const send = await graph(emu, 'POST', `/users/${CAROL}/sendMail`, token, {
			message: { subject: 'x', toRecipients: [{ emailAddress: { address: ALICE } }] },
		});
		expectError(send, 403, 'ErrorAccessDenied', RAOP);
		// The directory is not Exchange: the user object stays readable.
		expect((await graph(emu, 'GET', `/users/${CAROL}`, token)).status).toBe(200);
	});

	test('DenyAccess wins over RestrictAccess for the same mailbox; mailboxes as scope', async () => {
		await admin('PUT', `/apps/${ROOM}/access-policies`, {
			policies: [
				{ accessRight: 'RestrictAccess', group: 'Analytics Mailboxes' },
				{ accessRight: 'DenyAccess', mailboxes: [BOB] },
			],
		});
		const emu = emulator();
		expect((await graph(emu, 'GET', `/users/${ALICE}/messages`, token)).status).toBe(200);
		expectError(
			await graph(emu, 'GET', `/users/${BOB}/messages`, token),
			403,
			'ErrorAccessDenied',
			RAOP,
		);
		expectError(
			await graph(emu, 'GET', `/users/${CAROL}/messages`, token),
			403,
			'ErrorAccessDenied',
			RAOP,
		);
	});

	test('DenyAccess alone: only the covered mailboxes are closed', async () => {
		await admin('PUT', `/apps/${ROOM}/access-policies`, {
			policies: [{ accessRight: 'DenyAccess', group: 'Analytics Mailboxes' }],
		});
		expectError(
			await graph(emulator(), 'GET', `/users/${ALICE}/messages`, token),
			403,
			'ErrorAccessDenied',
			RAOP,
		);
		expect((await graph(emulator(), 'GET', `/users/${CAROL}/messages`, token)).status).toBe(200);
	});

	test('delegated tokens are not affected', async () => {
		await admin('PUT', `/apps/${ROOM}/access-policies`, {
			policies: [{ accessRight: 'RestrictAccess', group: 'Analytics Mailboxes' }],
		});
		const user = mintToken(emulator(), { app: ROOM, user: CAROL, scopes: ['Mail.Read'] });
		expect((await graph(emulator(), 'GET', '/me/messages', user)).status).toBe(200);
	});

	test('admin route refusals: bad accessRight 400, unknown group 400, unknown app 404', async () => {
		expect(
			(
				await admin('PUT', `/apps/${ROOM}/access-policies`, {
					policies: [{ accessRight: 'Allow', group: 'Finance' }],
				})
			).status,
		).toBe(400);
		expect(
			(
				await admin('PUT', `/apps/${ROOM}/access-policies`, {
					policies: [{ accessRight: 'DenyAccess', group: 'Nope' }],
				})
			).status,
		).toBe(400);
		expect(
			(
				await admin('PUT', '/apps/00000000-0000-0000-0000-000000000001/access-policies', {
					policies: [],
				})
			).status,
		).toBe(404);
	});
});

describe('RBAC for Applications (New-ManagementRoleAssignment -App)', () => {
	let token: string;
	beforeAll(async () => {
		token = await appToken(PUBLISHER, PUBLISHER_SECRET);
	});
	afterEach(async () => {
		await admin('DELETE', `/apps/${PUBLISHER}/exchange-role-assignments`);
	});

	test('without an assignment the app, holding no Entra mail permission, is refused', async () => {
		expectError(
			await graph(emulator(), 'GET', `/users/${ALICE}/messages`, token),
			403,
			'ErrorAccessDenied',
			EXCHANGE_DENIED,
		);
	});

	test('"Application Mail.Read" scoped to a group: reads in scope, refused outside, cannot send', async () => {
		const put = await admin('PUT', `/apps/${PUBLISHER}/exchange-role-assignments`, {
			assignments: [{ role: 'Application Mail.Read', scope: { group: 'Analytics Mailboxes' } }],
		});
		expect(put.status).toBe(200);
		const emu = emulator();
		const read = await graph(emu, 'GET', `/users/${ALICE}/messages`, token);
		expect(read.status).toBe(200);
		expect(Array.isArray(read.body.value)).toBe(true);
		expectError(
			await graph(emu, 'GET', `/users/${CAROL}/messages`, token),
			403,
			'ErrorAccessDenied',
			EXCHANGE_DENIED,
		);
		const send = await graph(emu, 'POST', `/users/${ALICE}/sendMail`, token, {
			message: { subject: 'x', toRecipients: [{ emailAddress: { address: BOB } }] },
		});
		expectError(send, 403, 'ErrorAccessDenied', EXCHANGE_DENIED);
		// Calendars need their own role.
		expectError(
			await graph(emu, 'GET', `/users/${ALICE}/events`, token),
			403,
			'ErrorAccessDenied',
			EXCHANGE_DENIED,
		);

		const test = await admin('GET', `/apps/${PUBLISHER}/exchange-authorization?mailbox=${CAROL}`);
		expect(test.body.roles).toEqual([
			{ roleName: 'Application Mail.Read', grantedPermissions: ['Mail.Read'], inScope: false },
		]);
	});

	test('a scope of mailboxes, and an unscoped assignment reaching every mailbox', async () => {
		await admin('PUT', `/apps/${PUBLISHER}/exchange-role-assignments`, {
			assignments: [{ role: 'Application Calendars.Read', scope: { mailboxes: [CAROL] } }],
		});
		expect((await graph(emulator(), 'GET', `/users/${CAROL}/events`, token)).status).toBe(200);
		expectError(
			await graph(emulator(), 'GET', `/users/${ALICE}/events`, token),
			403,
			'ErrorAccessDenied',
			EXCHANGE_DENIED,
		);
		await admin('PUT', `/apps/${PUBLISHER}/exchange-role-assignments`, {
			assignments: [{ role: 'Application Mail Full Access' }],
		});
		expect((await graph(emulator(), 'GET', `/users/${CAROL}/messages`, token)).status).toBe(200);
	});

	test('RBAC grants are independent of an application access policy on the app', async () => {
		await admin('PUT', `/apps/${PUBLISHER}/exchange-role-assignments`, {
			assignments: [{ role: 'Application Mail.Read', scope: { mailboxes: [CAROL] } }],
		});
		await admin('PUT', `/apps/${PUBLISHER}/access-policies`, {
			policies: [{ accessRight: 'DenyAccess', mailboxes: [CAROL] }],
		});
		expect((await graph(emulator(), 'GET', `/users/${CAROL}/messages`, token)).status).toBe(200);
		await admin('DELETE', `/apps/${PUBLISHER}/access-policies`);
	});

	test('an unknown role is refused by the admin route (400)', async () => {
		const put = await admin('PUT', `/apps/${PUBLISHER}/exchange-role-assignments`, {
			assignments: [{ role: 'Application Mail.Everything' }],
		});
		expect(put.status).toBe(400);
		expect(put.body.error).toMatch(/^unknown application role Application Mail\.Everything/);
	});
});

describe('Conditional Access for workload identities (AADSTS53003)', () => {
	afterEach(async () => {
		await admin('PUT', `/apps/${ROOM}/conditional-access`, { block: false });
	});

	test('a blocked app gets no token; unblocked it does', async () => {
		expect((await admin('PUT', `/apps/${ROOM}/conditional-access`, { block: true })).status).toBe(
			200,
		);
		const refused = await tokenRequest(ROOM, ROOM_SECRET);
		expect(refused.status).toBe(400);
		expect(refused.body.error).toBe('invalid_grant');
		expect(refused.body.error_codes).toEqual([53003]);
		expect(refused.body.error_description).toMatch(
			new RegExp(
				`^AADSTS53003: ${CA_TEXT.replace(/\./g, '\\.')} Trace ID: [0-9a-f-]{36} Correlation ID: [0-9a-f-]{36} Timestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`,
			),
		);
		expect(refused.body.error_uri).toBe('https://login.microsoftonline.com/error?code=53003');
		// Credentials are checked first: a wrong secret is still invalid_client.
		const wrong = await tokenRequest(ROOM, 'wrong');
		expect(wrong.status).toBe(401);
		expect(wrong.body.error).toBe('invalid_client');
		// Other apps are not blocked.
		expect((await tokenRequest(PUBLISHER, PUBLISHER_SECRET)).status).toBe(200);

		await admin('PUT', `/apps/${ROOM}/conditional-access`, { block: false });
		expect((await tokenRequest(ROOM, ROOM_SECRET)).status).toBe(200);
	});

	test('the admin route wants a boolean', async () => {
		expect((await admin('PUT', `/apps/${ROOM}/conditional-access`, { block: 'yes' })).status).toBe(
			400,
		);
	});
});

describe('a mailbox without a licence', () => {
	afterEach(async () => {
		await admin('PUT', `/users/${CAROL}/mailbox-licence`, { licensed: true });
	});

	test('mail and calendar calls: 404 MailboxNotEnabledForRESTAPI; the user object is still there', async () => {
		const emu = emulator();
		const app = mintToken(emu, {
			app: ROOM,
			roles: ['Mail.Read', 'Calendars.ReadWrite', 'User.Read.All'],
		});
		expect((await graph(emu, 'GET', `/users/${CAROL}/messages`, app)).status).toBe(200);
		expect(
			(await admin('PUT', `/users/${CAROL}/mailbox-licence`, { licensed: false })).status,
		).toBe(200);
		const text = 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.';
		expectError(
			await graph(emu, 'GET', `/users/${CAROL}/messages`, app),
			404,
			'MailboxNotEnabledForRESTAPI',
			text,
		);
		expectError(
			await graph(emu, 'GET', `/users/${CAROL}/calendar/events`, app),
			404,
			'MailboxNotEnabledForRESTAPI',
			text,
		);
		const me = mintToken(emu, { app: ROOM, user: CAROL, scopes: ['Mail.Read'] });
		expectError(
			await graph(emu, 'GET', '/me/messages', me),
			404,
			'MailboxNotEnabledForRESTAPI',
			text,
		);
		expect((await graph(emu, 'GET', `/users/${CAROL}`, app)).status).toBe(200);
		// The permission is checked first.
		const none = mintToken(emu, { app: ROOM, roles: ['User.Read.All'] });
		expectError(
			await graph(emu, 'GET', `/users/${CAROL}/messages`, none),
			403,
			'ErrorAccessDenied',
			EXCHANGE_DENIED,
		);
		// Other mailboxes are unaffected.
		expect((await graph(emu, 'GET', `/users/${ALICE}/messages`, app)).status).toBe(200);
	});

	test('the admin route: unknown user 404, non-boolean 400', async () => {
		expect(
			(await admin('PUT', `/users/nobody@${DOMAIN}/mailbox-licence`, { licensed: false })).status,
		).toBe(404);
		expect((await admin('PUT', `/users/${CAROL}/mailbox-licence`, { licensed: 'no' })).status).toBe(
			400,
		);
	});
});

describe('a missing Graph permission, as each workload answers it', () => {
	test('directory: Authorization_RequestDenied', async () => {
		const t = mintToken(emulator(), { app: ROOM, roles: ['Mail.Read'] });
		expectError(
			await graph(emulator(), 'GET', '/users', t),
			403,
			'Authorization_RequestDenied',
			'Insufficient privileges to complete the operation.',
		);
	});

	test('mail: ErrorAccessDenied', async () => {
		const t = mintToken(emulator(), { app: ROOM, roles: ['User.Read.All'] });
		expectError(
			await graph(emulator(), 'GET', `/users/${ALICE}/mailFolders`, t),
			403,
			'ErrorAccessDenied',
			EXCHANGE_DENIED,
		);
	});

	test('Teams: Forbidden naming the permissions required and held', async () => {
		const emu = emulator();
		const t = mintToken(emu, { app: ROOM, roles: ['User.Read.All'] });
		const call = await graph(emu, 'GET', '/teams', t);
		expect(call.status).toBe(403);
		expect(call.body.error.code).toBe('Forbidden');
		expect(call.body.error.message).toMatch(
			/^Missing role permissions on the request\. API requires one of '[^']+'\. Roles on the request 'User\.Read\.All'\.$/,
		);
		const d = mintToken(emu, { app: ROOM, user: ALICE, scopes: ['User.Read'] });
		const delegated = await graph(emu, 'GET', '/me/chats', d);
		expect(delegated.status).toBe(403);
		expect(delegated.body.error.message).toMatch(
			/^Missing scope permissions on the request\. API requires one of '[^']+'\. Scopes on the request 'User\.Read'$/,
		);
	});
});
