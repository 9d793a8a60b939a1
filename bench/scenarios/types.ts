import type { N8nClient, WorkflowJson } from '../../scripts/e2e/stack';
import type { BenchStack } from '../lib/stack';
import type { LatencyModelSettings } from '../../test/emulator/latency-model';
import { chain, credentialRef, type NodeSpec } from '../lib/workflow';

export type SideName = 'ours' | 'built-in';

export interface Credential {
	id: string;
	name: string;
	type: string;
}

export interface BenchContext {
	bench: BenchStack;
	client: N8nClient;
	log: (message: string) => void;
	latency: LatencyModelSettings;
	/** Credentials by key (see lib/credentials.ts); a string is why it could not be created. */
	credentials: Record<string, Credential | string>;
	ids: {
		tenantId: string;
		/** The Reports site (`hostname,siteCollectionId,webId`). */
		siteId: string;
		/** Its default document library ("Documents"). */
		driveId: string;
		teamId: string;
		channelId: string;
		/** The demo team's channels: General, Reports, Alerts and the benchmark's own "Bench". */
		channelIds: string[];
		/** The mailbox the app sends from, and the recipient. */
		mailbox: string;
		recipient: string;
	};
	/** Bytes per second of the emulator's upload path for a plain streaming client (this run). */
	loopbackBytesPerSecond?: number;
	quick: boolean;
	/** n8n's binary data mode in this run (N8N_DEFAULT_BINARY_DATA_MODE; filesystem unless --binary-mode). */
	binaryDataMode: string;
}

/** A side ready to run, or the reason it cannot. */
export type SidePlan =
	{ workflow: WorkflowJson; node: string; appOnly: boolean } | { unavailable: string };

export interface Limit {
	ms: number;
	formula: string;
}

export interface Scenario {
	id: string;
	title: string;
	/** Items the measured node handles per run (`--quick` runs fewer). */
	items(ctx: BenchContext): number;
	/**
	 * Output items a complete answer has (e.g. every occurrence of a calendar view): the table
	 * shows each side's output items against it.
	 */
	outputItems?(ctx: BenchContext): number;
	/** Payload bytes per run (uploads, attachments), for throughput. */
	bytes?(ctx: BenchContext): number;
	timeoutMs: number;
	prepare?(ctx: BenchContext): Promise<void>;
	/**
	 * Runs before each run of our side, unmeasured: the upload scenarios measure the loopback
	 * throughput there, so each run is compared with the loopback under the same machine load.
	 */
	beforeOurRun?(ctx: BenchContext): Promise<void>;
	/** Undoes `prepare` (e.g. removes injected faults) after the scenario's runs. */
	cleanup?(ctx: BenchContext): Promise<void>;
	plan(ctx: BenchContext, side: SideName): SidePlan;
	limit(ctx: BenchContext): Limit;
	/** A control run (once): the same workflow without the measured node's work, e.g. reading the file. */
	control?(ctx: BenchContext): { workflow: WorkflowJson; node: string; label: string };
	/** Design target, checked against the medians (not a timed test). */
	target?: string;
	/** Why a side cannot do it, shown next to its error in the table. */
	notes?: Partial<Record<SideName, string>>;
}

/** How one side's measured node is built. */
export interface NodeRecipe {
	/** `n8n-nodes-base.microsoftOutlook`, or our node's name (`microsoft365Mail`). */
	type: string;
	typeVersion: number;
	/** Key in `BenchContext.credentials`. */
	credential: string;
	parameters: Record<string, unknown>;
	/** n8n's "On Error" setting; `continueRegularOutput`: failed items are counted, the run goes on. */
	onError?: 'continueRegularOutput';
}

/**
 * The measured node of a side (named `name`), with its credential, or why it cannot run: our
 * node not loaded in n8n (not built yet), or a credential that could not be set up.
 */
export function measuredNode(
	ctx: BenchContext,
	name: string,
	recipe: NodeRecipe,
): NodeSpec | { unavailable: string } {
	let type = recipe.type;
	if (!type.startsWith('n8n-nodes-base.')) {
		type = `n8n-nodes-m365.${recipe.type}`;
		if (!ctx.bench.ourNodeTypes.has(type))
			return { unavailable: `our ${recipe.type} node is not built yet` };
	}
	const found = ctx.credentials[recipe.credential];
	if (!found) return { unavailable: `no credential ${recipe.credential}` };
	if (typeof found === 'string') return { unavailable: found };
	return {
		name,
		type,
		typeVersion: recipe.typeVersion,
		parameters: recipe.parameters,
		credentials: credentialRef(found),
		...(recipe.onError ? { onError: recipe.onError } : {}),
	};
}

/** A plan from the measured node and the nodes before it. */
export function planWith(
	title: string,
	side: SideName,
	node: NodeSpec | { unavailable: string },
	before: NodeSpec[],
	appOnly: boolean,
): SidePlan {
	if ('unavailable' in node) return node;
	return {
		workflow: chain(`bench: ${title} (${side})`, [...before, node]),
		node: node.name,
		appOnly,
	};
}
