/**
 * The benchmark process's own Graph calls (outside measured runs): app tokens from the emulator's
 * login service, IDs the workflows need, and the loopback throughput of the emulator's upload
 * path measured with a plain streaming HTTPS client.
 */
import { randomBytes } from 'node:crypto';
import { request as httpsRequest, Agent } from 'node:https';
import { demoApp } from '../../scripts/e2e/stack';

export async function appToken(
	loginUrl: string,
	tenantId: string,
	appName: string,
): Promise<string> {
	const app = demoApp(appName);
	const res = await fetch(`${loginUrl}/${tenantId}/oauth2/v2.0/token`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			grant_type: 'client_credentials',
			client_id: app.appId,
			client_secret: app.secrets![0].value,
			scope: 'https://graph.microsoft.com/.default',
		}).toString(),
	});
	const body = (await res.json()) as { access_token?: string; error_description?: string };
	if (!body.access_token) throw new Error(`token for ${appName}: ${body.error_description}`);
	return body.access_token;
}

export async function graph<T = any>(
	graphUrl: string,
	token: string,
	method: string,
	path: string,
	body?: unknown,
): Promise<T> {
	const res = await fetch(`${graphUrl}/v1.0${path}`, {
		method,
		headers: {
			Authorization: `Bearer ${token}`,
			...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await res.text();
	if (!res.ok) throw new Error(`Graph ${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
	return (text ? JSON.parse(text) : undefined) as T;
}

/** 188 x 320 KiB: the largest fragment under Graph's 60 MiB limit that is a multiple of 320 KiB. */
export const FRAGMENT = 188 * 320 * 1024;

function put(
	agent: Agent,
	url: string,
	data: Buffer,
	start: number,
	length: number,
	total: number,
): Promise<number> {
	return new Promise((resolve, reject) => {
		const req = httpsRequest(
			url,
			{
				method: 'PUT',
				agent,
				headers: {
					'Content-Length': String(length),
					'Content-Range': `bytes ${start}-${start + length - 1}/${total}`,
				},
			},
			(res) => {
				res.resume();
				res.on('end', () => resolve(res.statusCode ?? 0));
			},
		);
		req.on('error', reject);
		// Stream the fragment in 1 MiB writes, honouring back-pressure.
		let offset = 0;
		const write = () => {
			while (offset < length) {
				const n = Math.min(1024 * 1024, length - offset);
				const slice = data.subarray(offset % data.length, (offset % data.length) + n);
				offset += n;
				if (!req.write(slice)) return void req.once('drain', write);
			}
			req.end();
		};
		write();
	});
}

/**
 * Uploads `bytes` through an upload session of the emulator with fragments of `FRAGMENT` bytes,
 * one after another, as fast as a plain client can: the limit for an n8n node doing the same.
 */
export async function loopbackUpload(
	graphUrl: string,
	token: string,
	siteId: string,
	bytes: number,
): Promise<{ ms: number; bytesPerSecond: number; requests: number }> {
	const session = await graph<{ uploadUrl: string }>(
		graphUrl,
		token,
		'POST',
		`/sites/${siteId}/drive/root:/bench-loopback.bin:/createUploadSession`,
		{ item: { '@microsoft.graph.conflictBehavior': 'replace' } },
	);
	const data = randomBytes(FRAGMENT);
	const agent = new Agent({ keepAlive: true });
	const started = process.hrtime.bigint();
	let requests = 0;
	for (let start = 0; start < bytes; start += FRAGMENT) {
		const length = Math.min(FRAGMENT, bytes - start);
		const status = await put(agent, session.uploadUrl, data, start, length, bytes);
		requests++;
		if (status >= 300) throw new Error(`loopback upload: fragment at ${start} answered ${status}`);
	}
	const ms = Number(process.hrtime.bigint() - started) / 1e6;
	agent.destroy();
	return { ms, bytesPerSecond: bytes / (ms / 1000), requests };
}
