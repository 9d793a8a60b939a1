/**
 * Graph errors as n8n errors: a 403 names the least-privileged permission for the call and the
 * credential's scheme (from Microsoft's catalogue); request-id always; no secret in any text.
 */
import { NodeApiError } from 'n8n-workflow';
import { useEmulator } from '../helpers/emulator';
import {
	graphApiError,
	networkError,
	parseGraphError,
	permissionAdvice,
	scrub,
} from '../../nodes/shared/errors';
import { permissionsFor } from '../../nodes/shared/graph/permissions';
import { NODE, transportFor } from './helpers';

const emulator = useEmulator();

describe('403: the missing permission', () => {
	it('delegated: names the least-privileged delegated permission and how to grant it', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu, 'delegated', { scopes: ['User.Read'] });
		const mark = emu.mark();
		const error = (await transport
			.request({ effect: 'read', url: '/users', query: { $top: 5 } })
			.catch((e: unknown) => e)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		const least = permissionsFor('GET', '/users', 'delegated')!.least!;
		expect(least).toBe('User.ReadBasic.All');
		expect(error.httpCode).toBe('403');
		expect(error.message).toBe(
			`Forbidden: the delegated credential lacks permission for GET /users; grant ${least}`,
		);
		expect(error.description).toContain(
			'Graph answered 403 Authorization_RequestDenied: Insufficient privileges to complete the operation. Least',
		);
		expect(error.description).toContain(
			`Least-privileged delegated permission for GET /users: ${least}.`,
		);
		expect(error.description).toMatch(
			/Delegated permissions, add User\.ReadBasic\.All \(users can consent to it themselves/,
		);
		expect(error.description).toContain(`request-id: ${emu.since(mark)[0].requestId}`);
	});

	it('application: names the least-privileged application permission and admin consent', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu, 'application', { roles: [] });
		const error = (await transport
			.request({ effect: 'read', url: '/users' })
			.catch((e: unknown) => e)) as NodeApiError;
		const least = permissionsFor('GET', '/users', 'application')!.least!;
		expect(error.message).toBe(
			`Forbidden: the application credential lacks permission for GET /users; grant ${least}`,
		);
		expect(error.description).toMatch(
			/Application permissions, add User\.ReadBasic\.All, then select "Grant admin consent" \(application permissions always need admin consent\)/,
		);
		expect(error.description).toMatch(/Other permissions that also allow it: .*User\.Read\.All/);
	});

	it('mail with an app credential lacking mail permissions: the permission, or an RBAC for Applications scope (not an access policy: the token has no permission it could narrow)', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu, 'application', { roles: ['User.Read.All'] });
		const alice = emu.directory.home.findUser('alice@contoso.onmicrosoft.com')!;
		const error = (await transport
			.request({ effect: 'read', url: `/users/${alice.id}/messages` })
			.catch((e: unknown) => e)) as NodeApiError;
		expect(error.httpCode).toBe('403');
		expect(error.message).toMatch(
			/\(grant Mail\.ReadBasic\.All\), or, with RBAC for Applications, the mailbox .+ is outside the app's management scope$/,
		);
		expect(error.description).toMatch(/ErrorAccessDenied/);
		expect(error.description).toContain('The token carries User.Read.All; none of them grants');
		expect(error.description).not.toMatch(/application access policy/);
	});

	it('explains a call the scheme cannot make', () => {
		expect(permissionAdvice('GET', '/me', 'application').text).toMatch(
			/cannot be called with application permissions.*User\.Read.*delegated/,
		);
	});
});

describe('error texts', () => {
	it('reads request-id from innerError, else from the header', () => {
		expect(
			parseGraphError({
				error: { code: 'X', message: 'm', innerError: { 'request-id': 'r1', date: 'd' } },
			}),
		).toMatchObject({ code: 'X', message: 'm', requestId: 'r1', date: 'd' });
		expect(parseGraphError('not json', { 'Request-Id': 'r2' })).toMatchObject({
			message: 'not json',
			requestId: 'r2',
		});
	});

	it('never lets a token or secret through', () => {
		const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl';
		const text = `Bearer ${jwt} client_secret=abc~DEF.123&client_assertion=${jwt} {"refresh_token":"0.AAA"}`;
		const out = scrub(text);
		expect(out).not.toContain('eyJ');
		expect(out).not.toContain('abc~DEF.123');
		expect(out).not.toContain('0.AAA');

		const error = graphApiError(NODE, {
			status: 400,
			method: 'POST',
			url: '/users/x/sendMail',
			body: {
				error: {
					code: 'BadRequest',
					message: `Echo: client_secret=s3cr3t Authorization: Bearer ${jwt}`,
				},
			},
			scheme: 'application',
		});
		const everything = JSON.stringify({
			m: error.message,
			d: error.description,
			c: error.cause,
			x: error.context,
			messages: error.messages,
		});
		expect(everything).not.toContain('s3cr3t');
		expect(everything).not.toContain(jwt);
	});

	it('a network failure of a createOnce request says it may have been carried out and was not repeated', () => {
		const error = networkError(NODE, {
			method: 'POST',
			url: 'https://graph.microsoft.com/v1.0/users/x/sendMail',
			code: 'ECONNRESET',
			attempts: 1,
			notRetried: 'may-have-acted',
		});
		expect(error.message).toBe(
			'No answer from graph.microsoft.com for POST /users/x/sendMail: the connection failed',
		);
		expect(error.description).toMatch(
			/may have carried it out; it was not sent again.*send a mail.*twice/,
		);
	});
});
