/**
 * 403s that tell the truth: each refusal the emulator can switch on (test/emulator/scoping.ts:
 * application access policies, RBAC for Applications, Conditional Access, a mailbox without a
 * licence; Sites.Selected in test/sharepoint/site-permissions.test.ts) gets its own message,
 * through msal-node tokens and the real Graph client over HTTPS. A permission is named as
 * missing only when the token really lacks it; the Check Permissions probe reports an Exchange
 * scope refusal as "scoped".
 */
import { NodeApiError } from 'n8n-workflow';
import {
	clearAppTokenCache,
	createAppTokenProvider,
	runAppCredentialTest,
} from '../../nodes/shared/auth';
import { forbiddenKindOf } from '../../nodes/shared/errors';
import { checkAll, probeExchange } from '../../nodes/shared/permission-check';
import { grantsOfToken } from '../../nodes/shared/auth/token-grants';
import { GraphTransport } from '../../nodes/shared/transport/transport';
import { useEmulator } from '../helpers/emulator';
import { NODE, transportFor } from './helpers';

const emulator = useEmulator();
const TENANT = '9afc4c9b-52ad-5db7-a6ed-ff1ff2d75c8a';
const DOMAIN = 'contoso.onmicrosoft.com';
const ALICE = `alice@${DOMAIN}`; // member of "Analytics Mailboxes"
const CAROL = `carol@${DOMAIN}`; // not a member
const APPS = {
	/** Mail.Send, Mail.Read, Calendars.ReadWrite, Place.Read.All, User.Read.All, Group.Read.All. */
	room: {
		clientId: '5221c67c-65b6-5cbe-8c29-76b9b3fac7b7',
		clientSecret: 'RbZ8~demo.Room-Booking-Secret-Value_0004',
	},
	/** Sites.Selected only. */
	publisher: {
		clientId: '7de88e93-2c5d-4d14-bd46-f9559e8a0987',
		clientSecret: 'RpB8~demo.Report-Publisher-Secret-Value_0009',
	},
	/** User.Read.All only. */
	reader: {
		clientId: '3f0c9a51-8d2e-4b7a-9c61-5e4d3b2a1f09',
		clientSecret: 'DrD8~demo.Directory-Reader-Secret-Value_0011',
	},
};

function credential(app: keyof typeof APPS) {
	const emu = emulator();
	return {
		cloud: 'custom',
		customLoginUrl: emu.url,
		customGraphUrl: emu.url,
		tenantId: TENANT,
		authentication: 'clientSecret',
		...APPS[app],
	} as any;
}

function transport(app: keyof typeof APPS) {
	const provider = createAppTokenProvider(credential(app), undefined);
	return new GraphTransport(NODE, provider, { retry: { waitScale: 0.001 } });
}

async function refused(app: keyof typeof APPS, url: string): Promise<NodeApiError> {
	const error = await transport(app)
		.request({ effect: 'read', url })
		.then(
			() => undefined,
			(e: unknown) => e,
		);
	expect(error).toBeInstanceOf(NodeApiError);
	return error as NodeApiError;
}

async function admin(method: string, path: string, body?: unknown) {
	const response = await fetch(`${emulator().url}/_emulator${path}`, {
		method,
		headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	expect(response.status).toBe(200);
}

afterEach(async () => {
	await admin('DELETE', `/apps/${APPS.room.clientId}/access-policies`);
	await admin('DELETE', `/apps/${APPS.publisher.clientId}/exchange-role-assignments`);
	await admin('PUT', `/users/${CAROL}/mailbox-licence`, { licensed: true });
	clearAppTokenCache();
});

describe('403 kinds', () => {
	test('missing permission: named only when the token lacks it (User.Read.All reading mail)', async () => {
		const error = await refused('reader', `/users/${ALICE}/messages`);
		expect(forbiddenKindOf(error)).toBe('missingPermission');
		expect(error.message).toMatch(
			/token carries no permission for GET \/users\/alice@contoso\.onmicrosoft\.com\/messages \(grant Mail\.ReadBasic\.All\)/,
		);
		expect(error.description).toContain('The token carries User.Read.All; none of them grants');
		expect(error.description).toMatch(/Test-ServicePrincipalAuthorization/);
		// A directory call the token lacks: the plain advice.
		const groups = await refused('reader', '/groups');
		expect(groups.message).toMatch(
			/^Forbidden: the application credential lacks permission for GET \/groups; grant /,
		);
	});

	test('application access policy: the mailbox is outside the scope, the policy\'s group to change — not "grant Mail.Read"', async () => {
		await admin('PUT', `/apps/${APPS.room.clientId}/access-policies`, {
			policies: [{ accessRight: 'RestrictAccess', group: `analytics-scope@${DOMAIN}` }],
		});
		expect(
			await transport('room').request({ effect: 'read', url: `/users/${ALICE}/messages` }),
		).toBeTruthy();
		const error = await refused('room', `/users/${CAROL}/messages`);
		expect(forbiddenKindOf(error)).toBe('exchangeScope');
		expect(error.message).toBe(
			`Forbidden: the mailbox ${CAROL} is outside this app's Exchange Online scope (GET /users/${CAROL}/messages)`,
		);
		expect(error.message).not.toMatch(/grant/);
		expect(error.description).toContain('[RAOP]');
		expect(error.description).toContain('Graph names an application access policy');
		expect(error.description).toMatch(/PolicyScopeGroupId/);
		expect(error.description).toContain('no Graph permission is missing');
		expect(error.description).not.toMatch(/Grant admin consent/);
	});

	test('the Check Permissions probe: a mailbox outside the policy is "scoped", one inside "inScope"', async () => {
		await admin('PUT', `/apps/${APPS.room.clientId}/access-policies`, {
			policies: [{ accessRight: 'RestrictAccess', group: `analytics-scope@${DOMAIN}` }],
		});
		const t = transport('room');
		const outside = await probeExchange(t, CAROL, 'mail');
		expect(outside).toMatchObject({ result: 'scoped', family: 'mail' });
		const inside = await probeExchange(t, ALICE, 'calendar');
		expect(inside.result).toBe('inScope');
		const grants = grantsOfToken(await t.provider.getToken(), 'application');
		const { checks, summary } = checkAll(grants, [
			outside,
			await probeExchange(t, CAROL, 'calendar'),
		]);
		const send = checks.find((c) => c.node === 'Microsoft 365 Mail' && c.operation === 'send')!;
		expect(send).toMatchObject({ status: 'scoped' });
		expect(send.note).toMatch(/Exchange Online keeps the app from carol/);
		const room = checks.find((c) => c.operation === 'getRooms')!;
		expect(room.status).toBe('allowed');
		expect(summary.headline).toMatch(/\d+ scoped/);
	});

	test('RBAC for Applications: a scoped assignment reads inside; outside, the message names the management scope', async () => {
		await admin('PUT', `/apps/${APPS.publisher.clientId}/exchange-role-assignments`, {
			assignments: [{ role: 'Application Mail.Read', scope: { group: 'Analytics Mailboxes' } }],
		});
		expect(
			await transport('publisher').request({ effect: 'read', url: `/users/${ALICE}/messages` }),
		).toBeTruthy();
		const error = await refused('publisher', `/users/${CAROL}/messages`);
		expect(error.message).toMatch(
			/with RBAC for Applications, the mailbox carol@contoso\.onmicrosoft\.com is outside the app's management scope$/,
		);
		expect(error.description).toContain('Access is denied');
		expect(error.description).toContain('The token carries Sites.Selected; none of them grants');
	});

	test("delegated, with the scope but not the user's access: not a missing permission, the user's own rights", async () => {
		const { transport: t } = transportFor(emulator(), 'delegated', {
			user: CAROL,
			scopes: ['Mail.Read'],
		});
		const error = (await t.request({ effect: 'read', url: `/users/${ALICE}/messages` }).then(
			() => undefined,
			(e: unknown) => e,
		)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(forbiddenKindOf(error)).toBe('notThePermission');
		expect(error.message).toMatch(/was refused although the token carries Mail\.Read$/);
		expect(error.message).not.toMatch(/grant/);
		expect(error.description).toMatch(/signed-in user's own rights/);
	});

	test("a mailbox without a licence: Graph's code quoted, no permission advice", async () => {
		await admin('PUT', `/users/${CAROL}/mailbox-licence`, { licensed: false });
		const error = await refused('room', `/users/${CAROL}/messages`);
		expect(forbiddenKindOf(error)).toBe('notEnabled');
		expect(error.httpCode).toBe('404');
		expect(error.message).toBe(
			`GET /users/${CAROL}/messages refused: MailboxNotEnabledForRESTAPI — the mailbox ${CAROL} is not enabled for Graph`,
		);
		expect(error.description).toMatch(/no licence that includes Exchange Online/);
		expect(error.description).not.toMatch(/Grant admin consent/);
	});

	test('Conditional Access: AADSTS53003 with the admin route, at sign-in; the credential test says it', async () => {
		await admin('PUT', `/apps/${APPS.room.clientId}/conditional-access`, { block: true });
		try {
			const error = await transport('room')
				.request({ effect: 'read', url: '/users' })
				.then(
					() => undefined,
					(e: unknown) => e as Error,
				);
			expect(error?.message).toMatch(/AADSTS53003.*Conditional Access policies.*Sign-in logs/);
			const tested = await runAppCredentialTest(credential('room'));
			expect(tested.status).toBe('Error');
			expect(tested.message).toMatch(/AADSTS53003/);
		} finally {
			await admin('PUT', `/apps/${APPS.room.clientId}/conditional-access`, { block: false });
		}
	});
});
