/**
 * Outbound HTTP proxies for everything the package sends: Graph requests (the terminal handler
 * of the Graph SDK chain), pre-authenticated upload/download URLs, msal's token requests and
 * nodemailer's SMTP connection.
 *
 * The rules are n8n's own. n8n 2.41 routes its nodes' requests (`helpers.httpRequest`, n8n-core
 * 2.41.1 → @n8n/backend-network 1.15.1) through `EnvProxyHttpAgent`/`EnvProxyHttpsAgent`, whose
 * `EnvProxyRouter.resolve` asks proxy-from-env 1.1.0's `getProxyForUrl(scheme://host[:port])` on
 * every request, and at start installs the same agents as `http`/`https.globalAgent`
 * (`installGlobalProxyAgent`). It installs no undici dispatcher, so the global `fetch` (which this
 * package and msal-node use) never sees a proxy; hence this module. `proxyForUrl` is a copy of
 * `getProxyForUrl`:
 *
 * - the proxy for an `https:` URL is `https_proxy`, else `all_proxy` (for `http:`: `http_proxy`,
 *   else `all_proxy`); each name lower-case first, then upper-case; npm's `npm_config_<scheme>_proxy`
 *   and `npm_config_proxy` come first and third, as in proxy-from-env 1.1.0. A proxy without a
 *   scheme gets the URL's scheme.
 * - `NO_PROXY` (`npm_config_no_proxy`, `no_proxy`, `NO_PROXY`; case-insensitive): `*` alone turns
 *   the proxy off; otherwise entries separated by commas or white space, each `name` or
 *   `name:port` (then only that port matches). A name starting with `.` or `*` matches as a
 *   suffix (`.example.com` and `*.example.com` cover `a.example.com`; `*example.com` also covers
 *   `myexample.com`); any other name matches only exactly (`example.com` does not cover
 *   `www.example.com`). IP addresses are compared as text; there are no CIDR ranges.
 *
 * The environment is read on every request, as n8n does, so a change (or a test setting the
 * variables) applies to the next request. One undici `ProxyAgent` per proxy URL is kept for the
 * process (keep-alive tunnels are reused). Requests with no proxy go through the global `fetch`
 * exactly as before.
 */
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { fetch as undiciFetch, ProxyAgent } from 'undici';

const DEFAULT_PORTS: Record<string, number> = {
	ftp: 21,
	gopher: 70,
	http: 80,
	https: 443,
	ws: 80,
	wss: 443,
};

type Env = Record<string, string | undefined>;

function getEnv(env: Env, key: string): string {
	return env[key.toLowerCase()] || env[key.toUpperCase()] || '';
}

/** Whether a request to `hostname` (as in URL.host without the port) and `port` goes through a proxy, by NO_PROXY. */
export function shouldProxy(hostname: string, port: number, env: Env = process.env): boolean {
	const noProxy = (getEnv(env, 'npm_config_no_proxy') || getEnv(env, 'no_proxy')).toLowerCase();
	if (!noProxy) return true;
	if (noProxy === '*') return false;
	const host = hostname.toLowerCase();
	return noProxy.split(/[,\s]/).every((entry) => {
		if (!entry) return true;
		const withPort = entry.match(/^(.+):(\d+)$/);
		let name = withPort ? withPort[1] : entry;
		const entryPort = withPort ? parseInt(withPort[2], 10) : 0;
		if (entryPort && entryPort !== port) return true;
		if (!/^[.*]/.test(name)) return host !== name;
		if (name.startsWith('*')) name = name.slice(1);
		return !host.endsWith(name);
	});
}

/**
 * The proxy URL for a request to `target`, or undefined for a direct connection — n8n's
 * `getProxyForUrl` (see the header).
 */
export function proxyForUrl(target: string | URL, env: Env = process.env): string | undefined {
	let url: URL;
	try {
		url = typeof target === 'string' ? new URL(target) : target;
	} catch {
		return undefined;
	}
	const scheme = url.protocol.replace(/:$/, '');
	if (!url.host || !scheme) return undefined;
	// URL.host keeps the brackets of an IPv6 address; the port is stripped as n8n does.
	const hostname = url.host.replace(/:\d*$/, '');
	const port = parseInt(url.port, 10) || DEFAULT_PORTS[scheme] || 0;
	if (!shouldProxy(hostname, port, env)) return undefined;
	let proxy =
		getEnv(env, `npm_config_${scheme}_proxy`) ||
		getEnv(env, `${scheme}_proxy`) ||
		getEnv(env, 'npm_config_proxy') ||
		getEnv(env, 'all_proxy');
	if (!proxy) return undefined;
	if (!proxy.includes('://')) proxy = `${scheme}://${proxy}`;
	return proxy;
}

/**
 * The HTTP CONNECT proxy for an SMTP connection to `host:port` (nodemailer's `proxy` option):
 * what an `https:` request to that host and port would use (HTTPS_PROXY, else ALL_PROXY), else
 * HTTP_PROXY; none when NO_PROXY matches the host (and port).
 */
export function proxyForSmtp(
	host: string,
	port: number,
	env: Env = process.env,
): string | undefined {
	const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
	let url: URL;
	try {
		url = new URL(`https://${bracketed}:${port}`);
	} catch {
		return undefined;
	}
	const hostname = url.host.replace(/:\d*$/, '');
	if (!shouldProxy(hostname, port, env)) return undefined;
	return proxyForUrl(url, env) ?? proxyForUrl(`http://${bracketed}:${port}`, env);
}

/** A proxy URL without its user name and password, for messages. */
export function describeProxy(proxyUrl: string): string {
	try {
		const url = new URL(proxyUrl);
		return `${url.protocol}//${url.host}`;
	} catch {
		return 'the configured proxy';
	}
}

/** Only HTTP CONNECT proxies (reached over http: or https:) are supported. */
export function assertSupportedProxy(proxyUrl: string): void {
	let protocol = '';
	try {
		protocol = new URL(proxyUrl).protocol;
	} catch {
		// reported below
	}
	if (protocol !== 'http:' && protocol !== 'https:') {
		throw new Error(
			`The proxy set in the environment (HTTPS_PROXY, HTTP_PROXY or ALL_PROXY) must be an http:// or https:// URL; got ${protocol ? `a ${protocol.replace(/:$/, '')} URL` : 'an invalid URL'}. Set NO_PROXY to bypass it for Microsoft's hosts, or use an HTTP CONNECT proxy.`,
		);
	}
}

const MAX_AGENTS = 64;
const agents = new Map<string, ProxyAgent>();

/** The process's undici ProxyAgent for `proxyUrl` (keep-alive tunnels, reused). */
export function proxyAgentFor(proxyUrl: string): ProxyAgent {
	let agent = agents.get(proxyUrl);
	if (agent) return agent;
	assertSupportedProxy(proxyUrl);
	if (agents.size >= MAX_AGENTS) {
		const [oldestUrl, oldest] = agents.entries().next().value as [string, ProxyAgent];
		agents.delete(oldestUrl);
		void oldest.close().catch(() => undefined);
	}
	agent = new ProxyAgent({ uri: proxyUrl });
	agents.set(proxyUrl, agent);
	return agent;
}

/** Closes the kept proxy agents and their tunnels (tests; a later request opens new ones). */
export async function closeProxyAgents(): Promise<void> {
	const all = [...agents.values()];
	agents.clear();
	await Promise.all(all.map(async (agent) => await agent.close().catch(() => undefined)));
}

function urlOf(input: Parameters<typeof fetch>[0]): string {
	if (typeof input === 'string') return input;
	if (input instanceof URL) return input.href;
	return input.url;
}

/**
 * `fetch` with the environment's proxy: the global fetch when no proxy applies to the URL,
 * otherwise undici's fetch through the proxy's ProxyAgent (HTTP CONNECT tunnel, TLS to the
 * target inside it). Same options, same Response interface.
 */
export async function proxyFetch(
	input: Parameters<typeof fetch>[0],
	init?: RequestInit,
): Promise<Response> {
	const url = urlOf(input);
	const proxy = proxyForUrl(url);
	if (!proxy) return await globalThis.fetch(input, init);
	const dispatcher = proxyAgentFor(proxy);
	let options: Record<string, unknown> = { ...(init ?? {}) };
	if (typeof input !== 'string' && !(input instanceof URL)) {
		// A Request object of the global fetch: undici's fetch takes only its own, so pass its parts.
		options = {
			method: input.method,
			headers: input.headers,
			body: input.body ?? undefined,
			...(input.body ? { duplex: 'half' } : {}),
			redirect: input.redirect,
			signal: input.signal,
			...options,
		};
	}
	const response = await undiciFetch(url, {
		...(options as Parameters<typeof undiciFetch>[1]),
		dispatcher,
	});
	return response as unknown as Response;
}

/**
 * The Graph SDK chain's terminal handler: the SDK's HTTPMessageHandler (`fetch(context.request,
 * context.options)`) over `proxyFetch`.
 */
export class ProxyAwareHttpMessageHandler implements Middleware {
	async execute(context: Context): Promise<void> {
		context.response = await proxyFetch(context.request, context.options as RequestInit);
	}
}
