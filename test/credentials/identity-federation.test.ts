/**
 * Workload Identity Federation in the app credential, through msal-node and the Entra ID node
 * against the emulator: the federated token file (a service-account token of the emulator's test
 * Kubernetes issuer) gets a token and a Graph read; the file is read again for every token request
 * (a rotated token is what the next token request carries); a missing, empty, non-JWT or expired
 * file, and no path at all, are refused naming the field with no request sent; n8n's credential
 * test works; no assertion or token appears in any message.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import { clearAppTokenCache, runAppCredentialTest } from '../../nodes/shared/auth';
import { mintToken, useEmulator } from '../helpers/emulator';
import {
	ACCESS_REVIEW,
	admin,
	cloud,
	CONTOSO,
	errorText,
	expectNoSecrets,
	getManyUsers,
	graphRequests,
	loginRequests,
} from './identity-helpers';

const emulator = useEmulator();
let dir: string;
const produced: unknown[] = [];
const assertions: string[] = [];

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'wif-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => clearAppTokenCache());

/** A service-account token of the emulator's k8s issuer (`POST /_emulator/oidc/k8s/token`). */
async function mint(options: IDataObject = {}): Promise<string> {
	const { token } = await admin(emulator(), 'POST', 'oidc/k8s/token', options);
	assertions.push(token);
	return token;
}

function file(name: string, content: string): string {
	const path = join(dir, name);
	writeFileSync(path, content);
	return path;
}

function federated(tokenFile: string | undefined, extra: IDataObject = {}): IDataObject {
	return {
		...cloud(emulator()),
		tenantId: CONTOSO,
		clientId: ACCESS_REVIEW,
		authentication: 'workloadIdentityFederation',
		...(tokenFile === undefined ? {} : { federatedTokenFile: tokenFile }),
		...extra,
	};
}

test('a federated token file gets a token and the Entra ID node reads users with it', async () => {
	const emu = emulator();
	const path = file('token-ok', await mint());
	const grants = emu.login.stats.grants.client_credentials;
	const mark = emu.mark();
	const result = await getManyUsers(federated(path));
	produced.push(result.output, errorText(result));
	expect(result.error).toBeUndefined();
	expect(result.output[0]).toHaveLength(5);
	expect(emu.login.stats.grants.client_credentials).toBe(grants + 1);
	const reads = graphRequests(emu, mark);
	expect(reads.map((r) => [r.status, r.auth?.appId])).toEqual([[200, ACCESS_REVIEW]]);
});

test('the path defaults to AZURE_FEDERATED_TOKEN_FILE of the n8n process', async () => {
	const path = file('token-env', await mint());
	const saved = process.env.AZURE_FEDERATED_TOKEN_FILE;
	process.env.AZURE_FEDERATED_TOKEN_FILE = path;
	try {
		const result = await getManyUsers(federated(undefined));
		produced.push(result.output, errorText(result));
		expect(result.error).toBeUndefined();
		expect(result.output[0]).toHaveLength(5);
	} finally {
		if (saved === undefined) delete process.env.AZURE_FEDERATED_TOKEN_FILE;
		else process.env.AZURE_FEDERATED_TOKEN_FILE = saved;
	}
});

test('the file is read again for every token request: after rotation the next token request carries the new token', async () => {
	const emu = emulator();
	const path = file('token-rotating', await mint({ serviceAccount: 'n8n' }));
	const credential = federated(path);

	// Token A: a token is issued, users are read.
	const first = await getManyUsers(credential);
	expect(first.error).toBeUndefined();
	const grants = emu.login.stats.grants.client_credentials;

	// Token B is written; the Graph token from A is still cached: no token request, no read of B needed.
	const rejectedSubject = 'system:serviceaccount:n8n:rotated-elsewhere';
	writeFileSync(path, await mint({ subject: rejectedSubject }));
	const cached = await getManyUsers(credential);
	expect(cached.error).toBeUndefined();
	expect(emu.login.stats.grants.client_credentials).toBe(grants);

	// The Graph token expires: the renewal's token request carries B, which the emulator refuses by
	// its subject (no federated credential for it) — proof on the emulator's side that B was sent.
	emu.tokens.expireAll();
	const refusedBefore = emu.login.stats.errors['700213'] ?? 0;
	const renewed = await getManyUsers(credential);
	produced.push(errorText(renewed));
	expect(emu.login.stats.errors['700213']).toBe(refusedBefore + 1);
	expect(errorText(renewed)).toContain(rejectedSubject);
	expect(errorText(renewed)).toMatch(/AADSTS700213.*Subject must equal the token's sub/);

	// Token C (the worker's service account, trusted by the app) is written: the next run works,
	// with a token request that carried C.
	writeFileSync(path, await mint({ serviceAccount: 'n8n-worker' }));
	const again = await getManyUsers(credential);
	expect(again.error).toBeUndefined();
	expect(emu.login.stats.grants.client_credentials).toBe(grants + 1);
	expect(emu.login.stats.errors['700213']).toBe(refusedBefore + 1);
});

describe('a bad federated token file is refused naming the field, with no request', () => {
	const cases: Array<[string, () => Promise<IDataObject>, RegExp]> = [
		[
			'missing',
			async () => federated(join(dir, 'does-not-exist')),
			/Federated Token File ".*does-not-exist" does not exist: check the path/,
		],
		[
			'empty',
			async () => federated(file('empty', '  \n')),
			/Federated Token File ".*empty" is empty/,
		],
		[
			'expired',
			async () => federated(file('expired', await mint({ expiresInSeconds: -120 }))),
			/Federated Token File ".*expired" holds a token that expired at \d{4}-\d\d-\d\dT.*no longer being refreshed/,
		],
		[
			'not a JWT (another file of the host)',
			async () => federated(file('config.json', '{"encryptionKey":"n8n-host-secret-value"}')),
			/Federated Token File ".*config.json" does not hold a JWT/,
		],
		[
			'a relative path',
			async () => federated('tokens/azure-identity-token'),
			/Federated Token File "tokens\/azure-identity-token" is not an absolute path/,
		],
	];

	test.each(cases)('%s', async (_name, data, pattern) => {
		const emu = emulator();
		const credential = await data();
		const mark = emu.mark();
		const result = await getManyUsers(credential);
		expect(errorText(result)).toMatch(pattern);
		const test = await runAppCredentialTest(credential as never);
		expect(test).toEqual({ status: 'Error', message: expect.stringMatching(pattern) });
		expect(loginRequests(emu, mark)).toEqual([]);
		expect(graphRequests(emu, mark)).toEqual([]);
		produced.push(errorText(result), test.message);
		expect(errorText(result)).not.toContain('n8n-host-secret-value');
	});

	test('no path and no AZURE_FEDERATED_TOKEN_FILE', async () => {
		const emu = emulator();
		const saved = process.env.AZURE_FEDERATED_TOKEN_FILE;
		delete process.env.AZURE_FEDERATED_TOKEN_FILE;
		try {
			const mark = emu.mark();
			const result = await getManyUsers(federated(''));
			expect(errorText(result)).toMatch(
				/Federated Token File is empty and the n8n process has no AZURE_FEDERATED_TOKEN_FILE/,
			);
			expect(emu.since(mark).filter((e) => !e.url.startsWith('/_emulator'))).toEqual([]);
		} finally {
			if (saved !== undefined) process.env.AZURE_FEDERATED_TOKEN_FILE = saved;
		}
	});
});

test("a token the app's federated credentials do not trust: AADSTS700211 with the fix, no assertion in it", async () => {
	const { issuer } = await admin(emulator(), 'POST', 'oidc/issuers', { name: 'untrusted' });
	const { token } = await admin(emulator(), 'POST', 'oidc/untrusted/token', {});
	assertions.push(token);
	const result = await getManyUsers(federated(file('untrusted', token)));
	produced.push(errorText(result));
	expect(errorText(result)).toMatch(/AADSTS700211.*add a federated credential with that Issuer/);
	expect(errorText(result)).toContain(issuer);
});

test('a token Entra issued in the file (not an external one): AADSTS700222 with the fix', async () => {
	const entraToken = mintToken(emulator(), { app: ACCESS_REVIEW, roles: ['User.Read.All'] });
	assertions.push(entraToken);
	const result = await getManyUsers(federated(file('entra-token', entraToken)));
	produced.push(errorText(result));
	expect(errorText(result)).toMatch(
		/AADSTS700222.*issued by Microsoft Entra itself.*must hold the external issuer's token/,
	);
});

test("n8n's credential test: connected with a federated token, permissions listed", async () => {
	const result = await runAppCredentialTest(federated(file('token-test', await mint())) as never);
	produced.push(result.message);
	expect(result.status).toBe('OK');
	expect(result.message).toContain(`Connected to tenant ${CONTOSO} with a federated token`);
	expect(result.message).toMatch(/Application permissions: .*User\.Read\.All/);
});

test('secrets scan: no assertion, token or JWT in any output or message of this file', () => {
	expect(produced.length).toBeGreaterThan(5);
	expectNoSecrets(produced, assertions);
});
