/**
 * The transport with the real app-only provider (msal-node against the emulator's login
 * service), as nodes get it from `createGraphTransport(ctx, 'microsoft365AppApi')`.
 */
import { NodeApiError } from 'n8n-workflow';
import { clearAppTokenCache } from '../../nodes/shared/auth';
import type { AppCredentialData } from '../../nodes/shared/credentials/validate';
import { createGraphTransport } from '../../nodes/shared/transport';
import { useEmulator } from '../helpers/emulator';
import { NODE } from './helpers';

const TENANT = '9afc4c9b-52ad-5db7-a6ed-ff1ff2d75c8a';
const ROOM_BOOKING = '5221c67c-65b6-5cbe-8c29-76b9b3fac7b7';
const ROOM_SECRET = 'RbZ8~demo.Room-Booking-Secret-Value_0004';
const UNCONSENTED = '699424fa-b515-5056-8573-1e39a2b7b8a8';
const UNCONSENTED_SECRET = 'UcV8~demo.Unconsented-Secret-Value_0007';

const emulator = useEmulator();

function context(clientId: string, clientSecret: string) {
	const emu = emulator();
	const data: AppCredentialData = {
		cloud: 'custom',
		customLoginUrl: emu.url,
		customGraphUrl: emu.url,
		tenantId: TENANT,
		clientId,
		authentication: 'clientSecret',
		clientSecret,
	};
	return { getCredentials: async () => data as any, getNode: () => NODE, helpers: {} };
}

const tokenRequests = () =>
	emulator().log.filter((e) => /\/oauth2\/v2\.0\/token$/.test(e.url.split('?')[0])).length;

beforeEach(() => clearAppTokenCache());

it('one transport per execution; a 401 after expiry gets one msal refresh and succeeds', async () => {
	const emu = emulator();
	const ctx = context(ROOM_BOOKING, ROOM_SECRET);
	const transport = await createGraphTransport(ctx, 'microsoft365AppApi', {
		retry: { waitScale: 0.001 },
	});
	expect(await createGraphTransport(ctx, 'microsoft365AppApi')).toBe(transport);
	expect(transport.scheme).toBe('application');

	const before = tokenRequests();
	const users = await transport.collectAll<{ id: string }>('/users', { pageSize: 2, limit: 3 });
	expect(users).toHaveLength(3);
	expect(tokenRequests() - before).toBe(1);

	emu.tokens.expireAll();
	const mark = emu.mark();
	await transport.request({ effect: 'read', url: '/organization' });
	expect(transport.stats.tokenRefreshes).toBe(1);
	expect(
		emu
			.since(mark)
			.filter((e) => e.url.startsWith('/v1.0'))
			.map((e) => e.status),
	).toEqual([401, 200]);
	expect(tokenRequests() - before).toBe(2);
});

it('an app without consented roles gets a 403 naming the permission, with no secret in it', async () => {
	const transport = await createGraphTransport(
		context(UNCONSENTED, UNCONSENTED_SECRET),
		'microsoft365AppApi',
	);
	const error = (await transport
		.request({ effect: 'read', url: '/users' })
		.catch((e: unknown) => e)) as NodeApiError;
	expect(error).toBeInstanceOf(NodeApiError);
	expect(error.message).toBe(
		'Forbidden: the application credential lacks permission for GET /users; grant User.ReadBasic.All',
	);
	expect(error.description).toMatch(/Grant admin consent/);
	expect(JSON.stringify([error.message, error.description, error.errorResponse])).not.toContain(
		UNCONSENTED_SECRET,
	);
});

it('1,000 Graph calls across 10 executions (secret and certificate) cause one token request each', async () => {
	const emu = emulator();
	const cert = emu.directory.findRegistration(ROOM_BOOKING)!.app.certificates![0];
	const secretData = (await context(
		ROOM_BOOKING,
		ROOM_SECRET,
	).getCredentials()) as AppCredentialData;
	const variants: AppCredentialData[] = [
		secretData,
		{
			...secretData,
			authentication: 'certificate',
			clientSecret: undefined,
			privateKey: cert.keyPem,
			certificate: cert.certPem,
		} as AppCredentialData,
	];
	for (const data of variants) {
		clearAppTokenCache();
		const grantsBefore = emu.login.stats.grants.client_credentials;
		const mark = emu.mark();
		for (let execution = 0; execution < 10; execution++) {
			// A new context per execution, as n8n gives each run its own.
			const ctx = {
				getCredentials: async () => ({ ...data }) as any,
				getNode: () => NODE,
				helpers: {},
			};
			const transport = await createGraphTransport(ctx, 'microsoft365AppApi');
			await Promise.all(
				Array.from({ length: 100 }, () =>
					transport.request({ effect: 'read', url: '/users', query: { $top: 1, $select: 'id' } }),
				),
			);
		}
		const graphCalls = emu.since(mark).filter((e) => e.url.startsWith('/v1.0/users'));
		expect(graphCalls).toHaveLength(1000);
		expect(graphCalls.every((e) => e.status === 200)).toBe(true);
		expect(emu.login.stats.grants.client_credentials - grantsBefore).toBe(1);
	}
});
