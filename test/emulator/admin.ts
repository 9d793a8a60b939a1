/**
 * The emulator's admin API (under /_emulator, never under /v1.0): fault injection, the request
 * log, token and secret expiry, seeding, and demo credentials for `npm run dev`.
 */
import type { Emulator } from './emulator';
import { EmuResponse, readBody, Router } from './http';
import { thumbprintSha1 } from './tls';

async function json<T>(body: Parameters<typeof readBody>[0]): Promise<T> {
	const raw = await readBody(body, 1024 * 1024);
	return (raw.length ? JSON.parse(raw.toString('utf8')) : {}) as T;
}

const ok = (body: unknown = { ok: true }): EmuResponse => ({ status: 200, body });

export function registerAdmin(router: Router, emu: Emulator): void {
	router.add('GET', '/_emulator/health', () => ok({ ok: true, url: emu.url }));
	router.add('GET', '/_emulator/log', (req) => {
		const since = Number(req.query.get('since') ?? 0);
		return ok({ entries: emu.log.filter((e) => e.seq > since), mark: emu.mark() });
	});
	router.add('DELETE', '/_emulator/log', () => {
		emu.log.length = 0;
		return ok();
	});
	router.add('GET', '/_emulator/faults', () =>
		ok({ faults: emu.faults.list(), latencyMs: emu.faults.latencyMs }),
	);
	router.add('POST', '/_emulator/faults', async (req) =>
		ok({ id: emu.addFault(await json(req.body)) }),
	);
	router.add('DELETE', '/_emulator/faults', () => {
		emu.faults.clear();
		return ok();
	});
	router.add('POST', '/_emulator/latency', async (req) => {
		emu.faults.latencyMs = Number((await json<{ ms?: number }>(req.body)).ms ?? 0);
		return ok();
	});
	router.add('POST', '/_emulator/tokens/expire', () => {
		emu.tokens.expireAll();
		return ok();
	});
	router.add('POST', '/_emulator/apps/:appId/secrets/:secretId/expire', (_req, params) => {
		const found = emu.directory.findRegistration(params.appId);
		const secret = found?.app.secrets?.find((s) => s.id === params.secretId);
		if (!secret) return { status: 404, body: { error: 'no such app or secret' } };
		secret.expires = new Date(Date.now() - 1000).toISOString();
		return ok();
	});
	router.add('GET', '/_emulator/apps/:appId/certificates/:certId', (_req, params) => {
		const found = emu.directory.findRegistration(params.appId);
		const cert = found?.app.certificates?.find((c) => c.id === params.certId);
		if (!cert?.certPem) return { status: 404, body: { error: 'no such app or certificate' } };
		// Demo material the emulator generated itself; never a real key.
		return ok({
			certPem: cert.certPem,
			keyPem: cert.keyPem,
			thumbprint: thumbprintSha1(cert.certPem),
		});
	});
	router.add('POST', '/_emulator/users/seed', async (req) => {
		const { count = 0, tenant } = await json<{ count?: number; tenant?: string }>(req.body);
		const target = tenant ? emu.directory.findTenant(tenant) : emu.directory.home;
		if (!target) return { status: 404, body: { error: 'no such tenant' } };
		return ok({ added: target.seedUsers(count).length, total: target.users.length });
	});
	router.add('GET', '/_emulator/contract-violations', () =>
		ok({ violations: emu.contractViolations }),
	);
	router.add('GET', '/_emulator/tenants', () =>
		ok({
			tenants: emu.directory.tenants.map((t) => ({
				id: t.id,
				displayName: t.displayName,
				domains: t.domains,
				users: t.users.length,
				groups: t.groups.length,
				apps: [...t.apps.values()].map((a) => ({ appId: a.appId, displayName: a.displayName })),
			})),
		}),
	);
}
