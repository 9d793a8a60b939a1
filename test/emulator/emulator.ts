/**
 * The Microsoft 365 emulator: login service, Graph and an admin API on one HTTPS server.
 * Start it in-process with `startEmulator()` (random port) or from the command line (`npm run emulator`).
 */
import { createServer, Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable, Transform } from 'node:stream';
import type { AddressInfo, Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateGraphBody } from '../contract/contract';
import {
	EmuRequest,
	EmuResponse,
	Faults,
	FaultRule,
	newRequestId,
	redactHeaders,
	RequestLogEntry,
	Router,
	sendResponse,
} from './http';
import { SigningKey } from './jwt';
import { Directory, EmulatorFixture } from './tenant';
import { TokenService } from './tokens';
import { GraphService, graphErrorResponse, servesBeta } from './graph/service';
import { registerGraphCore } from './graph/core';
import { registerApplications } from './graph/applications';
import { registerBatch } from './graph/batch';
import { registerDirectory } from './graph/directory';
import { MailService, registerMail } from './graph/mail';
import { CalendarService, registerCalendar, registerCalendarAdmin } from './graph/calendar';
import { registerScheduling } from './graph/scheduling';
import { registerPlaces } from './graph/places';
import { SmtpEmulator } from './smtp';
import { registerTeams, TeamsService } from './graph/teams';
import { DrivesService, registerDrives } from './graph/drives';
import { LoginService } from './login/service';
import { registerAdmin } from './admin';
import { LatencyModel, LatencyModelSettings, registerLatencyModelAdmin } from './latency-model';
import { issueServerCertificate, loadOrCreateCa } from './tls';
import {
	ManagedIdentityService,
	registerManagedIdentityAdmin,
	type ManagedIdentityOptions,
} from './identity/managed-identity';
import { OidcIssuers, registerOidcAdmin } from './identity/oidc-issuer';
import { registerScopingAdmin, ScopingService } from './scoping';

export interface EmulatorOptions {
	/** Port to listen on (0: a free port). */
	port?: number;
	host?: string;
	/** Tenant fixture: an object, or a JSON file path. Default: the demo tenant. */
	fixture?: EmulatorFixture | string;
	/** Directory holding the CA (`ca.pem`, `ca-key.pem`); created on first use. */
	stateDir?: string;
	/** Access-token lifetime in seconds, or a [min, max] range (default 3600-5400, as Entra). */
	accessTokenLifetime?: number | [number, number];
	/** Refresh-token lifetime in seconds (default 90 days). */
	refreshTokenLifetime?: number;
	/** Seed of the random sequence used by ratio faults. */
	seed?: number;
	/** Record Graph response bodies that fail the CSDL contract (default true). */
	checkContracts?: boolean;
	/** Extra DNS names for the server certificate. */
	hostNames?: string[];
	/** Also start the SMTP submission endpoint (STARTTLS, XOAUTH2) on a free port, or on `port`. */
	smtp?: boolean | { port?: number };
	/** The benchmarks' latency model (`latency-model.ts`): `true` for its defaults; off by default. */
	latencyModel?: boolean | Partial<LatencyModelSettings>;
	/** The managed identity endpoint (plain HTTP, loopback): its port and App Service IDENTITY_HEADER. */
	managedIdentity?: ManagedIdentityOptions;
}

export interface ContractViolation {
	method: string;
	url: string;
	type?: string;
	errors: string[];
}

export const DEMO_FIXTURE = join(__dirname, 'fixtures', 'demo-tenant.json');

export class Emulator {
	readonly faults: Faults;
	readonly log: RequestLogEntry[] = [];
	readonly contractViolations: ContractViolation[] = [];
	readonly directory: Directory;
	readonly tokens: TokenService;
	readonly graph: GraphService;
	readonly login: LoginService;
	/** Exchange app access policies and RBAC for Applications, Conditional Access blocks, mailbox licences (`scoping.ts`). */
	readonly scoping = new ScopingService();
	/** SharePoint sites, drives and upload sessions; test accessors `read`, `hash`, `item`. */
	readonly drives: DrivesService;
	/** Realistic latency for benchmarks (`latency-model.ts`); off unless enabled. */
	readonly latencyModel: LatencyModel;
	/** Teams, channels, chats, messages and Workflows webhooks; test accessors `channel`, `createWebhook`, `deliveries`. */
	readonly teams: TeamsService;
	/** Exchange mailboxes (`mail.ts`); test accessors `messages`, `mailbox`, `seed`, `maxConcurrency`. */
	readonly mail: MailService;
	/** Exchange calendars (`graph/calendar.ts`); test API `createEvent`, `updateEvent`, `deleteEvent`, `cancelEvent`, `events`, `calendars`, `seedEvents`, `expireDeltaTokens`. */
	readonly calendar: CalendarService;
	/** Managed identity endpoints (App Service, IMDS, Azure Arc) on their own HTTP port. */
	readonly managedIdentity: ManagedIdentityService;
	/** Test OIDC issuers for workload identity federation (`k8s` from the start). */
	readonly oidc: OidcIssuers;
	/** The SMTP endpoint when started with `smtp` (received messages, auth attempts). */
	smtp?: SmtpEmulator;
	smtpPort = 0;
	readonly caFile: string;
	readonly caPem: string;
	private readonly admin = new Router();
	private readonly server: Server;
	private readonly sockets = new Set<Socket>();
	private seq = 0;
	url = '';

	constructor(readonly options: EmulatorOptions = {}) {
		const fixture: EmulatorFixture =
			typeof options.fixture === 'object'
				? options.fixture
				: JSON.parse(readFileSync(options.fixture ?? DEMO_FIXTURE, 'utf8'));
		this.directory = new Directory(structuredClone(fixture));
		this.faults = new Faults(options.seed);
		this.tokens = new TokenService(new SigningKey());
		this.graph = new GraphService(this.directory, this.tokens);
		this.graph.scoping = this.scoping;
		this.login = new LoginService(this);
		this.oidc = new OidcIssuers(this);
		this.managedIdentity = new ManagedIdentityService(this, options.managedIdentity);
		registerGraphCore(this.graph);
		this.drives = registerDrives(this.graph, this);
		registerApplications(this.graph);
		registerBatch(this.graph, this);
		registerDirectory(this.graph, this);
		this.mail = registerMail(this.graph, this);
		this.calendar = registerCalendar(this.graph, this, this.mail);
		registerScheduling(this.graph, this.calendar, this.mail);
		registerPlaces(this.graph);
		this.teams = registerTeams(this.graph, this);
		registerAdmin(this.admin, this);
		registerOidcAdmin(this.admin, this.oidc);
		registerManagedIdentityAdmin(this.admin, this.managedIdentity);
		registerScopingAdmin(this.admin, this);
		registerCalendarAdmin(this.admin, this.calendar);
		this.latencyModel = new LatencyModel(options.latencyModel);
		registerLatencyModelAdmin(this.admin, this.latencyModel);
		const ca = loadOrCreateCa(options.stateDir);
		this.caFile = ca.certFile;
		this.caPem = ca.certPem;
		const cert = issueServerCertificate(ca, options.hostNames);
		if (options.smtp)
			this.smtp = new SmtpEmulator(this.directory, this.tokens, {
				key: cert.keyPem,
				cert: cert.certPem,
			});
		this.server = createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
			void this.onRequest(req, res);
		});
		this.server.on('connection', (socket: Socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		this.server.keepAliveTimeout = 30_000;
	}

	async start(): Promise<this> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
		});
		const address = this.server.address() as AddressInfo;
		const host = address.address.includes(':') ? `[${address.address}]` : address.address;
		this.url = address.port === 443 ? `https://${host}` : `https://${host}:${address.port}`;
		await this.managedIdentity.start();
		if (this.smtp)
			this.smtpPort = await this.smtp.listen(
				typeof this.options.smtp === 'object' ? this.options.smtp.port : 0,
				this.options.host ?? '127.0.0.1',
			);
		return this;
	}

	async close(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
		await this.drives.close();
		await this.smtp?.close();
		await this.managedIdentity.close();
	}

	get port(): number {
		return (this.server.address() as AddressInfo).port;
	}

	/** `https://127.0.0.1:port/v1.0` */
	get graphUrl(): string {
		return `${this.url}/v1.0`;
	}

	/** The login authority for a tenant segment (ID, domain, `common`, `organizations`). */
	authority(tenant: string = this.directory.home.id): string {
		return `${this.url}/${tenant}`;
	}

	/** Log entries since a sequence number (from `mark()`). */
	since(mark: number): RequestLogEntry[] {
		return this.log.filter((e) => e.seq > mark);
	}

	mark(): number {
		return this.seq;
	}

	addFault(rule: FaultRule): string {
		return this.faults.add(rule);
	}

	private accessTokenLifetime(): number {
		const setting = this.options.accessTokenLifetime ?? [3600, 5400];
		if (typeof setting === 'number') return setting;
		return Math.round(setting[0] + Math.random() * (setting[1] - setting[0]));
	}

	get tokenLifetimeSeconds(): number {
		return this.accessTokenLifetime();
	}

	newLogEntry(
		method: string,
		host: string,
		url: string,
		headers: Record<string, string>,
		batchSeq?: number,
	): RequestLogEntry {
		const entry: RequestLogEntry = {
			seq: ++this.seq,
			time: new Date().toISOString(),
			method,
			host,
			url,
			headers: redactHeaders(headers),
			hasAuthorization: Object.keys(headers).some((h) => h.toLowerCase() === 'authorization'),
			requestBytes: 0,
			responseBytes: 0,
			handled: false,
			requestId: newRequestId(),
			batchSeq,
		};
		this.log.push(entry);
		return entry;
	}

	private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const started = Date.now();
		const hostHeader = (req.headers.host ?? '').toLowerCase();
		const host = hostHeader.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
		const rawUrl = req.url ?? '/';
		const parsed = new URL(rawUrl, 'https://emulator');
		const log = this.newLogEntry(
			req.method ?? 'GET',
			host,
			rawUrl,
			req.headers as Record<string, string>,
		);
		// The body is counted as it passes through; piping keeps back-pressure, so a body nobody
		// reads yet (a request waiting out injected latency) waits instead of being lost.
		const body = req.pipe(
			new Transform({
				transform(chunk: Buffer, _encoding, done) {
					log.requestBytes += chunk.length;
					done(null, chunk);
				},
			}),
		);
		// A client that drops the connection mid-body ('aborted') fails whoever is reading the body;
		// with nobody reading it yet, the error must not go unhandled.
		req.on('error', (error) => body.destroy(error));
		body.on('error', () => undefined);
		const emuReq: EmuRequest = {
			method: (req.method ?? 'GET').toUpperCase(),
			host,
			path: parsed.pathname,
			query: parsed.searchParams,
			url: rawUrl,
			headers: req.headers,
			body,
			baseUrl: hostHeader ? `https://${hostHeader}` : this.url,
			requestId: log.requestId,
			log,
		};
		res.on('finish', () => {
			// A body the handler did not read (a refusal before it) is drained, as Node would.
			body.resume();
			log.durationMs = Date.now() - started;
		});
		try {
			if (emuReq.path.startsWith('/_emulator/')) {
				const match = this.admin.match(emuReq.method, emuReq.path);
				const response =
					match && match !== 'method'
						? await match.handler(emuReq, match.params)
						: { status: 404, body: { error: 'unknown admin path' } };
				log.handled = true;
				sendResponse(res, response, log);
				return;
			}
			const response = await this.dispatch(emuReq, false);
			if (response === 'reset') {
				log.status = 0;
				req.socket.destroy();
				return;
			}
			sendResponse(res, response, log);
		} catch (error) {
			log.fault = `emulator error: ${(error as Error).message}`;
			if (!res.headersSent) {
				sendResponse(
					res,
					graphErrorResponse(
						emuReq,
						500,
						'InternalServerError',
						`Emulator error: ${(error as Error).message}`,
					),
					log,
				);
			} else {
				res.destroy();
			}
		}
	}

	/**
	 * Serves a login or Graph request after faults and latency; also used for $batch members.
	 * Returns 'reset' when the connection must be dropped.
	 */
	async dispatch(req: EmuRequest, batchMember: boolean): Promise<EmuResponse | 'reset'> {
		const rules = this.faults.take(req.method, req.host, req.path, batchMember);
		const latency =
			this.faults.latencyMs +
			rules.filter((r) => r.kind === 'latency').reduce((n, r) => n + (r.latencyMs ?? 0), 0);
		if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
		// No await unless the model is on: the request body is already flowing (the byte counter's
		// 'data' listener), and chunks emitted while this yields would be lost to the handler.
		if (this.latencyModel.settings.enabled) await this.latencyModel.beforeRequest(req, batchMember);
		const status = rules.find((r) => r.kind === 'status');
		if (status) {
			const code = status.status ?? 429;
			req.log.fault = `status ${code}`;
			const retryAfter = status.retryAfter === undefined ? 1 : status.retryAfter;
			const headers: Record<string, string> =
				retryAfter === null ? {} : { 'Retry-After': String(retryAfter) };
			const errorCode =
				status.code ??
				(code === 429
					? 'TooManyRequests'
					: code === 503
						? 'ServiceUnavailable'
						: code === 504
							? 'GatewayTimeout'
							: 'InternalServerError');
			const message =
				code === 429 ? 'Too many requests' : 'The service is temporarily unavailable.';
			if (!Buffer.isBuffer(req.body)) req.body.resume();
			return graphErrorResponse(req, code, errorCode, message, headers);
		}
		if (!batchMember && rules.some((r) => r.kind === 'reset-before')) {
			const rule = rules.find((r) => r.kind === 'reset-before')!;
			req.log.fault = 'reset before handler';
			const length = Number(req.headers['content-length'] ?? 0);
			const after = rule.afterBytes ?? Math.floor(length / 2);
			await new Promise<void>((resolve) => {
				let read = 0;
				const body = req.body as Readable;
				if (read >= after || body.readableEnded) return resolve();
				body.on('data', (chunk: Buffer) => {
					read += chunk.length;
					if (read >= after) resolve();
				});
				body.on('end', () => resolve());
			});
			return 'reset';
		}
		const resetAfter = !batchMember && rules.some((r) => r.kind === 'reset-after');
		let response: EmuResponse;
		if (/^\/v1\.0(\/|$)/i.test(req.path) || servesBeta(req.method, req.path)) {
			response = await this.graph.dispatch(req);
			await this.latencyModel.afterGraph(req, response);
			this.checkContract(req, response);
		} else if (this.teams.isWebhookPath(req.path)) {
			// Teams Workflows webhook URLs: the `sig` query parameter authorises, no bearer token.
			response = await this.teams.serveWebhook(req);
		} else if (this.mail.isPreauthenticatedPath(req.path)) {
			// Pre-authenticated Outlook URLs (attachment upload sessions): no bearer token.
			response = await this.mail.servePreauthenticated(req);
		} else if (this.drives.isPreauthenticatedPath(req.path)) {
			// Pre-authenticated SharePoint URLs (upload sessions, downloads): no bearer token.
			response = await this.drives.servePreauthenticated(req);
		} else {
			response = await this.login.dispatch(req);
		}
		if (resetAfter) {
			req.log.fault = 'reset after handler';
			return 'reset';
		}
		return response;
	}

	private checkContract(req: EmuRequest, response: EmuResponse): void {
		if (this.options.checkContracts === false) return;
		const body = response.body;
		if (
			body === undefined ||
			Buffer.isBuffer(body) ||
			typeof body !== 'object' ||
			body === null ||
			'pipe' in body
		)
			return;
		let errors: string[];
		if (response.status >= 400) {
			const error = (body as { error?: Record<string, unknown> }).error;
			const inner = error?.innerError as Record<string, unknown> | undefined;
			errors =
				typeof error?.code === 'string' &&
				typeof error?.message === 'string' &&
				typeof inner?.['request-id'] === 'string' &&
				typeof inner?.date === 'string'
					? []
					: ['error body is not { error: { code, message, innerError: { date, request-id } } }'];
		} else if (response.contractType === '$batch') {
			errors = []; // the batch envelope is not a CSDL type; each member was checked on its own
		} else if (!response.contractType) {
			errors = ['the emulator declared no contract type for this JSON body'];
		} else {
			errors = validateGraphBody(response.contractType, body);
		}
		if (errors.length)
			this.contractViolations.push({
				method: req.method,
				url: req.url,
				type: response.contractType,
				errors,
			});
	}
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	return new Emulator(options).start();
}
