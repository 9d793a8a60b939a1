/**
 * `createGraphTransport(ctx, credentialType)`: the transport a node uses, one per execution and
 * credential type (operations of one execution share it: its token, its refresh and its stats).
 */
import { tokenProviderFor, type TokenContext } from '../auth';
import type { AppProviderOptions } from '../auth/app';
import { GraphTransport, type GraphTransportOptions } from './transport';

const perExecution = new WeakMap<object, Map<string, Promise<GraphTransport>>>();

export async function createGraphTransport(
	ctx: TokenContext,
	credentialType: string,
	options: GraphTransportOptions & AppProviderOptions = {},
): Promise<GraphTransport> {
	let byType = perExecution.get(ctx);
	if (!byType) {
		byType = new Map();
		perExecution.set(ctx, byType);
	}
	let transport = byType.get(credentialType);
	if (!transport) {
		transport = tokenProviderFor(ctx, credentialType, options).then(
			(provider) => new GraphTransport(ctx.getNode(), provider, options),
		);
		byType.set(credentialType, transport);
		// A failed setup (bad credential) is not kept: the next item tries again and reports it.
		transport.catch(() => byType.delete(credentialType));
	}
	return await transport;
}
