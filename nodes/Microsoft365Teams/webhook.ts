/**
 * Posting to a Teams Workflows webhook: no Graph token, the URL's `sig` is the credential. The
 * request still goes through the shared transport (its unauthenticated path: https only, never
 * an Authorization header, retries of 429/503 only, a POST never repeated after a network
 * error), on a transport whose token provider refuses to give out tokens.
 */
import { NodeApiError, NodeOperationError, type IDataObject, type INode } from 'n8n-workflow';
import type { TokenProvider } from '../shared/auth/types';
import { registerSecret } from '../shared/redact';
import { GraphTransport } from '../shared/transport';

/** Checks the URL's form and registers it (and its signature) for redaction. */
export function webhookUrl(node: INode, value: unknown, itemIndex: number): URL {
	const text = String(value ?? '').trim();
	let url: URL | undefined;
	try {
		url = new URL(text);
	} catch {
		url = undefined;
	}
	if (!url || url.protocol !== 'https:')
		throw new NodeOperationError(node, "The credential's Webhook URL is not an https:// URL", {
			itemIndex,
			description:
				'Copy the whole URL the Teams Workflows flow shows ("Post to a channel when a webhook request is received"); it starts with https://.',
		});
	registerSecret(text);
	registerSecret(url.searchParams.get('sig'));
	return url;
}

function tokenlessProvider(origin: string): TokenProvider {
	return {
		scheme: 'application',
		tenant: '',
		endpoints: {
			login: origin,
			graph: origin,
			graphResource: origin,
			outlookResource: origin,
			outlookAppResource: origin,
			smtpHost: '',
			smtpPort: 587,
		},
		getToken: async () => {
			throw new Error('A Workflows webhook needs no token');
		},
	};
}

/** POSTs `payload` to the webhook; the flow answers 202 (or 200) when it accepted the request. */
export async function postToWebhook(
	node: INode,
	url: URL,
	payload: IDataObject,
	itemIndex: number,
): Promise<{ status: number }> {
	const transport = new GraphTransport(node, tokenlessProvider(url.origin));
	const response = await transport.sendUnauthenticated<unknown>({
		effect: 'createOnce',
		method: 'POST',
		url: url.toString(),
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(payload),
		acceptStatus: 'any',
		itemIndex,
	});
	if (response.status >= 200 && response.status < 300) return { status: response.status };
	const body = response.body as
		{ error?: { code?: string; message?: string } } | string | undefined;
	const error = typeof body === 'object' ? body?.error : undefined;
	const said = error?.message ?? (typeof body === 'string' ? body.slice(0, 300) : '');
	const hint =
		response.status === 401 || response.status === 403
			? "The URL's signature was refused: copy the webhook URL again from the flow (it changes when the flow is re-created)."
			: response.status === 404
				? 'The flow does not exist (any more): check it in Power Automate or Teams → Workflows, or create it again and update the credential.'
				: response.status === 400
					? 'The flow refused the request body.'
					: "Check the flow's run history in Power Automate.";
	throw new NodeApiError(
		node,
		{ httpCode: String(response.status), code: error?.code ?? null, message: said || null },
		{
			message: `The Teams Workflows webhook answered ${response.status}${error?.code ? ` ${error.code}` : ''}`,
			description: `${said ? `${said} ` : ''}${hint}`,
			httpCode: String(response.status),
			itemIndex,
		},
	);
}
