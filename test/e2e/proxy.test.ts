/**
 * HTTPS_PROXY in a real n8n: a second n8n instance (the stack's own keeps its environment) runs
 * with `HTTPS_PROXY` pointing at an HTTP CONNECT proxy written here, while its DNS-lookup preload
 * (scripts/e2e/dns-preload.cjs) resolves Microsoft's host names to a loopback address where
 * nothing listens: the direct path is closed, and only the proxy knows where
 * login.microsoftonline.com:443, graph.microsoft.com:443 and smtp.office365.com:587 are (the
 * stack's emulator). Credentials with Cloud = Global then sign in, pass n8n's credential test and
 * run a workflow of the package (Entra users, a Graph send, an SMTP send) — every request through
 * the proxy, counted per target — and n8n's own HTTP Request node reaches Graph through the same
 * proxy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_TYPE, demoCredentialData, loadedNodeTypes, secretOf } from '../../scripts/e2e/demo';
import {
	demoApp,
	freePort,
	linkPackage,
	N8nClient,
	PACKAGE_NAME,
	startN8nProcess,
	type N8nProcess,
} from '../../scripts/e2e/stack';
import { startConnectProxy, type ConnectProxy } from '../helpers/connect-proxy';
import { chain, e2e, expectSuccess, nodeOutput, runOnce } from './helpers';

const ctx = e2e();

const ALICE = 'alice@contoso.onmicrosoft.com';
const BOB = 'bob@contoso.onmicrosoft.com';
const CAROL = 'carol@contoso.onmicrosoft.com';
const MICROSOFT = /^(login\.microsoftonline\.com|graph\.microsoft\.com|smtp\.office365\.com)$/;

/** Resolves when connecting to host:port is refused (nothing listens there). */
async function refused(host: string, port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const socket = connect({ host, port });
		socket.once('connect', () => {
			socket.destroy();
			resolve(false);
		});
		socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
	});
}

/** A loopback address whose ports 443 and 587 refuse connections. */
async function closedLoopbackAddress(): Promise<string> {
	for (let attempt = 0; attempt < 20; attempt++) {
		const address = `127.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
		if ((await refused(address, 443)) && (await refused(address, 587))) return address;
	}
	throw new Error('no closed loopback address found');
}

/** Cloud = Global: the credential's Custom endpoint fields left out. */
function globalCloud(data: Record<string, unknown>): Record<string, unknown> {
	const {
		cloud: _cloud,
		customLoginUrl: _login,
		customGraphUrl: _graph,
		customGraphResource: _resource,
		...rest
	} = data;
	void [_cloud, _login, _graph, _resource];
	return { ...rest, cloud: 'global' };
}

describe('HTTPS_PROXY: a second n8n reaches Microsoft only through a CONNECT proxy', () => {
	let proxy: ConnectProxy;
	let n8n: N8nProcess | undefined;
	let client: N8nClient;
	let workDir: string;
	let closed: string;

	beforeAll(async () => {
		const emulatorPort = ctx.state.emulatorPort!;
		const at = { host: '127.0.0.1', port: emulatorPort };
		proxy = await startConnectProxy({
			map: {
				'login.microsoftonline.com:443': at,
				'graph.microsoft.com:443': at,
				'smtp.office365.com:587': { host: '127.0.0.1', port: ctx.state.smtpPort! },
			},
		});
		closed = await closedLoopbackAddress();
		workDir = mkdtempSync(join(tmpdir(), 'm365-proxy-n8n-'));
		const userFolder = join(workDir, 'n8n');
		linkPackage(userFolder, ctx.state.staged.dir);
		const port = await freePort();
		let brokerPort = await freePort();
		while (brokerPort === port) brokerPort = await freePort();
		n8n = await startN8nProcess({
			port,
			brokerPort,
			userFolder,
			caFile: ctx.state.caFile,
			// Microsoft's names resolve to an address where nothing listens: no direct path.
			hostMapping: closed,
			env: {
				HTTPS_PROXY: proxy.url,
				NO_PROXY: 'localhost,127.0.0.1',
				HTTP_PROXY: '',
				ALL_PROXY: '',
				https_proxy: '',
				http_proxy: '',
				no_proxy: '',
				all_proxy: '',
			},
			logFile: join(workDir, 'n8n.log'),
		});
		client = new N8nClient(n8n.url);
		await client.setupOwner();
		await client.createApiKey();
	}, 300_000);

	afterAll(async () => {
		await n8n?.stop();
		await proxy?.close();
		if (workDir && !/^(1|true)$/i.test(process.env.M365_E2E_KEEP ?? ''))
			rmSync(workDir, { recursive: true, force: true, maxRetries: 3 });
	});

	test('the package is loaded; the direct path is closed', async () => {
		const loaded = await loadedNodeTypes(client);
		expect(loaded.has(`${PACKAGE_NAME}.microsoft365EntraId`)).toBe(true);
		expect(loaded.has(`${PACKAGE_NAME}.microsoft365Mail`)).toBe(true);
		expect(await refused(closed, 443)).toBe(true);
		expect(await refused(closed, 587)).toBe(true);
	});

	test("n8n's own HTTP Request node reaches Graph through the proxy (the reference)", async () => {
		proxy.reset();
		const mark = await ctx.mark();
		// Unauthenticated: Graph answers 401, which is enough to show the route.
		const execution = await runOnce(
			client,
			chain('proxy: n8n HTTP Request', [
				{
					name: 'Graph',
					type: 'n8n-nodes-base.httpRequest',
					typeVersion: 4.2,
					parameters: {
						method: 'GET',
						url: 'https://graph.microsoft.com/v1.0/users',
						options: { response: { response: { neverError: true, fullResponse: true } } },
					},
				},
			]),
		);
		expectSuccess(execution);
		expect(nodeOutput(execution, 'Graph')[0].statusCode).toBe(401);
		expect(proxy.count('graph.microsoft.com:443')).toBeGreaterThanOrEqual(1);
		const log = await ctx.logSince(mark);
		expect(log.some((e) => e.host === 'graph.microsoft.com' && e.url === '/v1.0/users')).toBe(true);
	});

	test('credential tests (secret, certificate) and a workflow of the package: every request through the proxy', async () => {
		const all = await demoCredentialData(ctx);
		const created = {
			secret: await client.createCredential(
				'proxy: Room Booking (secret)',
				APP_TYPE,
				globalCloud(all['m365-demo-app']),
			),
			certificate: await client.createCredential(
				'proxy: Room Booking (certificate)',
				APP_TYPE,
				globalCloud(all['m365-demo-app-certificate']),
			),
			smtp: await client.createCredential('proxy: Mail Robot', APP_TYPE, {
				cloud: 'global',
				tenantId: all['m365-demo-app'].tenantId,
				clientId: demoApp('Mail Robot').appId,
				authentication: 'clientSecret',
				clientSecret: secretOf('Mail Robot'),
			}),
		};
		proxy.reset();
		const mark = await ctx.mark();
		const smtpBefore = (await ctx.admin('GET', 'smtp/messages')).messages.length;

		for (const [key, data] of [
			['secret', globalCloud(all['m365-demo-app'])],
			['certificate', globalCloud(all['m365-demo-app-certificate'])],
		] as const) {
			const result = await client.testCredential(created[key].id, APP_TYPE, data);
			expect([key, result.status, result.message]).toEqual([key, 'OK', expect.any(String)]);
		}
		// Tunnels are connections (kept alive and reused), not requests.
		expect(proxy.count('login.microsoftonline.com:443')).toBeGreaterThanOrEqual(1);

		const cred = (c: { id: string; name: string }) => ({ [APP_TYPE]: { id: c.id, name: c.name } });
		const execution = await runOnce(
			client,
			chain('proxy: package workflow', [
				{
					name: 'List Users',
					type: `${PACKAGE_NAME}.microsoft365EntraId`,
					typeVersion: 1,
					parameters: {
						authentication: 'app',
						resource: 'user',
						operation: 'getMany',
						returnAll: true,
					},
					credentials: cred(created.certificate),
				},
				{
					name: 'Send via Graph',
					type: `${PACKAGE_NAME}.microsoft365Mail`,
					typeVersion: 1,
					executeOnce: true,
					parameters: {
						authentication: 'app',
						resource: 'message',
						operation: 'send',
						mailbox: ALICE,
						toRecipients: BOB,
						subject: '=Through the proxy: {{ $("List Users").all().length }} users',
						bodyType: 'text',
						body: 'Sent by n8n with HTTPS_PROXY set.',
						additionalFields: {},
					},
					credentials: cred(created.secret),
				},
				{
					name: 'Send via SMTP',
					type: `${PACKAGE_NAME}.microsoft365Mail`,
					typeVersion: 1,
					executeOnce: true,
					parameters: {
						authentication: 'app',
						resource: 'message',
						operation: 'send',
						sendVia: 'smtp',
						smtpHost: 'smtp.office365.com',
						smtpPort: 587,
						mailbox: BOB,
						toRecipients: CAROL,
						subject: 'SMTP through the proxy',
						bodyType: 'text',
						body: 'Sent over SMTP with HTTPS_PROXY set.',
						additionalFields: {},
					},
					credentials: cred(created.smtp),
				},
			]),
		);
		expectSuccess(execution);
		const users = nodeOutput(execution, 'List Users');
		expect(users.length).toBeGreaterThan(5);
		expect(users.every((u) => /@/.test(u.userPrincipalName))).toBe(true);
		expect(nodeOutput(execution, 'Send via Graph')).toHaveLength(1);
		expect(nodeOutput(execution, 'Send via SMTP')[0]).toMatchObject({
			sent: true,
			transport: 'smtp',
		});

		// What the emulator received (its admin API, which this test calls, aside): sign-in and
		// Graph under Microsoft's names, nothing else.
		const log = (await ctx.logSince(mark)).filter((e) => !e.url.startsWith('/_emulator/'));
		expect(log.length).toBeGreaterThan(0);
		expect(log.filter((e) => !MICROSOFT.test(e.host))).toEqual([]);
		expect(
			log.filter((e) => /\/oauth2\/v2\.0\/token$/.test(e.url.split('?')[0])).length,
		).toBeGreaterThanOrEqual(3);
		expect(log.some((e) => e.host === 'graph.microsoft.com' && /^\/v1\.0\/users/.test(e.url))).toBe(
			true,
		);
		// The Graph send (a sendMail, possibly inside a $batch).
		expect(
			log.some(
				(e) =>
					e.method === 'POST' &&
					e.host === 'graph.microsoft.com' &&
					/\/sendMail$|\/\$batch$/.test(decodeURIComponent(e.url.split('?')[0])),
			),
		).toBe(true);
		const smtp = (await ctx.admin('GET', 'smtp/messages')).messages.slice(smtpBefore);
		expect(smtp).toHaveLength(1);
		expect(smtp[0]).toMatchObject({ user: BOB, rcptTo: [CAROL] });

		// ...and all of it came through the tunnels (n8n had no other way: its DNS points at a
		// closed port).
		expect(proxy.count('login.microsoftonline.com:443')).toBeGreaterThanOrEqual(1);
		expect(proxy.count('graph.microsoft.com:443')).toBeGreaterThanOrEqual(1);
		expect(proxy.count('smtp.office365.com:587')).toBe(1);
		expect([...proxy.tunnels.keys()].sort()).toEqual([
			'graph.microsoft.com:443',
			'login.microsoftonline.com:443',
			'smtp.office365.com:587',
		]);
		expect(proxy.forwarded).toEqual([]);
	});
});
