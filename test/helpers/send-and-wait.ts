/**
 * Calls the shared Send and Wait webhook (`sendAndWaitWebhook`) as n8n's waiting-webhook route
 * does, with a small IWebhookFunctions: the request (method, URL of an answer link, user agent,
 * form body), a response that records status, headers and page, the node's parameters, and
 * `getSignedResumeUrl` signing as n8n-core does with the harness's HMAC secret (so links the
 * harness's runs put into messages verify here, and changed ones do not).
 */
import { createHmac } from 'node:crypto';
import { Container } from '@n8n/di';
import { InstanceSettings } from 'n8n-core';
import type { IDataObject, INode, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { sendAndWaitWebhook } from '../../nodes/shared/send-and-wait';

export const BROWSER =
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0';

export interface WebhookCall {
	link: string;
	method?: 'GET' | 'POST';
	userAgent?: string;
	body?: IDataObject;
	/** The node's parameters, as the waiting node has them. */
	parameters: IDataObject;
	/** Signs a resume URL's path and query (default: n8n-core's HMAC with the harness's secret). */
	signer?: (pathAndQuery: string) => string;
}

export interface WebhookAnswer {
	status: number;
	headers: Record<string, string>;
	page: string;
	result: IWebhookResponseData;
	/** The answer item's `data`, when the call resumed the execution. */
	data?: IDataObject;
}

function sign(pathAndQuery: string): string {
	const secret = Container.get(InstanceSettings).hmacSignatureSecret;
	return createHmac('sha256', secret).update(pathAndQuery).digest('hex');
}

/** Follows a dotted parameter path (`approvalOptions.values`) as getNodeParameter does. */
function parameter(parameters: IDataObject, name: string, fallback: unknown): unknown {
	let value: unknown = parameters;
	for (const part of name.split('.')) {
		if (value === null || typeof value !== 'object' || !(part in value)) return fallback;
		value = (value as IDataObject)[part];
	}
	return value;
}

export async function callWebhook(call: WebhookCall): Promise<WebhookAnswer> {
	const url = new URL(call.link);
	const base = `${url.origin}${url.pathname}`;
	const answer = { status: 200, headers: {} as Record<string, string>, page: '' };
	const res = {
		status(code: number) {
			answer.status = code;
			return res;
		},
		setHeader(name: string, value: string) {
			answer.headers[name.toLowerCase()] = value;
		},
		send(body: string) {
			answer.page = body;
			return res;
		},
	};
	const headers: Record<string, string> = {};
	if (call.userAgent !== undefined) headers['user-agent'] = call.userAgent;
	const ctx = {
		getNode: () =>
			({ id: 'node-under-test', name: 'Node', parameters: call.parameters }) as unknown as INode,
		getRequestObject: () => ({
			method: call.method ?? 'GET',
			url: `${url.pathname}${url.search}`,
			originalUrl: `${url.pathname}${url.search}`,
			headers,
			query: Object.fromEntries(url.searchParams),
		}),
		getResponseObject: () => res,
		getBodyData: () => call.body ?? {},
		getNodeParameter: (name: string, fallback?: unknown) =>
			parameter(call.parameters, name, fallback),
		getSignedResumeUrl(params: Record<string, string> = {}) {
			const signed = new URL(base);
			for (const [k, v] of Object.entries(params)) signed.searchParams.set(k, v);
			signed.searchParams.set(
				'signature',
				(call.signer ?? sign)(`${signed.pathname}${signed.search}`),
			);
			return signed.toString();
		},
	} as unknown as IWebhookFunctions;
	const result = await sendAndWaitWebhook.call(ctx);
	const data = result.workflowData?.[0]?.[0]?.json?.data as IDataObject | undefined;
	return { ...answer, result, data };
}

/** The links of an HTML mail body (href values, entities decoded). */
export function linksIn(html: string): string[] {
	return [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
}

/** A link's query as an object. */
export function queryOf(link: string): Record<string, string> {
	return Object.fromEntries(new URL(link).searchParams);
}

/** A resume link with this query, signed by `signer` (as `getSignedResumeUrl` does). */
export function signedLink(
	base: string,
	params: Record<string, string>,
	signer: (pathAndQuery: string) => string,
): string {
	const url = new URL(base);
	for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
	url.searchParams.set('signature', signer(`${url.pathname}${url.search}`));
	return url.toString();
}
