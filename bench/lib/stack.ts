/**
 * The benchmark's stack: the project's end-to-end stack (scripts/e2e/up.ts: package build and
 * staging, the emulator as its own process, port 443 of a loopback address of its own forwarded to
 * it, n8n 2.41 with Microsoft's host names mapped there, an owner and an API key), with the
 * emulator's latency model on and n8n keeping binary data on disk so both sides stream what they
 * can. This process maps Microsoft's host names the same way (n8n's OAuth2 sign-in redirects it
 * to login.microsoftonline.com; the loopback client uploads through the same forwarder).
 */
import { loadedNodeTypes } from '../../scripts/e2e/demo';
import { buildPackage, DNS_PRELOAD, type Log } from '../../scripts/e2e/stack';
import { startStack, type Stack } from '../../scripts/e2e/up';
import type { LatencyModelSettings } from '../../test/emulator/latency-model';

export interface BenchStack {
	stack: Stack;
	/** Files the workflows read ("Read/Write Files from Disk" is limited to this folder). */
	dataDir: string;
	/** `https://graph.microsoft.com` (mapped), as n8n reaches the emulator. */
	graphUrl: string;
	/** `https://login.microsoftonline.com` (mapped). */
	loginUrl: string;
	admin<T = any>(method: string, path: string, body?: unknown): Promise<T>;
	/** The n8n main process (its task runners are its descendants). */
	n8nPid: number;
	/** Node types of our package n8n has loaded, e.g. `n8n-nodes-m365.microsoft365Mail`. */
	ourNodeTypes: Set<string>;
	stop(): Promise<void>;
}

/**
 * The fourth channel of the demo team, "Bench", for the 4-channel Teams scenario (the demo
 * tenant has three; the emulator has no channel-create route).
 */
export const BENCH_CHANNEL = {
	id: '19:0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d@thread.tacv2',
	displayName: 'Bench',
	description: 'Benchmark posts',
};

function addBenchChannel(fixture: {
	tenants: { teams?: { group: string; channels?: { id?: string }[] }[] }[];
}): void {
	const team = fixture.tenants[0].teams?.find((t) => t.group === 'All Staff');
	if (team && !team.channels?.some((c) => c.id === BENCH_CHANNEL.id))
		(team.channels ??= []).push({ ...BENCH_CHANNEL });
}

export async function startBenchStack(options: {
	latency: Partial<LatencyModelSettings>;
	log: Log;
	build: boolean;
	keep?: boolean;
	/** n8n's N8N_DEFAULT_BINARY_DATA_MODE (default here: filesystem). */
	binaryDataMode?: string;
}): Promise<BenchStack> {
	const { log } = options;
	if (options.build) {
		try {
			buildPackage(log);
		} catch (error) {
			// Other engineers' nodes may be mid-edit: measure with the last good dist/.
			log(`build failed, using the existing dist/: ${String(error).split('\n')[0]}`);
		}
	}
	const stack = await startStack({
		removeWorkDir: !options.keep,
		// n8n's own Microsoft nodes only talk to Microsoft's host names: mapping is required (root).
		hostMapping: true,
		build: false,
		demo: false,
		editFixture: addBenchChannel,
		n8nEnv: {
			N8N_DEFAULT_BINARY_DATA_MODE: options.binaryDataMode ?? 'filesystem',
			// Large executions (100,000 items) must be saved and returned in one piece.
			N8N_PAYLOAD_SIZE_MAX: '1024',
		},
		log,
	});
	try {
		const { state } = stack;
		if (!state.hostMapping || !state.n8nPid)
			throw new Error('the stack has no host mapping or n8n pid');
		process.env.M365_EMULATOR_ADDRESS = state.hostMapping;
		await import(DNS_PRELOAD);
		const emulator = stack.emulator!;
		await emulator.admin('POST', 'latency-model', { defaults: true, ...options.latency });
		const ourNodeTypes = new Set(
			[...(await loadedNodeTypes(stack.client))].filter((t) => t.startsWith('n8n-nodes-m365.')),
		);
		log(`our nodes loaded in n8n: ${[...ourNodeTypes].join(', ') || 'none yet'}`);
		if (options.keep) log(`work directory (kept): ${state.workDir}`);
		return {
			stack,
			dataDir: state.filesDir,
			graphUrl: 'https://graph.microsoft.com',
			loginUrl: 'https://login.microsoftonline.com',
			admin: emulator.admin,
			n8nPid: state.n8nPid,
			ourNodeTypes,
			stop: stack.stop,
		};
	} catch (error) {
		await stack.stop();
		throw error;
	}
}
