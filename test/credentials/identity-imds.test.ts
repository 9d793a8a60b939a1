/**
 * Managed identity in the app credential, IMDS source (Azure VMs and scale sets; here reached on
 * loopback through AZURE_POD_IDENTITY_AUTHORITY_HOST, which msal-node honours in place of
 * http://169.254.169.254): the system-assigned and a user-assigned identity (by resource ID, sent
 * as IMDS's msi_res_id) read users through the Entra ID node; an identity the VM does not have,
 * and an endpoint that resets connections, give messages naming the endpoint.
 */
import type { IDataObject } from 'n8n-workflow';
import { clearAppTokenCache, runAppCredentialTest } from '../../nodes/shared/auth';
import { useEmulator } from '../helpers/emulator';
import {
	cloud,
	errorText,
	expectNoSecrets,
	getManyUsers,
	SYSTEM_MI,
	USER_MI,
} from './identity-helpers';

const emulator = useEmulator();
const produced: unknown[] = [];
const saved = process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;

beforeAll(() => {
	Object.assign(process.env, emulator().managedIdentity.env('imds'));
});
afterAll(() => {
	if (saved === undefined) delete process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
	else process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = saved;
});
beforeEach(() => clearAppTokenCache());
afterEach(async () => {
	await emulator().managedIdentity.setMode('up', 0);
});

const managed = (kind: string, id?: string): IDataObject => ({
	...cloud(emulator()),
	authentication: 'managedIdentity',
	managedIdentity: kind,
	...(id === undefined ? {} : { managedIdentityId: id }),
});

test.each([
	['system-assigned', 'system', undefined, SYSTEM_MI.clientId, undefined],
	[
		'user-assigned by resource ID',
		'userResourceId',
		USER_MI.resourceId,
		USER_MI.clientId,
		'msi_res_id',
	],
])('%s: a token from IMDS, users read with it', async (_name, kind, id, appId, selector) => {
	const emu = emulator();
	const before = emu.managedIdentity.requests.length;
	const mark = emu.mark();
	const result = await getManyUsers(managed(kind, id));
	produced.push(result.output, errorText(result));
	expect(result.error).toBeUndefined();
	expect(result.output[0]).toHaveLength(5);
	const calls = emu.managedIdentity.requests.slice(before);
	expect(calls.map((c) => [c.source, c.status])).toEqual([['imds', 200]]);
	if (selector) expect(new URL(calls[0].url, 'http://x').searchParams.get(selector)).toBe(id);
	const reads = emu.since(mark).filter((e) => e.url.startsWith('/v1.0'));
	expect(reads.map((r) => [r.status, r.auth?.appId])).toEqual([[200, appId]]);
});

test('an identity the VM does not have: IMDS\'s "Identity not found", with the endpoint', async () => {
	const result = await runAppCredentialTest(
		managed('userObjectId', '0f0f0f0f-1111-4222-8333-444444444444') as never,
	);
	produced.push(result.message);
	expect(result.status).toBe('Error');
	expect(result.message).toContain(
		`the endpoint ${emulator().managedIdentity.imdsEndpoint} (IMDS (AZURE_POD_IDENTITY_AUTHORITY_HOST))`,
	);
	expect(result.message).toMatch(/Identity not found.*assigned to this host/);
});

test('connections reset by the endpoint: named, at once', async () => {
	await emulator().managedIdentity.setMode('reset');
	const started = Date.now();
	const result = await runAppCredentialTest(managed('system') as never);
	produced.push(result.message);
	expect(Date.now() - started).toBeLessThan(5000);
	expect(result.status).toBe('Error');
	expect(result.message).toContain(
		`the endpoint ${emulator().managedIdentity.imdsEndpoint} (IMDS (AZURE_POD_IDENTITY_AUTHORITY_HOST)) could not be reached`,
	);
});

test('secrets scan: no managed identity token or JWT in any output or message', () => {
	expectNoSecrets(produced, []);
});
