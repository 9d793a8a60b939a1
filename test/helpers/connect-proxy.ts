/**
 * Test tools for proxy paths: an HTTP CONNECT proxy on loopback that maps host names to local
 * ports (Microsoft's names to the emulator), counts tunnels per target and may refuse some; and
 * a DNS block that makes a direct connection to Microsoft's names impossible in this process
 * (every lookup of them fails, and is counted). Only loopback is ever connected to.
 */
import dns from 'node:dns';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, isIP, type AddressInfo, type Socket } from 'node:net';

export interface ProxyTarget {
	host: string;
	port: number;
}

export interface ConnectProxyOptions {
	/** `host:port` (lower case) → where the tunnel really goes (a loopback port). */
	map?: Record<string, ProxyTarget>;
	/** Targets answered 403 (the tunnel is refused). */
	refuse?: (target: string) => boolean;
	/** When set, CONNECT requests must carry `Proxy-Authorization: Basic base64(user:password)`. */
	auth?: { user: string; password: string };
	/** Listen address (default 127.0.0.1). */
	host?: string;
}

export interface ConnectProxy {
	url: string;
	port: number;
	/** Tunnels opened, per `host:port` as requested. */
	tunnels: Map<string, number>;
	/** CONNECT requests refused (403 or 407), per target. */
	refused: Map<string, number>;
	/** Requests that were not CONNECT (absolute-URI forwarding), as `METHOD url`. */
	forwarded: string[];
	/** Total tunnels opened. */
	total(): number;
	/** Tunnels opened to targets matching `pattern`. */
	count(pattern: RegExp | string): number;
	reset(): void;
	close(): Promise<void>;
}

function isLoopback(host: string): boolean {
	const h = host.replace(/^\[|\]$/g, '');
	return h === 'localhost' || h === '::1' || (isIP(h) === 4 && h.startsWith('127.'));
}

/** Starts the proxy on a free loopback port. */
export async function startConnectProxy(options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
	const map = new Map(
		Object.entries(options.map ?? {}).map(([k, v]) => [k.toLowerCase(), v] as const),
	);
	const tunnels = new Map<string, number>();
	const refused = new Map<string, number>();
	const forwarded: string[] = [];
	const sockets = new Set<Socket>();
	const bump = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);

	const server: Server = createServer((req, res) => {
		forwarded.push(`${req.method} ${req.url}`);
		res.writeHead(405, { 'Content-Type': 'text/plain' });
		res.end('this test proxy only tunnels (CONNECT)');
	});
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
		sockets.add(client);
		const target = String(req.url ?? '').toLowerCase();
		const refuse = (status: number, text: string, extra = '') => {
			bump(refused, target);
			client.end(`HTTP/1.1 ${status} ${text}\r\n${extra}Content-Length: 0\r\n\r\n`);
		};
		if (options.auth) {
			const expected = `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`).toString('base64')}`;
			if (req.headers['proxy-authorization'] !== expected)
				return refuse(
					407,
					'Proxy Authentication Required',
					'Proxy-Authenticate: Basic realm="test"\r\n',
				);
		}
		if (options.refuse?.(target)) return refuse(403, 'Forbidden');
		const m = target.match(/^(.+):(\d+)$/);
		const requested = m ? { host: m[1], port: Number(m[2]) } : undefined;
		const upstream =
			map.get(target) ?? (requested && isLoopback(requested.host) ? requested : undefined);
		// Never leave the machine: an unmapped, non-loopback target is refused.
		if (!upstream) return refuse(502, 'Bad Gateway');
		const out = connect({ host: upstream.host.replace(/^\[|\]$/g, ''), port: upstream.port });
		sockets.add(out);
		out.on('close', () => sockets.delete(out));
		out.once('connect', () => {
			bump(tunnels, target);
			client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			if (head.length) out.write(head);
			out.pipe(client);
			client.pipe(out);
		});
		out.on('error', () => {
			if (!client.writableEnded && out.connecting) refuse(502, 'Bad Gateway');
			client.destroy();
		});
		client.on('error', () => out.destroy());
		client.on('close', () => out.destroy());
	});
	await new Promise<void>((resolve) => server.listen(0, options.host ?? '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const host = options.host ?? '127.0.0.1';
	return {
		url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
		port,
		tunnels,
		refused,
		forwarded,
		total: () => [...tunnels.values()].reduce((a, b) => a + b, 0),
		count: (pattern) =>
			[...tunnels.entries()]
				.filter(([k]) => (typeof pattern === 'string' ? k === pattern : pattern.test(k)))
				.reduce((a, [, n]) => a + n, 0),
		reset: () => {
			tunnels.clear();
			refused.clear();
			forwarded.length = 0;
		},
		close: async () => {
			for (const s of sockets) s.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** Microsoft's host names used by the package's Global cloud. */
export const MICROSOFT_NAMES = [
	'login.microsoftonline.com',
	'graph.microsoft.com',
	'*.sharepoint.com',
	'smtp.office365.com',
	'outlook.office.com',
	'outlook.office365.com',
];

function matches(names: string[], hostname: unknown): boolean {
	if (typeof hostname !== 'string') return false;
	const host = hostname.toLowerCase().replace(/\.$/, '');
	return names.some((n) =>
		n.startsWith('*.') ? host.endsWith(n.slice(1)) : host === n.toLowerCase(),
	);
}

export interface DnsBlock {
	/** Lookups of blocked names attempted (a direct connection was tried). */
	attempts: string[];
	restore(): void;
}

/**
 * Makes `dns.lookup` (what net, tls, fetch and nodemailer use) fail with ENOTFOUND for `names`
 * in this process, so nothing can reach them except through a proxy; records each attempt.
 */
export function blockDirectDns(names: string[] = MICROSOFT_NAMES): DnsBlock {
	const attempts: string[] = [];
	const original = dns.lookup;
	const originalPromises = dns.promises.lookup;
	const fail = (hostname: string) =>
		Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname} (blocked by the test)`), {
			code: 'ENOTFOUND',
			errno: -3008,
			syscall: 'getaddrinfo',
			hostname,
		});
	const patched = function lookup(this: unknown, hostname: string, ...rest: unknown[]) {
		if (!matches(names, hostname))
			return (original as (...a: unknown[]) => unknown).apply(this, [hostname, ...rest]);
		attempts.push(hostname);
		const callback = rest.find((r) => typeof r === 'function') as (e: Error) => void;
		process.nextTick(() => callback(fail(hostname)));
		return {};
	};
	(dns as { lookup: unknown }).lookup = patched;
	(dns.promises as { lookup: unknown }).lookup = async function lookup(
		this: unknown,
		hostname: string,
		...rest: unknown[]
	) {
		if (!matches(names, hostname))
			return await (originalPromises as (...a: unknown[]) => Promise<unknown>).apply(this, [
				hostname,
				...rest,
			]);
		attempts.push(hostname);
		throw fail(hostname);
	};
	return {
		attempts,
		restore: () => {
			(dns as { lookup: unknown }).lookup = original;
			(dns.promises as { lookup: unknown }).lookup = originalPromises;
		},
	};
}
