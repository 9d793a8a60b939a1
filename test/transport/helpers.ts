/**
 * Test helpers for the transport: a TokenProvider backed by the emulator's token service, and a
 * node stub. The provider caches one token, as real providers do, and counts forced refreshes.
 */
import type { INode } from 'n8n-workflow';
import type { AuthScheme, TokenProvider } from '../../nodes/shared/auth/types';
import { cloudEndpoints } from '../../nodes/shared/clouds';
import { GraphTransport, GraphTransportOptions } from '../../nodes/shared/transport';
import type { Emulator } from '../emulator/emulator';
import { mintToken, MintOptions } from '../helpers/emulator';

export const NODE: INode = {
	id: 'node-1',
	name: 'Microsoft 365 Test',
	type: 'n8n-nodes-m365.test',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

export interface TestProvider extends TokenProvider {
	issued: number;
	forced: number;
}

export function emulatorProvider(
	emu: Emulator,
	scheme: AuthScheme,
	mint: MintOptions = {},
	/** Hands out this token instead of minting (e.g. a token the emulator refuses). */
	fixed?: () => string,
): TestProvider {
	let cached: string | undefined;
	const options: MintOptions =
		scheme === 'delegated'
			? { user: 'alice@contoso.onmicrosoft.com', scopes: ['User.Read.All'], ...mint }
			: { roles: ['User.Read.All'], ...mint };
	const provider: TestProvider = {
		scheme,
		tenant: emu.directory.home.id,
		endpoints: cloudEndpoints({
			cloud: 'custom',
			customLoginUrl: emu.url,
			customGraphUrl: emu.url,
		}),
		issued: 0,
		forced: 0,
		async getToken(o = {}) {
			if (o.forceRefresh) provider.forced += 1;
			if (!cached || o.forceRefresh) {
				provider.issued += 1;
				cached = fixed ? fixed() : mintToken(emu, options);
			}
			return cached;
		},
	};
	return provider;
}

/** Fast waits: every wait is scaled down, while `stats` still records what Graph asked for. */
export function transportFor(
	emu: Emulator,
	scheme: AuthScheme = 'application',
	mint: MintOptions = {},
	options: GraphTransportOptions = {},
): { transport: GraphTransport; provider: TestProvider } {
	const provider = emulatorProvider(emu, scheme, mint);
	const transport = new GraphTransport(NODE, provider, {
		...options,
		retry: { waitScale: 0.001, ...(options.retry ?? {}) },
	});
	return { transport, provider };
}

/** Runs `tasks` with at most `limit` in flight. */
export async function pool<T>(
	count: number,
	limit: number,
	task: (i: number) => Promise<T>,
): Promise<T[]> {
	const results = new Array<T>(count);
	let next = 0;
	const worker = async () => {
		while (next < count) {
			const i = next++;
			results[i] = await task(i);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
	return results;
}
