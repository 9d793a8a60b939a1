/**
 * msal-node's network module over the package's proxy-aware fetch (../transport/http-client.ts):
 * msal's own HttpClient calls the global fetch, which ignores HTTPS_PROXY. Same behaviour as
 * msal-node 7's HttpClient otherwise: GET with msal's timeout (POST without one), the body parsed
 * as JSON, headers as a plain object, failures as ClientAuthError `network_error` (timeouts:
 * "Request timeout"). Never puts a request body (secret, assertion) in a message.
 */
import {
	ClientAuthError,
	ClientAuthErrorCodes,
	type INetworkModule,
	type NetworkRequestOptions,
	type NetworkResponse,
} from '@azure/msal-node';
import { describeProxy, proxyFetch, proxyForUrl } from '../transport/http-client';
import { redact } from '../redact';

/**
 * "fetch failed: Request was cancelled.: Proxy response (403) !== 200 when HTTP Tunneling": the
 * messages along the cause chain (duck-typed: undici's errors may come from another realm).
 */
function causeOf(error: unknown): string {
	const messages: string[] = [];
	let current: unknown = error;
	for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
		const message = (current as Error).message;
		if (typeof message === 'string' && message && !messages.includes(message))
			messages.push(message);
		current = (current as { cause?: unknown }).cause;
	}
	return messages.length ? redact(messages.join(': ')) : 'unknown';
}

/** msal's `network_error` for a request that got no response ("Request timeout" when aborted). */
function networkFailure(error: unknown, url: string): ClientAuthError {
	if ((error as Error)?.name === 'AbortError')
		return new ClientAuthError(ClientAuthErrorCodes.networkError, '', 'Request timeout');
	let proxy: string | undefined;
	try {
		proxy = proxyForUrl(url);
	} catch {
		proxy = undefined;
	}
	const via = proxy ? ` (through the proxy ${describeProxy(proxy)})` : '';
	return new ClientAuthError(
		ClientAuthErrorCodes.networkError,
		'',
		`Network request failed${via}: ${causeOf(error)}`,
	);
}

async function send<T>(
	method: 'GET' | 'POST',
	url: string,
	options?: NetworkRequestOptions,
	timeout?: number,
): Promise<NetworkResponse<T>> {
	const controller = new AbortController();
	const timer = timeout ? setTimeout(() => controller.abort(), timeout) : undefined;
	const headers = new Headers();
	for (const [name, value] of Object.entries(options?.headers ?? {})) headers.append(name, value);
	// msal expects its own errors; they are thrown outside the catch blocks.
	let failure: ClientAuthError | undefined;
	let response: Response | undefined;
	try {
		response = await proxyFetch(url, {
			method,
			headers,
			signal: controller.signal,
			...(method === 'POST' ? { body: options?.body || '' } : {}),
		});
	} catch (error) {
		failure = networkFailure(error, url);
	} finally {
		if (timer) clearTimeout(timer);
	}
	if (failure || !response) throw failure;
	let result: NetworkResponse<T> | undefined;
	try {
		const out: Record<string, string> = {};
		response.headers.forEach((value, name) => {
			out[name] = value;
		});
		result = { headers: out, body: (await response.json()) as T, status: response.status };
	} catch (error) {
		failure = new ClientAuthError(
			ClientAuthErrorCodes.tokenParsingError,
			'',
			`Failed to parse response: ${(error as Error)?.message ? redact((error as Error).message) : 'unknown'}`,
		);
	}
	if (failure || !result) throw failure;
	return result;
}

/** msal's `system.networkClient` for every application the package builds. */
export const proxyAwareNetworkClient: INetworkModule = {
	async sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number) {
		return await send<T>('GET', url, options, timeout);
	},
	async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions) {
		return await send<T>('POST', url, options);
	},
};
