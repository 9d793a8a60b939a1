/**
 * An msal-node network client that sends requests for Microsoft's hosts
 * (login.microsoftonline.com, graph.microsoft.com, ...) to the emulator, keeping the host name in
 * TLS SNI and the Host header — what a DNS override pointing those names at the emulator does.
 * Other URLs (the emulator's own) go out unchanged. With it, msal-node runs its default authority
 * validation: instance discovery at login.microsoftonline.com, then OpenID discovery.
 */
import { request } from 'node:https';
import { isIP } from 'node:net';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { MICROSOFT_HOST_NAMES } from '../tls';

function isMicrosoftHost(host: string): boolean {
	return MICROSOFT_HOST_NAMES.some((name) =>
		name.startsWith('*.') ? host.endsWith(name.slice(1)) : host === name,
	);
}

export interface RoutedRequest {
	method: string;
	url: string;
}

export class EmulatorNetworkClient implements INetworkModule {
	/** Every request sent, in order (method and URL, no body). */
	readonly requests: RoutedRequest[] = [];

	constructor(private readonly emulatorUrl: string) {}

	sendGetRequestAsync<T>(
		url: string,
		options?: NetworkRequestOptions,
	): Promise<NetworkResponse<T>> {
		return this.send<T>('GET', url, options);
	}

	sendPostRequestAsync<T>(
		url: string,
		options?: NetworkRequestOptions,
	): Promise<NetworkResponse<T>> {
		return this.send<T>('POST', url, options);
	}

	private send<T>(
		method: string,
		url: string,
		options?: NetworkRequestOptions,
	): Promise<NetworkResponse<T>> {
		this.requests.push({ method, url });
		const target = new URL(url);
		const emulator = new URL(this.emulatorUrl);
		const routed = isMicrosoftHost(target.hostname);
		const body = method === 'POST' ? Buffer.from(options?.body ?? '') : undefined;
		return new Promise((resolve, reject) => {
			const req = request(
				{
					method,
					host: routed ? emulator.hostname.replace(/^\[|\]$/g, '') : target.hostname,
					port: routed ? emulator.port : target.port || 443,
					path: `${target.pathname}${target.search}`,
					...(isIP(target.hostname.replace(/^\[|\]$/g, '')) ? {} : { servername: target.hostname }),
					headers: {
						...(options?.headers ?? {}),
						host: target.host,
						...(body ? { 'content-length': String(body.length) } : {}),
					},
				},
				(res) => {
					const chunks: Buffer[] = [];
					res.on('data', (c: Buffer) => chunks.push(c));
					res.on('end', () => {
						const text = Buffer.concat(chunks).toString('utf8');
						const headers: Record<string, string> = {};
						for (const [k, v] of Object.entries(res.headers))
							if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
						try {
							resolve({ headers, body: JSON.parse(text) as T, status: res.statusCode ?? 0 });
						} catch (e) {
							reject(new Error(`not JSON from ${url}: ${(e as Error).message}`));
						}
					});
					res.on('error', reject);
				},
			);
			req.on('error', reject);
			req.end(body);
		});
	}
}
