/**
 * HTTP(S)_PROXY and NO_PROXY, as n8n applies them (nodes/shared/transport/http-client.ts).
 *
 * The rules are checked case by case against n8n's own resolver (proxy-from-env as n8n-core 2.41
 * installs it). Then every path the package sends on runs through an HTTP CONNECT proxy written
 * here, with Microsoft's host names resolvable only by the proxy (it maps
 * login.microsoftonline.com:443, graph.microsoft.com:443 and smtp.office365.com:587 to the
 * emulator) while the direct path is closed (in this process every DNS lookup of those names
 * fails, and is counted: no test may make one): sign-in with a secret and with a certificate,
 * Graph reads, a write and a paged read, a SharePoint upload session, the credential test and an
 * SMTP send. NO_PROXY bypasses the proxy for the hosts it lists; the variables are read on every
 * request.
 */
import { dirname, join } from 'node:path';
import { clearAppTokenCache, createAppTokenProvider } from '../../nodes/shared/auth';
import { runAppCredentialTest } from '../../nodes/shared/auth/credential-test';
import type { AppCredentialData } from '../../nodes/shared/credentials/validate';
import { createGraphTransport } from '../../nodes/shared/transport';
import {
	closeProxyAgents,
	proxyFetch,
	proxyForSmtp,
	proxyForUrl,
} from '../../nodes/shared/transport/http-client';
import { runNode } from '../harness';
import {
	blockDirectDns,
	startConnectProxy,
	type ConnectProxy,
	type DnsBlock,
} from '../helpers/connect-proxy';
import { useEmulator } from '../helpers/emulator';
import { ALICE, BOB, MAIL_ROBOT, MAIL_ROBOT_SECRET, runMail } from '../mail/helpers';
import {
	credentialTypes as sharePointCredentials,
	fileInput,
	generated,
	libraryId,
	MiB,
	nodeTypes as sharePointNodes,
	REPORTS_SITE,
	rl,
	TYPE as SHAREPOINT,
} from '../sharepoint/helpers';
import { NODE } from './helpers';

const CONTOSO = '9afc4c9b-52ad-5db7-a6ed-ff1ff2d75c8a';
const ROOM_BOOKING = '5221c67c-65b6-5cbe-8c29-76b9b3fac7b7';
const ROOM_SECRET = 'RbZ8~demo.Room-Booking-Secret-Value_0004';
const ARCHIVE = {
	clientId: '38c73065-ef3e-4beb-b0ec-33cb374bf4eb',
	clientSecret: 'DaR8~demo.Document-Archive-Secret-Value_0010',
};

const PROXY_VARS = [
	'HTTP_PROXY',
	'HTTPS_PROXY',
	'ALL_PROXY',
	'NO_PROXY',
	'http_proxy',
	'https_proxy',
	'all_proxy',
	'no_proxy',
	'npm_config_proxy',
	'npm_config_http_proxy',
	'npm_config_https_proxy',
	'npm_config_no_proxy',
	'NPM_CONFIG_PROXY',
	'NPM_CONFIG_HTTP_PROXY',
	'NPM_CONFIG_HTTPS_PROXY',
	'NPM_CONFIG_NO_PROXY',
];

let savedEnv: Record<string, string | undefined> = {};
function clearProxyEnv(): void {
	for (const name of PROXY_VARS) delete process.env[name];
}
function setEnv(values: Record<string, string>): void {
	clearProxyEnv();
	Object.assign(process.env, values);
}
beforeAll(() => {
	savedEnv = Object.fromEntries(PROXY_VARS.map((n) => [n, process.env[n]]));
	clearProxyEnv();
});
afterAll(async () => {
	clearProxyEnv();
	for (const [name, value] of Object.entries(savedEnv))
		if (value !== undefined) process.env[name] = value;
	await closeProxyAgents();
});

/** n8n's resolver: proxy-from-env as installed for n8n-core 2.41 (its own copy first). */
function n8nGetProxyForUrl(): (url: string) => string {
	const core = dirname(require.resolve('n8n-core/package.json'));
	for (const candidate of [join(core, 'node_modules', 'proxy-from-env'), 'proxy-from-env']) {
		try {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			return require(candidate).getProxyForUrl;
		} catch {
			// next
		}
	}
	throw new Error('proxy-from-env not found');
}

describe("the rules are n8n's (proxy-from-env's getProxyForUrl)", () => {
	const P = 'http://proxy.test:3128';
	const Q = 'http://other.test:8080';
	const cases: Array<[string, Record<string, string>, string]> = [
		['HTTPS_PROXY for https', { HTTPS_PROXY: P }, 'https://graph.microsoft.com/v1.0/me'],
		['HTTPS_PROXY is not used for http', { HTTPS_PROXY: P }, 'http://graph.microsoft.com/'],
		['HTTP_PROXY for http', { HTTP_PROXY: P }, 'http://graph.microsoft.com/'],
		['HTTP_PROXY is not used for https', { HTTP_PROXY: P }, 'https://graph.microsoft.com/'],
		['ALL_PROXY as the fallback', { ALL_PROXY: Q }, 'https://graph.microsoft.com/'],
		[
			'HTTPS_PROXY before ALL_PROXY',
			{ HTTPS_PROXY: P, ALL_PROXY: Q },
			'https://graph.microsoft.com/',
		],
		[
			'lower case before upper case',
			{ https_proxy: Q, HTTPS_PROXY: P },
			'https://graph.microsoft.com/',
		],
		[
			'npm_config_https_proxy first',
			{ npm_config_https_proxy: Q, HTTPS_PROXY: P },
			'https://graph.microsoft.com/',
		],
		[
			'a proxy without scheme takes the URL scheme',
			{ HTTPS_PROXY: 'proxy.test:3128' },
			'https://graph.microsoft.com/',
		],
		[
			'NO_PROXY exact host',
			{ HTTPS_PROXY: P, NO_PROXY: 'graph.microsoft.com' },
			'https://graph.microsoft.com/',
		],
		[
			'NO_PROXY exact host does not cover subdomains',
			{ HTTPS_PROXY: P, NO_PROXY: 'microsoft.com' },
			'https://graph.microsoft.com/',
		],
		[
			'NO_PROXY .suffix',
			{ HTTPS_PROXY: P, NO_PROXY: '.microsoft.com' },
			'https://graph.microsoft.com/',
		],
		[
			'NO_PROXY *.suffix',
			{ HTTPS_PROXY: P, NO_PROXY: '*.sharepoint.com' },
			'https://contoso.sharepoint.com/',
		],
		[
			'NO_PROXY *suffix (no dot)',
			{ HTTPS_PROXY: P, NO_PROXY: '*microsoftonline.com' },
			'https://login.microsoftonline.com/',
		],
		[
			'NO_PROXY other host',
			{ HTTPS_PROXY: P, NO_PROXY: 'login.microsoftonline.com' },
			'https://graph.microsoft.com/',
		],
		['NO_PROXY *', { HTTPS_PROXY: P, NO_PROXY: '*' }, 'https://graph.microsoft.com/'],
		[
			'NO_PROXY with the default port',
			{ HTTPS_PROXY: P, NO_PROXY: 'graph.microsoft.com:443' },
			'https://graph.microsoft.com/',
		],
		[
			'NO_PROXY with another port',
			{ HTTPS_PROXY: P, NO_PROXY: 'graph.microsoft.com:8443' },
			'https://graph.microsoft.com/',
		],
		[
			'NO_PROXY with an explicit port',
			{ HTTPS_PROXY: P, NO_PROXY: '127.0.0.1:8443' },
			'https://127.0.0.1:8443/',
		],
		[
			'NO_PROXY lists, spaces, case',
			{ HTTPS_PROXY: P, NO_PROXY: 'localhost, GRAPH.Microsoft.com  x.test' },
			'https://graph.microsoft.com/',
		],
		[
			'lower-case no_proxy before NO_PROXY',
			{ HTTPS_PROXY: P, no_proxy: 'x.test', NO_PROXY: 'graph.microsoft.com' },
			'https://graph.microsoft.com/',
		],
		['NO_PROXY IPv6 loopback', { HTTPS_PROXY: P, NO_PROXY: '[::1]' }, 'https://[::1]:8443/'],
		[
			'an empty variable is unset',
			{ HTTPS_PROXY: '', ALL_PROXY: Q },
			'https://graph.microsoft.com/',
		],
	];
	const getProxyForUrl = n8nGetProxyForUrl();

	test.each(cases)('%s', (_name, env, url) => {
		setEnv(env);
		try {
			expect(proxyForUrl(url) ?? '').toBe(getProxyForUrl(url));
		} finally {
			clearProxyEnv();
		}
	});

	test('the expected answers themselves (so a change in either shows)', () => {
		const answers = cases.map(([name, env, url]) => {
			setEnv(env);
			const proxy = proxyForUrl(url);
			clearProxyEnv();
			return [name, proxy ?? 'direct'];
		});
		expect(Object.fromEntries(answers)).toEqual({
			'HTTPS_PROXY for https': P,
			'HTTPS_PROXY is not used for http': 'direct',
			'HTTP_PROXY for http': P,
			'HTTP_PROXY is not used for https': 'direct',
			'ALL_PROXY as the fallback': Q,
			'HTTPS_PROXY before ALL_PROXY': P,
			'lower case before upper case': Q,
			'npm_config_https_proxy first': Q,
			'a proxy without scheme takes the URL scheme': 'https://proxy.test:3128',
			'NO_PROXY exact host': 'direct',
			'NO_PROXY exact host does not cover subdomains': P,
			'NO_PROXY .suffix': 'direct',
			'NO_PROXY *.suffix': 'direct',
			'NO_PROXY *suffix (no dot)': 'direct',
			'NO_PROXY other host': P,
			'NO_PROXY *': 'direct',
			'NO_PROXY with the default port': 'direct',
			'NO_PROXY with another port': P,
			'NO_PROXY with an explicit port': 'direct',
			'NO_PROXY lists, spaces, case': 'direct',
			'lower-case no_proxy before NO_PROXY': P,
			'NO_PROXY IPv6 loopback': 'direct',
			'an empty variable is unset': Q,
		});
	});

	test('SMTP: HTTPS_PROXY, else HTTP_PROXY, for the host and port; NO_PROXY applies', () => {
		const cases: Array<[Record<string, string>, string | undefined]> = [
			[{ HTTPS_PROXY: P, HTTP_PROXY: Q }, P],
			[{ HTTP_PROXY: Q }, Q],
			[{ ALL_PROXY: Q }, Q],
			[{ HTTPS_PROXY: P, NO_PROXY: 'smtp.office365.com' }, undefined],
			[{ HTTPS_PROXY: P, NO_PROXY: '.office365.com' }, undefined],
			[{ HTTPS_PROXY: P, NO_PROXY: 'smtp.office365.com:587' }, undefined],
			[{ HTTPS_PROXY: P, NO_PROXY: 'smtp.office365.com:465' }, P],
			[{}, undefined],
		];
		for (const [env, expected] of cases) {
			setEnv(env);
			expect([env, proxyForSmtp('smtp.office365.com', 587)]).toEqual([env, expected]);
		}
		clearProxyEnv();
	});
});

describe("through a CONNECT proxy, Microsoft's names reachable only through it", () => {
	const emulator = useEmulator({ smtp: true });
	let proxy: ConnectProxy;
	let dns: DnsBlock;

	beforeAll(async () => {
		const emu = emulator();
		const at = { host: '127.0.0.1', port: Number(new URL(emu.url).port) };
		proxy = await startConnectProxy({
			map: {
				'login.microsoftonline.com:443': at,
				'graph.microsoft.com:443': at,
				'smtp.office365.com:587': { host: '127.0.0.1', port: emu.smtpPort },
			},
		});
		dns = blockDirectDns();
	});
	afterAll(async () => {
		dns?.restore();
		await closeProxyAgents();
		await proxy?.close();
	});
	beforeEach(async () => {
		clearAppTokenCache();
		await closeProxyAgents();
		proxy.reset();
		dns.attempts.length = 0;
		setEnv({ HTTPS_PROXY: proxy.url });
	});
	afterEach(() => {
		clearProxyEnv();
		// No test may have tried Microsoft's names directly (unless it says so).
	});

	const globalApp = (extra: Partial<AppCredentialData> = {}): AppCredentialData => ({
		cloud: 'global',
		tenantId: CONTOSO,
		clientId: ROOM_BOOKING,
		authentication: 'clientSecret',
		clientSecret: ROOM_SECRET,
		...extra,
	});
	const context = (data: AppCredentialData) => ({
		getCredentials: async () => ({ ...data }) as any,
		getNode: () => NODE,
		helpers: {},
	});

	test('the direct path is closed: without a proxy, Graph is unreachable', async () => {
		clearProxyEnv();
		const error = await proxyFetch('https://graph.microsoft.com/v1.0/').catch((e: Error) => e);
		expect((error as Error).message).toBe('fetch failed');
		expect(String((error as Error & { cause?: { code?: string } }).cause?.code)).toBe('ENOTFOUND');
		expect(dns.attempts).toEqual(['graph.microsoft.com']);
		expect(proxy.total()).toBe(0);
	});

	test('sign-in with a secret and with a certificate (msal: instance and OpenID discovery, token)', async () => {
		const emu = emulator();
		const cert = emu.directory.findRegistration(ROOM_BOOKING)!.app.certificates![0];
		for (const data of [
			globalApp(),
			globalApp({
				authentication: 'certificate',
				clientSecret: undefined,
				privateKey: cert.keyPem,
				certificate: cert.certPem,
			} as Partial<AppCredentialData>),
		]) {
			clearAppTokenCache();
			await closeProxyAgents();
			proxy.reset();
			const mark = emu.mark();
			const token = await createAppTokenProvider(data).getToken();
			expect(emu.tokens.check(`Bearer ${token}`, 'graph').ok).toBe(true);
			// msal knows Global's instance metadata: only the token request goes out.
			const login = emu.since(mark);
			expect(login.map((e) => `${e.method} ${e.host} ${e.url.split('?')[0]}`)).toContain(
				`POST login.microsoftonline.com /${CONTOSO}/oauth2/v2.0/token`,
			);
			expect(new Set(login.map((e) => e.host))).toEqual(new Set(['login.microsoftonline.com']));
			expect(login.at(-1)!.status).toBe(200);
			expect(proxy.count('login.microsoftonline.com:443')).toBeGreaterThanOrEqual(1);
			expect([...proxy.tunnels.keys()]).toEqual(['login.microsoftonline.com:443']);
		}
		expect(dns.attempts).toEqual([]);
	});

	test('Graph reads, a write and a paged read; the credential test', async () => {
		const emu = emulator();
		const transport = await createGraphTransport(context(globalApp()), 'microsoft365AppApi');
		const mark = emu.mark();
		const alice = await transport.request<{ userPrincipalName: string }>({
			effect: 'read',
			url: `/users/${ALICE}`,
		});
		expect(alice.userPrincipalName).toBe(ALICE);
		const all = await transport.collectAll<{ id: string }>('/users', { pageSize: 2 });
		const direct = emu.directory.home.users.length;
		expect(all).toHaveLength(direct);
		expect(new Set(all.map((u) => u.id)).size).toBe(direct);
		const inboxBefore = emu.mail.messages(BOB).length;
		await transport.send({
			method: 'POST',
			effect: 'createOnce',
			url: `/users/${ALICE}/sendMail`,
			body: {
				message: {
					subject: 'Through the proxy',
					body: { contentType: 'Text', content: 'hello' },
					toRecipients: [{ emailAddress: { address: BOB } }],
				},
			},
		});
		expect(emu.mail.messages(BOB).length).toBe(inboxBefore + 1);
		expect(emu.mail.messages(BOB).at(-1)!.subject).toBe('Through the proxy');

		const graphCalls = emu.since(mark).filter((e) => e.url.startsWith('/v1.0/'));
		expect(graphCalls.length).toBeGreaterThanOrEqual(2 + Math.ceil(direct / 2));
		expect(graphCalls.filter((e) => e.url.startsWith('/v1.0/users?'))).toHaveLength(
			Math.ceil(direct / 2),
		);
		expect(new Set(graphCalls.map((e) => e.host))).toEqual(new Set(['graph.microsoft.com']));
		expect(graphCalls.every((e) => (e.status ?? 0) >= 200 && (e.status ?? 0) < 300)).toBe(true);
		expect(proxy.count('graph.microsoft.com:443')).toBeGreaterThanOrEqual(1);

		const result = await runAppCredentialTest(globalApp());
		expect(result.status).toBe('OK');
		expect(JSON.stringify(result)).not.toContain(ROOM_SECRET);
		expect(dns.attempts).toEqual([]);
	});

	test('a SharePoint upload session (12 MiB) through the node: same bytes, every request via the proxy', async () => {
		const emu = emulator();
		const source = generated(12 * MiB);
		const mark = emu.mark();
		const result = await runNode({
			nodeTypes: sharePointNodes,
			credentialTypes: sharePointCredentials,
			node: {
				type: SHAREPOINT,
				parameters: {
					authentication: 'app',
					site: rl(REPORTS_SITE),
					library: rl(libraryId(emu)),
					resource: 'file',
					operation: 'upload',
					folderPath: 'Proxy/2024',
					binaryPropertyName: 'data',
					conflictBehavior: 'replace',
				},
				credentials: { microsoft365AppApi: { id: 'archive', name: 'archive' } },
			},
			credentialsData: {
				archive: { ...globalApp(), ...ARCHIVE } as never,
			},
			input: [fileInput(source.stream, 'proxied.bin')],
		});
		expect(result.error).toBeUndefined();
		expect(emu.drives.hash(libraryId(emu), '/Proxy/2024/proxied.bin')).toBe(source.sha256());
		const log = emu.since(mark);
		const puts = log.filter((e) => e.method === 'PUT' && /uploadSession/.test(e.url));
		expect(puts.length).toBeGreaterThanOrEqual(2);
		expect(log.some((e) => /createUploadSession/.test(e.url))).toBe(true);
		expect(new Set(log.map((e) => e.host))).toEqual(
			new Set(['login.microsoftonline.com', 'graph.microsoft.com']),
		);
		expect(proxy.count('graph.microsoft.com:443')).toBeGreaterThanOrEqual(1);
		expect(dns.attempts).toEqual([]);
	});

	test('an SMTP send (nodemailer, app-only XOAUTH2): a tunnel to smtp.office365.com:587', async () => {
		const emu = emulator();
		const before = emu.smtp!.received.length;
		const { output, error } = await runMail(
			{
				kind: 'app',
				data: {
					cloud: 'global',
					tenantId: CONTOSO,
					clientId: MAIL_ROBOT,
					authentication: 'clientSecret',
					clientSecret: MAIL_ROBOT_SECRET,
				},
			},
			{
				operation: 'send',
				sendVia: 'smtp',
				smtpHost: 'smtp.office365.com',
				smtpPort: 587,
				mailbox: BOB,
				toRecipients: ALICE,
				subject: 'SMTP through the proxy',
				bodyType: 'text',
				body: 'hello',
			},
		);
		expect(error).toBeUndefined();
		expect(output[0][0].json).toMatchObject({ sent: true, transport: 'smtp', mailbox: BOB });
		const arrived = emu.smtp!.received.slice(before);
		expect(arrived).toHaveLength(1);
		expect(arrived[0]).toMatchObject({ user: BOB, scheme: 'application', rcptTo: [ALICE] });
		expect(arrived[0].headers.subject).toBe('SMTP through the proxy');
		expect(proxy.count('smtp.office365.com:587')).toBe(1);
		expect(proxy.count('login.microsoftonline.com:443')).toBeGreaterThanOrEqual(1);
		expect(dns.attempts).toEqual([]);
	});

	test('NO_PROXY: a listed host is reached directly, the others through the proxy', async () => {
		const emu = emulator();
		const custom = (): AppCredentialData => ({
			cloud: 'custom',
			customLoginUrl: emu.url,
			customGraphUrl: emu.url,
			tenantId: CONTOSO,
			clientId: ROOM_BOOKING,
			authentication: 'clientSecret',
			clientSecret: ROOM_SECRET,
		});
		const target = `127.0.0.1:${new URL(emu.url).port}`;

		// Not listed: the emulator's own address goes through the proxy too.
		let transport = await createGraphTransport(context(custom()), 'microsoft365AppApi');
		await transport.request({ effect: 'read', url: `/users/${ALICE}` });
		expect(proxy.count(target)).toBeGreaterThanOrEqual(1);

		// Listed (with its port): straight to the emulator, no tunnel.
		clearAppTokenCache();
		await closeProxyAgents();
		proxy.reset();
		setEnv({ HTTPS_PROXY: proxy.url, NO_PROXY: `localhost,${target}` });
		transport = await createGraphTransport(context(custom()), 'microsoft365AppApi');
		const alice = await transport.request<{ userPrincipalName: string }>({
			effect: 'read',
			url: `/users/${ALICE}`,
		});
		expect(alice.userPrincipalName).toBe(ALICE);
		expect(proxy.total()).toBe(0);

		// Global cloud with graph.microsoft.com listed: sign-in through the proxy, Graph direct,
		// which this process cannot reach — the bypass is real.
		clearAppTokenCache();
		await closeProxyAgents();
		proxy.reset();
		setEnv({ HTTPS_PROXY: proxy.url, NO_PROXY: 'graph.microsoft.com' });
		transport = await createGraphTransport(context(globalApp()), 'microsoft365AppApi', {
			retry: { maxAttempts: 1 },
		});
		const error = await transport
			.request({ effect: 'read', url: `/users/${ALICE}` })
			.catch((e: Error) => e);
		expect(error).toBeInstanceOf(Error);
		expect(proxy.count('login.microsoftonline.com:443')).toBeGreaterThanOrEqual(1);
		expect(proxy.count('graph.microsoft.com:443')).toBe(0);
		expect(new Set(dns.attempts)).toEqual(new Set(['graph.microsoft.com']));
	});

	test('the variables are read on every request: a new HTTPS_PROXY takes the next request', async () => {
		const emu = emulator();
		const at = { host: '127.0.0.1', port: Number(new URL(emu.url).port) };
		const second = await startConnectProxy({
			map: { 'login.microsoftonline.com:443': at, 'graph.microsoft.com:443': at },
		});
		try {
			const transport = await createGraphTransport(context(globalApp()), 'microsoft365AppApi');
			await transport.request({ effect: 'read', url: `/users/${ALICE}` });
			expect(proxy.count('graph.microsoft.com:443')).toBe(1);
			expect(second.total()).toBe(0);
			setEnv({ HTTPS_PROXY: second.url });
			await transport.request({ effect: 'read', url: `/users/${BOB}` });
			expect(second.count('graph.microsoft.com:443')).toBe(1);
			expect(proxy.count('graph.microsoft.com:443')).toBe(1);
		} finally {
			await closeProxyAgents();
			await second.close();
		}
		expect(dns.attempts).toEqual([]);
	});

	test('a proxy that requires a password (credentials in HTTPS_PROXY), for Graph and SMTP', async () => {
		const emu = emulator();
		const at = { host: '127.0.0.1', port: Number(new URL(emu.url).port) };
		const guarded = await startConnectProxy({
			auth: { user: 'n8n', password: 'pr0xy:pass' },
			map: {
				'login.microsoftonline.com:443': at,
				'graph.microsoft.com:443': at,
				'smtp.office365.com:587': { host: '127.0.0.1', port: emu.smtpPort },
			},
		});
		try {
			const url = new URL(guarded.url);
			url.username = 'n8n';
			url.password = 'pr0xy:pass';
			setEnv({ HTTPS_PROXY: url.href });
			const transport = await createGraphTransport(context(globalApp()), 'microsoft365AppApi');
			await transport.request({ effect: 'read', url: `/users/${ALICE}` });
			expect(guarded.count('graph.microsoft.com:443')).toBe(1);
			const { error } = await runMail(
				{
					kind: 'app',
					data: { ...globalApp(), clientId: MAIL_ROBOT, clientSecret: MAIL_ROBOT_SECRET },
				},
				{
					operation: 'send',
					sendVia: 'smtp',
					smtpHost: 'smtp.office365.com',
					smtpPort: 587,
					mailbox: BOB,
					toRecipients: ALICE,
					subject: 'SMTP through a guarded proxy',
				},
			);
			expect(error).toBeUndefined();
			expect(emu.smtp!.received.at(-1)!.headers.subject).toBe('SMTP through a guarded proxy');
			expect(guarded.count('smtp.office365.com:587')).toBe(1);
			expect(guarded.refused.size).toBe(0);
		} finally {
			await closeProxyAgents();
			await guarded.close();
		}
	});

	test('a refused tunnel: an actionable sign-in error naming the proxy (no password), no secret', async () => {
		const refusing = await startConnectProxy({ refuse: () => true });
		try {
			const url = new URL(refusing.url);
			url.username = 'n8n';
			url.password = 'hidden-proxy-password';
			setEnv({ HTTPS_PROXY: url.href });
			const error = (await createAppTokenProvider(globalApp())
				.getToken()
				.catch((e: Error) => e)) as Error;
			expect(error).toBeInstanceOf(Error);
			expect(error.message).toContain(`through the proxy ${refusing.url}`);
			expect(error.message).toMatch(/403/);
			expect(error.message).not.toContain('hidden-proxy-password');
			expect(error.message).not.toContain(ROOM_SECRET);
			expect(refusing.refused.get('login.microsoftonline.com:443')).toBeGreaterThanOrEqual(1);
		} finally {
			await closeProxyAgents();
			await refusing.close();
		}
		expect(dns.attempts).toEqual([]);
	});
});
