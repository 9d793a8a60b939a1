/**
 * The real-n8n stack shared by `npm run dev` and the end-to-end tests: the package built and
 * staged as an installed community package, the Microsoft 365 emulator as its own process, and
 * n8n 2.41 (scripts/n8n-runtime.sh) with an owner account and a public API key.
 *
 * Everything talks over real sockets: n8n's REST API (what the editor uses) with the owner's
 * cookie, the public API with the key, and the emulator's admin API under /_emulator/.
 */
// Starting n8n, the emulator and npm is what this harness is for; it is not node code.
/* eslint-disable @n8n/community-nodes/no-dangerous-functions */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
	createWriteStream,
	existsSync,
	mkdirSync,
	readFileSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import * as tls from 'node:tls';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-m365';
export const DNS_PRELOAD = join(__dirname, 'dns-preload.cjs');
export const DEMO_FIXTURE = join(REPO_ROOT, 'test', 'emulator', 'fixtures', 'demo-tenant.json');
const RUNTIME = join(REPO_ROOT, 'scripts', 'n8n-runtime.sh');
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

export type Log = (message: string) => void;

export async function freePort(): Promise<number> {
	return await new Promise((resolvePort, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolvePort(port));
		});
	});
}

/** True when this process may listen on the port (e.g. 443 needs root or CAP_NET_BIND_SERVICE). */
export async function portAvailable(port: number, host = '127.0.0.1'): Promise<boolean> {
	return await new Promise((resolveAvailable) => {
		const server = createServer();
		server.once('error', () => resolveAvailable(false));
		server.listen(port, host, () => server.close(() => resolveAvailable(true)));
	});
}

/** A managed process died while something waited for it: no point in waiting longer. */
class ProcessExited extends Error {}

const sleep = async (ms: number) => await new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(
	what: string,
	probe: () => Promise<T | undefined>,
	timeoutMs: number,
	intervalMs = 250,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	while (Date.now() < deadline) {
		try {
			const value = await probe();
			if (value !== undefined) return value;
		} catch (error) {
			if (error instanceof ProcessExited) throw error;
			lastError = error;
		}
		await sleep(intervalMs);
	}
	throw new Error(
		`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
	);
}

/** `npm run build` (tsc to dist/, icons by gulp). */
export function buildPackage(log: Log): void {
	log('building the package (npm run build)');
	const result = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
	if (result.status !== 0)
		throw new Error(`npm run build failed:\n${result.stdout}\n${result.stderr}`);
}

export interface StagedPackage {
	dir: string;
	nodes: string[];
	credentials: string[];
	/** Entries of package.json's n8n section whose dist file does not exist (yet). */
	missing: string[];
}

/**
 * Stages the built package as n8n would find an installed community package: package.json
 * (its `n8n` section limited to the dist files that exist — n8n refuses a whole package when one
 * listed file is missing, and nodes land one by one), with `dist/` and `node_modules/` linked to
 * the repository's.
 */
export function stagePackage(dir: string): StagedPackage {
	const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
	const exists = (p: string) => existsSync(join(REPO_ROOT, p));
	const nodes: string[] = (manifest.n8n?.nodes ?? []).filter(exists);
	const credentials: string[] = (manifest.n8n?.credentials ?? []).filter(exists);
	const missing = [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])].filter(
		(p: string) => !exists(p),
	);
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	writeFileSync(
		join(dir, 'package.json'),
		JSON.stringify({ ...manifest, n8n: { ...manifest.n8n, nodes, credentials } }, null, '\t'),
	);
	for (const entry of ['dist', 'node_modules', 'index.js'])
		symlinkSync(join(REPO_ROOT, entry), join(dir, entry));
	return { dir, nodes, credentials, missing };
}

/**
 * The demo tenant with the n8n instance's OAuth2 callback registered as a redirect URI of every
 * app that has redirect URIs (Entra matches redirect URIs exactly; the fixture lists :5678).
 */
export function writeFixture(
	file: string,
	callbackUrls: string[],
	edit?: (fixture: any) => void,
): string {
	const fixture = JSON.parse(readFileSync(DEMO_FIXTURE, 'utf8'));
	edit?.(fixture);
	for (const tenant of fixture.tenants ?? [])
		for (const app of tenant.apps ?? [])
			if (Array.isArray(app.redirectUris))
				for (const url of callbackUrls)
					if (!app.redirectUris.includes(url)) app.redirectUris.push(url);
	writeFileSync(file, JSON.stringify(fixture, null, '\t'));
	return file;
}

/** A child process in its own process group (n8n starts task runners; tsx starts node). */
export interface Managed {
	name: string;
	child: ChildProcess;
	logFile: string;
	stop(): Promise<void>;
}

function startManaged(
	name: string,
	command: string,
	args: string[],
	options: { env: NodeJS.ProcessEnv; logFile: string; echo?: boolean; cwd?: string },
): Managed {
	const out = createWriteStream(options.logFile, { flags: 'a' });
	const child = spawn(command, args, {
		cwd: options.cwd ?? REPO_ROOT,
		env: options.env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	for (const stream of [child.stdout, child.stderr]) {
		stream?.pipe(out, { end: false });
		if (options.echo) stream?.on('data', (chunk: Buffer) => process.stdout.write(chunk));
	}
	let exited = false;
	// If this process ends without stop() (an aborted test run), take the group down with it.
	const killOnExit = () => {
		if (!exited && child.pid !== undefined)
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				// already gone
			}
	};
	process.once('exit', killOnExit);
	child.on('exit', (code, sig) => {
		out.write(`\n[${name} exited: code ${code}, signal ${sig}]\n`);
		exited = true;
		process.removeListener('exit', killOnExit);
	});
	return {
		name,
		child,
		logFile: options.logFile,
		async stop() {
			if (exited || child.pid === undefined) return;
			const group = -child.pid;
			const signal = (sig: NodeJS.Signals) => {
				try {
					process.kill(group, sig);
				} catch {
					// already gone
				}
			};
			signal('SIGTERM');
			const deadline = Date.now() + 15_000;
			while (!exited && Date.now() < deadline) await sleep(100);
			signal('SIGKILL');
			while (!exited && Date.now() < deadline + 5_000) await sleep(100);
			out.end();
		},
	};
}

function assertRunning(managed: Managed): void {
	if (managed.child.exitCode !== null || managed.child.signalCode !== null) {
		const tail = existsSync(managed.logFile)
			? readFileSync(managed.logFile, 'utf8').split('\n').slice(-40).join('\n')
			: '';
		throw new ProcessExited(
			`${managed.name} exited (${managed.child.exitCode ?? managed.child.signalCode}); log tail:\n${tail}`,
		);
	}
}

/** Trusts the emulator's CA in this process too (admin API and Graph calls from tests). */
export function trustCa(caFile: string): void {
	tls.setDefaultCACertificates([...tls.getCACertificates('default'), readFileSync(caFile, 'utf8')]);
}

/** A client of the emulator's admin API (`/_emulator/...`, JSON in and out). */
export function emulatorAdmin(url: string) {
	return async <T = any>(method: string, path: string, body?: unknown): Promise<T> => {
		const response = await fetch(`${url}/_emulator/${path.replace(/^\/+/, '')}`, {
			method,
			headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`emulator ${method} ${path}: ${response.status} ${text}`);
		return (text ? JSON.parse(text) : undefined) as T;
	};
}

export interface EmulatorProcess extends Managed {
	url: string;
	port: number;
	/** The SMTP submission endpoint (STARTTLS, XOAUTH2) on 127.0.0.1. */
	smtpPort: number;
	caFile: string;
	admin<T = any>(method: string, path: string, body?: unknown): Promise<T>;
}

export async function startEmulatorProcess(options: {
	port: number;
	fixture: string;
	logFile: string;
	echo?: boolean;
}): Promise<EmulatorProcess> {
	const args = [
		join(__dirname, 'emulator-process.ts'),
		'--port',
		String(options.port),
		'--fixture',
		options.fixture,
	];
	const managed = startManaged('emulator', TSX, args, {
		env: { ...process.env },
		logFile: options.logFile,
		echo: options.echo,
	});
	const caFile = await waitFor(
		'the emulator to print its CA file',
		async () => {
			assertRunning(managed);
			const text = existsSync(options.logFile) ? readFileSync(options.logFile, 'utf8') : '';
			return /NODE_EXTRA_CA_CERTS=(\S+)/.exec(text)?.[1];
		},
		60_000,
	);
	trustCa(caFile);
	const smtpPort = Number(/SMTP port (\d+)/.exec(readFileSync(options.logFile, 'utf8'))?.[1] ?? 0);
	const url = options.port === 443 ? 'https://127.0.0.1' : `https://127.0.0.1:${options.port}`;
	const admin = emulatorAdmin(url);
	await waitFor('the emulator health check', async () => (await admin('GET', 'health')).ok, 30_000);
	return Object.assign(managed, { url, port: options.port, smtpPort, caFile, admin });
}

/**
 * Port 443 on a loopback address of its own (127.x.y.z) forwarded to the emulator, for
 * Microsoft's host names; undefined when no such address can take port 443 (no root).
 */
export async function startPort443Forwarder(options: {
	targetPort: number;
	/** Also forward port 587 (SMTP submission) to this port. */
	smtpPort?: number;
	logFile: string;
}): Promise<(Managed & { address: string }) | undefined> {
	for (let attempt = 0; attempt < 5; attempt++) {
		const address = `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
		if (!(await portAvailable(443, address))) continue;
		const pairs = [`443:${options.targetPort}`];
		if (options.smtpPort) pairs.push(`587:${options.smtpPort}`);
		const managed = startManaged(
			'port-443 forwarder',
			process.execPath,
			[join(__dirname, 'forward.cjs'), address, ...pairs],
			{ env: { ...process.env }, logFile: options.logFile },
		);
		const ready = await waitFor(
			'the port-443 forwarder',
			async () => {
				assertRunning(managed);
				const text = existsSync(options.logFile) ? readFileSync(options.logFile, 'utf8') : '';
				return text.includes('forwarding') ? true : undefined;
			},
			10_000,
			100,
		).catch(() => false);
		if (ready) return Object.assign(managed, { address });
		await managed.stop();
	}
	return undefined;
}

export interface N8nProcess extends Managed {
	url: string;
	port: number;
	userFolder: string;
}

export async function startN8nProcess(options: {
	port: number;
	brokerPort: number;
	userFolder: string;
	caFile?: string;
	/** Map Microsoft's host names to this address in the n8n process (DNS-lookup preload). */
	hostMapping?: string;
	env?: NodeJS.ProcessEnv;
	logFile: string;
	echo?: boolean;
	editorBaseUrl?: string;
}): Promise<N8nProcess> {
	const url = `http://127.0.0.1:${options.port}`;
	const nodeOptions = [process.env.NODE_OPTIONS ?? ''];
	if (options.hostMapping) nodeOptions.push(`--require ${DNS_PRELOAD}`);
	const env: NodeJS.ProcessEnv = {
		...process.env,
		...(options.hostMapping ? { M365_EMULATOR_ADDRESS: options.hostMapping } : {}),
		NODE_OPTIONS: nodeOptions.join(' ').trim(),
		N8N_EDITOR_BASE_URL: options.editorBaseUrl ?? url,
		N8N_WEBHOOK_URL: `${options.editorBaseUrl ?? url}/`,
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
		N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL ?? 'warn',
		N8N_RUNNERS_ENABLED: 'true',
		...(options.caFile ? { NODE_EXTRA_CA_CERTS: options.caFile } : {}),
		...options.env,
	};
	// Variables from a surrounding jest or n8n must not leak into this instance (with jest's
	// NODE_ENV=test, n8n exits at start without a word).
	delete env.N8N_USER_FOLDER;
	delete env.JEST_WORKER_ID;
	delete env.NODE_ENV;
	const managed = startManaged(
		'n8n',
		'bash',
		[
			RUNTIME,
			'start',
			'--user-folder',
			options.userFolder,
			'--port',
			String(options.port),
			'--broker-port',
			String(options.brokerPort),
		],
		{ env, logFile: options.logFile, echo: options.echo },
	);
	await waitFor(
		'n8n /healthz/readiness',
		async () => {
			assertRunning(managed);
			const response = await fetch(`${url}/healthz/readiness`);
			return response.ok ? true : undefined;
		},
		240_000,
		500,
	);
	return Object.assign(managed, { url, port: options.port, userFolder: options.userFolder });
}

export function linkPackage(userFolder: string, packageDir: string): void {
	const result = spawnSync('bash', [RUNTIME, 'link-package', userFolder, packageDir], {
		encoding: 'utf8',
	});
	if (result.status !== 0) throw new Error(`link-package failed: ${result.stderr}`);
}

export function ensureRuntime(log: Log): void {
	const probe = spawnSync('bash', [RUNTIME, 'path'], { encoding: 'utf8' });
	if (probe.status === 0) return;
	log('installing the n8n runtime (first time only: ~4-7 min, ~3 GB)');
	const result = spawnSync('bash', [RUNTIME, 'install'], { stdio: 'inherit' });
	if (result.status !== 0) throw new Error('scripts/n8n-runtime.sh install failed');
}

export interface Owner {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

export const DEFAULT_OWNER: Owner = {
	email: 'owner@example.com',
	password: 'Demo-Owner-1',
	firstName: 'Demo',
	lastName: 'Owner',
};

export class N8nError extends Error {
	constructor(
		message: string,
		readonly status: number,
		readonly body: unknown,
	) {
		super(message);
	}
}

/** n8n's REST API (the editor's, with the owner's cookie) and its public API (with a key). */
export class N8nClient {
	cookie = '';
	apiKey = '';

	constructor(readonly url: string) {}

	async request(
		method: string,
		path: string,
		body?: unknown,
		headers: Record<string, string> = {},
	): Promise<{ status: number; body: any; headers: Headers }> {
		const response = await fetch(`${this.url}${path}`, {
			method,
			redirect: 'manual',
			headers: {
				...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
				...(this.cookie ? { Cookie: this.cookie } : {}),
				...headers,
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		let parsed: unknown = text;
		try {
			parsed = text ? JSON.parse(text) : undefined;
		} catch {
			// not JSON (HTML pages)
		}
		const setCookie = response.headers.getSetCookie?.() ?? [];
		const auth = setCookie.find((c) => c.startsWith('n8n-auth='));
		if (auth) this.cookie = auth.split(';')[0];
		return { status: response.status, body: parsed, headers: response.headers };
	}

	/** REST call (`/rest/...`): returns `data`, throws on an error status. */
	async rest<T = any>(method: string, path: string, body?: unknown): Promise<T> {
		const res = await this.request(method, `/rest${path}`, body);
		if (res.status >= 400)
			throw new N8nError(
				`n8n ${method} /rest${path}: ${res.status} ${JSON.stringify(res.body)}`,
				res.status,
				res.body,
			);
		return (res.body as { data: T })?.data;
	}

	/** Public API call (`/api/v1/...`) with the API key. */
	async api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
		const res = await this.request(method, `/api/v1${path}`, body, {
			'X-N8N-API-KEY': this.apiKey,
		});
		if (res.status >= 400)
			throw new N8nError(
				`n8n ${method} /api/v1${path}: ${res.status} ${JSON.stringify(res.body)}`,
				res.status,
				res.body,
			);
		return res.body as T;
	}

	async setupOwner(owner: Owner = DEFAULT_OWNER): Promise<void> {
		const res = await this.request('POST', '/rest/owner/setup', owner);
		if (res.status >= 400) await this.login(owner);
	}

	async login(owner: Owner = DEFAULT_OWNER): Promise<void> {
		await this.rest('POST', '/login', {
			emailOrLdapLoginId: owner.email,
			password: owner.password,
		});
	}

	async createApiKey(label = 'e2e'): Promise<string> {
		const scopes = await this.rest<string[]>('GET', '/api-keys/scopes');
		const key = await this.rest<{ rawApiKey: string }>('POST', '/api-keys', {
			label,
			scopes,
			expiresAt: null,
		});
		this.apiKey = key.rawApiKey;
		return this.apiKey;
	}

	async createCredential(
		name: string,
		type: string,
		data: Record<string, unknown>,
	): Promise<{ id: string; name: string }> {
		return await this.rest('POST', '/credentials', { name, type, data });
	}

	/** `POST /rest/credentials/test`: n8n's "Test" button (the credential's own or a node's test). */
	async testCredential(
		id: string,
		type: string,
		data: Record<string, unknown>,
	): Promise<{ status: 'OK' | 'Error'; message: string }> {
		return await this.rest('POST', '/credentials/test', {
			credentials: { id, name: 'test', type, data },
		});
	}

	async createWorkflow(workflow: WorkflowJson): Promise<{ id: string; name: string }> {
		const { id: _ignored, ...rest } = workflow as WorkflowJson & { id?: string };
		void _ignored;
		return await this.rest('POST', '/workflows', {
			settings: { executionOrder: 'v1' },
			...rest,
			active: false,
		});
	}

	/**
	 * Runs a workflow as the editor's "Execute workflow" button does (`POST /rest/workflows/:id/run`
	 * from a trigger), then waits for the saved execution through the public API.
	 */
	async runWorkflow(id: string, trigger: string, timeoutMs = 180_000): Promise<Execution> {
		const result = await this.rest<{ executionId?: string; waitingForWebhook?: boolean }>(
			'POST',
			`/workflows/${id}/run`,
			{ triggerToStartFrom: { name: trigger } },
		);
		if (!result?.executionId)
			throw new Error(`workflow ${id} did not start an execution: ${JSON.stringify(result)}`);
		return await this.waitForExecution(result.executionId, timeoutMs);
	}

	async waitForExecution(executionId: string, timeoutMs = 180_000): Promise<Execution> {
		return await waitFor(
			`execution ${executionId}`,
			async () => {
				const res = await this.request(
					'GET',
					`/api/v1/executions/${executionId}?includeData=true`,
					undefined,
					{ 'X-N8N-API-KEY': this.apiKey },
				);
				if (res.status === 404) return undefined;
				const execution = res.body as Execution;
				return ['new', 'running', 'waiting'].includes(execution.status) ? undefined : execution;
			},
			timeoutMs,
			300,
		);
	}
}

export interface WorkflowJson {
	name: string;
	nodes: Array<Record<string, any>>;
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	pinData?: Record<string, unknown>;
	[key: string]: unknown;
}

export interface Execution {
	id: string;
	status: string;
	finished: boolean;
	data?: {
		resultData: {
			runData: Record<
				string,
				Array<{
					executionStatus?: string;
					error?: { message?: string; description?: string; [k: string]: unknown };
					data?: { main?: Array<Array<{ json: any; binary?: Record<string, any> }> | null> };
				}>
			>;
			error?: { message?: string; description?: string; node?: { name?: string } };
			lastNodeExecuted?: string;
		};
	};
}

/** The output items (json) of a node's first run, main output 0 (or `output`). */
export function nodeOutput(execution: Execution, node: string, output = 0): any[] {
	const run = execution.data?.resultData.runData[node]?.[0];
	return (run?.data?.main?.[output] ?? []).map((item) => item.json);
}

/** The error of a failed execution (the failing node's error), for assertions and messages. */
export function executionError(execution: Execution): string {
	const error = execution.data?.resultData.error;
	return error ? `${error.message ?? ''} ${error.description ?? ''}`.trim() : '';
}

/** Reads the demo-tenant fixture (apps, secrets, users) for credentials the stack creates. */
export function demoTenant(): {
	tenantId: string;
	domains: string[];
	apps: Array<{
		appId: string;
		displayName: string;
		secrets?: Array<{ id: string; value: string; expires: string }>;
		certificates?: Array<{ id: string }>;
	}>;
} {
	return JSON.parse(readFileSync(DEMO_FIXTURE, 'utf8')).tenants[0];
}

export function demoApp(displayName: string) {
	const app = demoTenant().apps.find((a) => a.displayName === displayName);
	if (!app) throw new Error(`no app "${displayName}" in the demo tenant`);
	return app;
}
