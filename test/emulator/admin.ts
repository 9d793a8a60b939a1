/**
 * The emulator's admin API (under /_emulator, never under /v1.0): fault injection, the request
 * log, token and secret expiry, seeding, and demo credentials for `npm run dev`.
 */
import type { Emulator } from './emulator';
import { EmuResponse, readBody, Router } from './http';
import { thumbprintSha1 } from './tls';
import { directoryStore } from './graph/directory';
import { createHash } from 'node:crypto';
import type { TeamsSeed } from './graph/teams-reads';

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
	// Grants permissions in the home tenant (admin consent), e.g. for a benchmark's app.
	router.add('POST', '/_emulator/apps/:appId/consent', async (req, params) => {
		const grant = await json<{ application?: string[]; delegated?: string[] }>(req.body);
		const app = emu.directory.home.apps.get(params.appId.toLowerCase());
		if (!app) return { status: 404, body: { error: 'no such app in the home tenant' } };
		for (const kind of ['application', 'delegated'] as const) {
			const added = grant[kind] ?? [];
			if (!added.length) continue;
			app.consent = {
				...app.consent,
				[kind]: [...new Set([...(app.consent?.[kind] ?? []), ...added])],
			};
			app.requested = {
				...app.requested,
				[kind]: [...new Set([...(app.requested?.[kind] ?? []), ...added])],
			};
		}
		return ok({ consent: app.consent });
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
	// Changes made "by an admin" (another client) for delta tests: the next delta round reports
	// them, with only these properties under `Prefer: return=minimal`.
	router.add('PATCH', '/_emulator/users/:user', async (req, params) => {
		const patch = await json<Record<string, unknown>>(req.body);
		const tenant = emu.directory.findTenant(req.query.get('tenant') ?? '') ?? emu.directory.home;
		try {
			const user = directoryStore(emu).updateUser(tenant, decodeURIComponent(params.user), patch);
			return ok({ id: user.id });
		} catch (error) {
			return { status: 404, body: { error: (error as Error).message } };
		}
	});
	router.add('PATCH', '/_emulator/groups/:group', async (req, params) => {
		const patch = await json<Record<string, unknown>>(req.body);
		const tenant = emu.directory.findTenant(req.query.get('tenant') ?? '') ?? emu.directory.home;
		try {
			const group = directoryStore(emu).updateGroup(
				tenant,
				decodeURIComponent(params.group),
				patch,
			);
			return ok({ id: group.id });
		} catch (error) {
			return { status: 404, body: { error: (error as Error).message } };
		}
	});
	router.add('PATCH', '/_emulator/mail/messages/:id', async (req, params) => {
		const patch = await json<Record<string, unknown>>(req.body);
		try {
			const m = emu.mail.updateMessage(
				req.query.get('user') ?? '',
				decodeURIComponent(params.id),
				patch,
			);
			return ok({ id: m.id });
		} catch (error) {
			return { status: 404, body: { error: (error as Error).message } };
		}
	});
	// The next `count` upload-session commits answer 409 nameAlreadyExists (drives.conflictOnCommit).
	router.add('POST', '/_emulator/drives/upload-conflict', async (req) => {
		const { count = 1 } = await json<{ count?: number }>(req.body);
		emu.drives.conflictOnCommit = count;
		return ok({ count });
	});
	// Teams per-channel posting limits (ChannelPostLimiter): lower them, move the clock, reset.
	router.add('POST', '/_emulator/teams/limits', async (req) => {
		const body = await json<{
			perSecond?: number;
			perDay?: number;
			advanceMs?: number;
			reset?: boolean;
			defaults?: boolean;
		}>(req.body);
		const limiter = emu.teams.channelLimiter;
		if (body.defaults) limiter.limits = { perSecond: 4, perDay: 3000 };
		if (body.perSecond !== undefined) limiter.limits.perSecond = body.perSecond;
		if (body.perDay !== undefined) limiter.limits.perDay = body.perDay;
		if (body.advanceMs) limiter.offsetMs += body.advanceMs;
		if (body.reset) limiter.reset();
		return ok({ limits: limiter.limits, offsetMs: limiter.offsetMs, refused: limiter.refused });
	});
	router.add('GET', '/_emulator/teams/limits', () =>
		ok({
			limits: emu.teams.channelLimiter.limits,
			offsetMs: emu.teams.channelLimiter.offsetMs,
			refused: emu.teams.channelLimiter.refused,
		}),
	);
	// Bulk Teams content for node tests and benchmarks (TeamsReads.seed; body: TeamsSeed).
	router.add('POST', '/_emulator/teams/messages/seed', async (req) => {
		const raw = await readBody(req.body, 64 * 1024 * 1024);
		try {
			const seed = (raw.length ? JSON.parse(raw.toString('utf8')) : {}) as TeamsSeed;
			return ok(emu.teams.reads.seed(seed));
		} catch (error) {
			return { status: 400, body: { error: (error as Error).message } };
		}
	});
	// Billing for the metered export APIs (teams-licenses.md): per app, default not set up.
	router.add('POST', '/_emulator/teams/metered', async (req) => {
		const body = await json<{
			appId?: string;
			billing?: boolean;
			tenant?: string;
			licensed?: boolean;
			evaluationQuota?: number;
			evaluationUsed?: number;
			reset?: boolean;
		}>(req.body);
		const reads = emu.teams.reads;
		if (body.reset) reads.resetState();
		const metered = reads.metered;
		const appId = body.appId?.toLowerCase();
		if (body.billing !== undefined) {
			if (!appId) return { status: 400, body: { error: 'appId is required with billing' } };
			if (body.billing) metered.billing.add(appId);
			else metered.billing.delete(appId);
		}
		if (body.licensed !== undefined) {
			const tenant = body.tenant ? emu.directory.findTenant(body.tenant) : emu.directory.home;
			if (!tenant) return { status: 404, body: { error: 'no such tenant' } };
			if (body.licensed) metered.licensedTenants.add(tenant.id);
			else metered.licensedTenants.delete(tenant.id);
		}
		if (body.evaluationQuota !== undefined) metered.evaluationQuota = body.evaluationQuota;
		if (body.evaluationUsed !== undefined) {
			if (!appId) return { status: 400, body: { error: 'appId is required with evaluationUsed' } };
			const tenant = body.tenant ? emu.directory.findTenant(body.tenant) : emu.directory.home;
			const month = new Date().toISOString().slice(0, 7);
			metered.evaluationUsed.set(`${appId}|${tenant?.id}|${month}`, body.evaluationUsed);
		}
		return ok(meteredView(emu));
	});
	router.add('GET', '/_emulator/teams/metered', () => ok(meteredView(emu)));
	// Protected-API access (teams-protected-apis.md): granted to every app unless revoked here.
	router.add('POST', '/_emulator/teams/protected-apis', async (req) => {
		const body = await json<{ appId?: string; granted?: boolean }>(req.body);
		if (!body.appId) return { status: 400, body: { error: 'appId is required' } };
		const revoked = emu.teams.reads.protectedApiRevoked;
		if (body.granted === false) revoked.add(body.appId.toLowerCase());
		else revoked.delete(body.appId.toLowerCase());
		return ok({ revoked: [...revoked] });
	});
	router.add('GET', '/_emulator/contract-violations', () =>
		ok({ violations: emu.contractViolations }),
	);
	// Read-only: the login service's counters (grants per kind and app, AADSTS errors), for
	// end-to-end tests that watch a separate process (e.g. an OAuth2 refresh by n8n).
	router.add('GET', '/_emulator/login/stats', () => ok(emu.login.stats));
	// Read-only views of what the workloads hold, for end-to-end tests (bytes as sha256 + size).
	const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
	router.add('GET', '/_emulator/mail/messages', (req) => {
		const user = req.query.get('user') ?? '';
		const folder = req.query.get('folder') ?? 'inbox';
		try {
			return ok({
				messages: emu.mail.messages(user, folder).map(({ attachments, ...m }) => ({
					...m,
					attachments: attachments.map(({ bytes, ...a }) => ({ ...a, sha256: sha256(bytes) })),
				})),
			});
		} catch (error) {
			return { status: 404, body: { error: (error as Error).message } };
		}
	});
	router.add('POST', '/_emulator/mail/seed', async (req) => {
		const {
			user = '',
			count = 1,
			folder = 'inbox',
			from,
		} = await json<{
			user?: string;
			count?: number;
			folder?: string;
			from?: string;
		}>(req.body);
		try {
			emu.mail.seed(user, count, folder, from);
			return ok({ total: emu.mail.messages(user, folder).length });
		} catch (error) {
			return { status: 404, body: { error: (error as Error).message } };
		}
	});
	router.add('GET', '/_emulator/teams/messages', (req) => {
		try {
			const channel = emu.teams.channel(
				req.query.get('team') ?? '',
				req.query.get('channel') ?? '',
			);
			return ok({ messages: channel.messages });
		} catch (error) {
			return { status: 404, body: { error: (error as Error).message } };
		}
	});
	// `&text=1`: a file's content as UTF-8 too (files up to 256 KiB), e.g. a CSV an example stored.
	router.add('GET', '/_emulator/drives/item', async (req) => {
		const drive = req.query.get('drive') ?? '';
		const path = req.query.get('path') ?? '';
		try {
			const item = emu.drives.item(drive, path);
			if (!item) return { status: 404, body: { error: `no item ${path} in ${drive}` } };
			const text =
				req.query.get('text') === '1' && item.file && item.file.size <= 256 * 1024
					? (await emu.drives.store.read(drive, path)).toString('utf8')
					: undefined;
			return ok({
				...(text === undefined ? {} : { text }),
				id: item.id,
				name: item.name,
				folder: Boolean(item.children),
				size: item.file?.size,
				sha256: item.file ? emu.drives.hash(drive, path) : undefined,
				children: item.children?.map((c) => c.name),
			});
		} catch (error) {
			return { status: 404, body: { error: (error as Error).message } };
		}
	});
	router.add('GET', '/_emulator/smtp/messages', () =>
		ok({
			port: emu.smtpPort,
			messages: (emu.smtp?.received ?? []).map(({ raw, ...m }) => ({
				...m,
				size: raw.length,
				raw: raw.length <= 256 * 1024 ? raw.toString('utf8') : undefined,
			})),
		}),
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

function meteredView(emu: Emulator): Record<string, unknown> {
	const m = emu.teams.reads.metered;
	return {
		billing: [...m.billing],
		licensedTenants: [...m.licensedTenants],
		evaluationQuota: m.evaluationQuota,
		evaluationUsed: Object.fromEntries(m.evaluationUsed),
	};
}
