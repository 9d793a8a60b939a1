/**
 * 3. Upload 200 MiB and 1 GiB to a SharePoint library, app-only: n8n's Microsoft SharePoint v2
 * (Service Principal credential; one simple PUT, refused over 250 MB) against our Microsoft 365
 * SharePoint node. n8n keeps binary data on disk (filesystem mode); the file comes from
 * "Read/Write Files from Disk". The limit: the same bytes through the same upload-session path
 * with a plain streaming HTTPS client, measured in the same run.
 */
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { appToken, loopbackUpload } from '../lib/graph';
import { chain, readFiles, rl } from '../lib/workflow';
import {
	measuredNode,
	planWith,
	type BenchContext,
	type Scenario,
	type SideName,
	type SidePlan,
} from './types';

const MIB = 1024 * 1024;

async function writeFile(file: string, bytes: number): Promise<void> {
	if (existsSync(file) && statSync(file).size === bytes) return;
	const block = randomBytes(16 * MIB);
	const out = createWriteStream(file);
	for (let written = 0; written < bytes; written += block.length) {
		const chunk = bytes - written >= block.length ? block : block.subarray(0, bytes - written);
		if (!out.write(chunk)) await once(out, 'drain');
	}
	out.end();
	await once(out, 'close');
}

function plan(ctx: BenchContext, side: SideName, label: string): SidePlan {
	const file = join(ctx.bench.dataDir, `upload-${label}.bin`);
	const upload = {
		resource: 'file',
		operation: 'upload',
		site: rl(ctx.ids.siteId),
		binaryPropertyName: 'data',
	};
	const node =
		side === 'built-in'
			? measuredNode(ctx, 'Upload', {
					type: 'n8n-nodes-base.microsoftSharePoint',
					typeVersion: 2,
					credential: 'builtin-sharepoint',
					parameters: {
						...upload,
						authentication: 'microsoftEntraServicePrincipalApi',
						folder: rl('root'),
						fileName: `bench-builtin-${label}.bin`,
					},
				})
			: measuredNode(ctx, 'Upload', {
					type: 'microsoft365SharePoint',
					typeVersion: 1,
					credential: 'ours-sharepoint',
					parameters: {
						...upload,
						authentication: 'app',
						library: rl(ctx.ids.driveId),
						folderPath: '',
						fileName: `bench-ours-${label}.bin`,
						// Runs upload the same name again (n8n's node overwrites too).
						conflictBehavior: 'replace',
						// The node's defaults (chunk size included): what a user gets.
						options: {},
					},
				});
	return planWith(`upload ${label}`, side, node, [readFiles(file)], true);
}

function uploadScenario(id: string, title: string, full: number, quick: number): Scenario {
	const size = (ctx: BenchContext) => (ctx.quick ? quick : full);
	const label = (ctx: BenchContext) => `${Math.round(size(ctx) / MIB)}mib`;
	return {
		id,
		title,
		items: () => 1,
		bytes: size,
		timeoutMs: 15 * 60_000,
		async prepare(ctx) {
			await writeFile(join(ctx.bench.dataDir, `upload-${label(ctx)}.bin`), size(ctx));
			if (!ctx.loopbackBytesPerSecond) await measureLoopback(ctx);
		},
		// The target compares each run with a loopback upload measured just before it.
		beforeOurRun: full > 250 * MIB ? measureLoopback : undefined,
		plan: (ctx, side) => plan(ctx, side, label(ctx)),
		control: (ctx) => ({
			workflow: chain(`bench: read ${label(ctx)} (control)`, [
				readFiles(join(ctx.bench.dataDir, `upload-${label(ctx)}.bin`)),
			]),
			node: 'Files',
			label: `reading the file alone (Read/Write Files from Disk, ${ctx.binaryDataMode} binary mode)`,
		}),
		limit(ctx) {
			const bps = ctx.loopbackBytesPerSecond ?? NaN;
			return {
				ms: (size(ctx) / bps) * 1000,
				formula: `${Math.round(size(ctx) / MIB)} MiB at the loopback ${(bps / MIB).toFixed(0)} MiB/s`,
			};
		},
		notes:
			full > 250 * MIB
				? { 'built-in': "n8n's node can't: one simple PUT, refused over 250 MB" }
				: undefined,
		target:
			full > 250 * MIB ? 'peak RSS growth < 150 MB, >= 70% of the loopback throughput' : undefined,
	};
}

/** The emulator's upload throughput for a plain streaming client (1 GiB, or 256 MiB with --quick). */
export async function measureLoopback(ctx: BenchContext): Promise<void> {
	const bytes = ctx.quick ? 256 * MIB : 1024 * MIB;
	const token = await appToken(ctx.bench.loginUrl, ctx.ids.tenantId, 'Document Archive');
	const result = await loopbackUpload(ctx.bench.graphUrl, token, ctx.ids.siteId, bytes);
	ctx.loopbackBytesPerSecond = result.bytesPerSecond;
	ctx.log(
		`loopback: ${Math.round(bytes / MIB)} MiB in ${(result.ms / 1000).toFixed(1)} s = ${(
			result.bytesPerSecond / MIB
		).toFixed(0)} MiB/s (${result.requests} PUTs)`,
	);
}

export const upload200 = uploadScenario(
	'upload-200mib',
	'Upload 200 MiB to SharePoint',
	200 * MIB,
	64 * MIB,
);
export const upload1g = uploadScenario(
	'upload-1gib',
	'Upload 1 GiB to SharePoint',
	1024 * MIB,
	256 * MIB,
);
