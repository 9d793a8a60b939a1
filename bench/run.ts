/**
 * `npm run bench`: our nodes side by side with n8n's own Microsoft nodes, in one real n8n 2.41,
 * against the project's emulator with its latency model on. See bench/README.md.
 *
 *   npm run bench [-- --quick] [--runs N] [--only send,users] [--side ours|built-in] [--no-build] [--keep]
 *                 [--binary-mode filesystem|default|database]
 *   npm run bench -- --only package-load   # only the package's load cost (no n8n, no emulator)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPackage, demoTenant, REPO_ROOT } from '../scripts/e2e/stack';
import { DEFAULT_LATENCY_MODEL, type LatencyModelSettings } from '../test/emulator/latency-model';
import { createCredentials } from './lib/credentials';
import { appToken, graph } from './lib/graph';
import { measureRun } from './lib/measure';
import { describePackageLoad, measurePackageLoad } from './lib/package-load';
import {
	evaluateTargets,
	machine,
	markdown,
	summarize,
	tokenSummary,
	type BenchResults,
	type ScenarioResult,
	type SideResult,
} from './lib/report';
import { BENCH_CHANNEL, startBenchStack } from './lib/stack';
import { TRIGGER } from './lib/workflow';
import { SCENARIOS } from './scenarios';
import type { BenchContext, Scenario, SideName } from './scenarios/types';

export const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');

interface Args {
	quick: boolean;
	runs: number;
	only?: string[];
	sides: SideName[];
	build: boolean;
	keep: boolean;
	binaryDataMode: string;
	/** Measure the package's load cost (always, unless --only leaves it out). */
	packageLoad: boolean;
}

const BINARY_DATA_MODES = ['filesystem', 'default', 'database'];

function parseArgs(argv: string[]): Args {
	const value = (name: string) => {
		const i = argv.indexOf(`--${name}`);
		return i >= 0 ? argv[i + 1] : undefined;
	};
	const quick = argv.includes('--quick');
	const runs = Number(value('runs') ?? (quick ? 1 : 3));
	if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a whole number >= 1');
	const only = value('only')
		?.split(',')
		.map((s) => s.trim());
	const unknown = only?.filter(
		(id) => id !== 'package-load' && !SCENARIOS.some((s) => s.id === id),
	);
	if (unknown?.length)
		throw new Error(
			`unknown scenario ${unknown.join(', ')}; known: package-load, ${SCENARIOS.map((s) => s.id).join(', ')}`,
		);
	const binaryDataMode = value('binary-mode') ?? 'filesystem';
	if (!BINARY_DATA_MODES.includes(binaryDataMode))
		throw new Error(`--binary-mode is one of ${BINARY_DATA_MODES.join(', ')}`);
	const side = value('side');
	if (side && side !== 'ours' && side !== 'built-in') throw new Error('--side is ours or built-in');
	return {
		quick,
		runs,
		only,
		sides: side ? [side as SideName] : ['ours', 'built-in'],
		build: !argv.includes('--no-build'),
		keep: argv.includes('--keep'),
		binaryDataMode,
		packageLoad: !only || only.includes('package-load'),
	};
}

const log = (message: string) =>
	console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

async function resolveIds(ctx: Pick<BenchContext, 'bench'>): Promise<BenchContext['ids']> {
	const tenant = demoTenant();
	const fixture = JSON.parse(
		readFileSync(join(REPO_ROOT, 'test', 'emulator', 'fixtures', 'demo-tenant.json'), 'utf8'),
	).tenants[0];
	const token = await appToken(ctx.bench.loginUrl, tenant.tenantId, 'Document Archive');
	const site = await graph<{ id: string }>(
		ctx.bench.graphUrl,
		token,
		'GET',
		'/sites/contoso.sharepoint.com:/sites/reports',
	);
	const drive = await graph<{ id: string }>(
		ctx.bench.graphUrl,
		token,
		'GET',
		`/sites/${site.id}/drive`,
	);
	const team = fixture.teams[0];
	const group = fixture.groups.find((g: { displayName: string }) => g.displayName === team.group);
	const channel = team.channels.find((c: { displayName: string }) => c.displayName === 'Reports');
	const channelIds = [
		...team.channels.map((c: { id: string }) => c.id),
		BENCH_CHANNEL.id,
	] as string[];
	return {
		tenantId: tenant.tenantId,
		siteId: site.id,
		driveId: drive.id,
		teamId: group.id,
		channelId: channel.id,
		channelIds,
		mailbox: 'reports@contoso.onmicrosoft.com',
		recipient: 'alice@contoso.onmicrosoft.com',
	};
}

async function runScenario(
	ctx: BenchContext,
	scenario: Scenario,
	args: Args,
): Promise<ScenarioResult> {
	log(`— ${scenario.title}`);
	await scenario.prepare?.(ctx);
	try {
		return await runPrepared(ctx, scenario, args);
	} finally {
		await scenario.cleanup?.(ctx);
	}
}

async function runPrepared(
	ctx: BenchContext,
	scenario: Scenario,
	args: Args,
): Promise<ScenarioResult> {
	const measure = async (workflowId: string, node: string) =>
		await measureRun({
			client: ctx.client,
			admin: ctx.bench.admin,
			n8nPid: ctx.bench.n8nPid,
			workflowId,
			trigger: TRIGGER,
			node,
			timeoutMs: scenario.timeoutMs,
		});
	const sides = {} as Record<SideName, SideResult>;
	const workflows: Partial<Record<SideName, { id: string; node: string }>> = {};
	for (const side of ['ours', 'built-in'] as const) {
		const plan = args.sides.includes(side)
			? scenario.plan(ctx, side)
			: { unavailable: 'not selected (--side)' };
		if ('unavailable' in plan) {
			sides[side] = { side, unavailable: plan.unavailable, appOnly: false, runs: [] };
			log(`  ${side}: left out (${plan.unavailable})`);
			continue;
		}
		const created = await ctx.client.createWorkflow(plan.workflow);
		sides[side] = { side, appOnly: plan.appOnly, runs: [] };
		workflows[side] = { id: created.id, node: plan.node };
	}
	let control: ScenarioResult['control'];
	const controlPlan = scenario.control?.(ctx);
	if (controlPlan) {
		const created = await ctx.client.createWorkflow(controlPlan.workflow);
		const result = await measure(created.id, controlPlan.node);
		control = {
			label: controlPlan.label,
			nodeMs: result.nodeMs,
			executionMs: result.executionMs,
			rssGrowth: result.rssGrowth,
		};
		log(
			`  control (${controlPlan.label}): ${(result.executionMs / 1000).toFixed(2)} s, RSS +${Math.round(result.rssGrowth / 1e6)} MB`,
		);
	}
	for (let run = 0; run < args.runs; run++) {
		const order: SideName[] = run % 2 === 0 ? ['ours', 'built-in'] : ['built-in', 'ours'];
		for (const side of order) {
			const s = sides[side];
			const workflow = workflows[side];
			// A side that failed is not repeated: its first error is the result.
			if (!workflow || s.error) continue;
			if (side === 'ours') await scenario.beforeOurRun?.(ctx);
			const result = await measure(workflow.id, workflow.node);
			if (side === 'ours' && scenario.beforeOurRun)
				result.loopbackBytesPerSecond = ctx.loopbackBytesPerSecond;
			s.runs.push(result);
			if (!result.ok) s.error = result.error;
			log(
				`  ${side} run ${run + 1}: ${result.ok ? 'ok' : `FAILED (${result.error?.slice(0, 200)})`} ` +
					`node ${(result.nodeMs / 1000).toFixed(2)} s, ${result.items} items (${result.failedItems} failed), ${result.requests} requests ` +
					`(${result.graphOperations} ops), ${result.tokenRequests} token, ${result.throttled} x 429, ` +
					`RSS +${Math.round(result.rssGrowth / 1e6)} MB`,
			);
		}
	}
	return {
		id: scenario.id,
		title: scenario.title,
		items: scenario.items(ctx),
		outputItems: scenario.outputItems?.(ctx),
		bytes: scenario.bytes?.(ctx),
		limit: scenario.limit(ctx),
		target: scenario.target,
		notes: scenario.notes,
		sides: { ours: summarize(sides.ours), 'built-in': summarize(sides['built-in']) },
		control,
	};
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	const started = Date.now();
	const host = machine('2.41.1');
	const latency: LatencyModelSettings = { ...DEFAULT_LATENCY_MODEL };
	const selected = SCENARIOS.filter((s) => !args.only || args.only.includes(s.id));
	if (!selected.length) {
		// --only package-load: no n8n, no emulator.
		if (args.build) buildPackage(log);
		log(describePackageLoad(measurePackageLoad(REPO_ROOT)));
		return;
	}
	log(
		`starting the emulator (latency model on) and n8n${args.build ? ' (building the package first)' : ''}`,
	);
	const bench = await startBenchStack({
		latency,
		log,
		build: args.build,
		keep: args.keep,
		binaryDataMode: args.binaryDataMode,
	});
	try {
		// Before any workflow runs: the package as n8n loads it, in fresh processes (dist/ is built).
		let packageLoad: string | undefined;
		if (args.packageLoad) {
			packageLoad = describePackageLoad(measurePackageLoad(REPO_ROOT));
			log(packageLoad);
		}
		const ctx: BenchContext = {
			bench,
			client: bench.stack.client,
			log,
			latency,
			credentials: {},
			ids: await resolveIds({ bench }),
			quick: args.quick,
			binaryDataMode: args.binaryDataMode,
		};
		ctx.credentials = await createCredentials(
			ctx.client,
			ctx.ids.tenantId,
			bench.ourNodeTypes,
			log,
		);
		const scenarios: ScenarioResult[] = [];
		for (const scenario of selected) scenarios.push(await runScenario(ctx, scenario, args));
		const partial = {
			startedAt: new Date(started).toISOString(),
			durationSeconds: (Date.now() - started) / 1000,
			machine: host,
			latency,
			runsPerSide: args.runs,
			quick: args.quick,
			loopbackBytesPerSecond: ctx.loopbackBytesPerSecond,
			binaryDataMode: args.binaryDataMode,
			packageLoad,
			scenarios,
			tokens: tokenSummary(scenarios),
		};
		const results: BenchResults = { ...partial, targets: evaluateTargets(partial) };
		mkdirSync(RESULTS_DIR, { recursive: true });
		const table = markdown(results);
		writeFileSync(join(RESULTS_DIR, 'latest.md'), table);
		writeFileSync(join(RESULTS_DIR, 'latest.json'), JSON.stringify(results, null, '\t') + '\n');
		console.log(`\n${table}`);
		log(
			`written: bench/results/latest.md and latest.json (${Math.round(partial.durationSeconds)} s)`,
		);
	} finally {
		await bench.stop();
	}
}

void main().catch((error) => {
	console.error(error);
	process.exit(1);
});
