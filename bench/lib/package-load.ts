/**
 * What loading the package costs n8n: every credential and node file package.json's `n8n`
 * section lists, required from dist/ and constructed in a fresh Node process each time
 * (bench/lib/package-load-child.cjs), medians of a few processes; and whether any permissions
 * file was read during the load (nodes/shared/graph/permissions.ts reads its ~550 KB catalogue on
 * the first look-up, not at load).
 *
 *   npx tsx bench/lib/package-load.ts [package dir] [runs]   # prints the JSON summary
 */
/* eslint-disable @n8n/community-nodes/no-dangerous-functions -- a benchmark, not node code: it runs Node itself */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface PackageLoadRun {
	node: string;
	files: number;
	classes: number;
	ms: number;
	rssGrowth: number;
	heapGrowth: number;
	modulesRequired: number;
	jsonRequired: string[];
	permissionsFilesOpened: string[];
	permissionsFilesRequired: string[];
}

export interface PackageLoadResult {
	packageDir: string;
	runs: number;
	node: string;
	files: number;
	classes: number;
	/** Medians over the runs. */
	ms: number;
	rssGrowth: number;
	heapGrowth: number;
	modulesRequired: number;
	/** Permissions files read or required during the load, in any run (empty: none). */
	permissionsFiles: string[];
}

const CHILD = join(__dirname, 'package-load-child.cjs');

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function measurePackageLoad(packageDir: string, runs = 5): PackageLoadResult {
	const results: PackageLoadRun[] = [];
	for (let i = 0; i < runs; i++) {
		const out = execFileSync(process.execPath, ['--expose-gc', CHILD, packageDir], {
			encoding: 'utf8',
			// No preloads (tsx, the e2e DNS map) from this process: a plain Node, as n8n's.
			env: { ...process.env, NODE_OPTIONS: '' },
		});
		results.push(JSON.parse(out.trim().split('\n').pop()!) as PackageLoadRun);
	}
	const first = results[0];
	return {
		packageDir,
		runs,
		node: first.node,
		files: first.files,
		classes: first.classes,
		ms: median(results.map((r) => r.ms)),
		rssGrowth: median(results.map((r) => r.rssGrowth)),
		heapGrowth: median(results.map((r) => r.heapGrowth)),
		modulesRequired: median(results.map((r) => r.modulesRequired)),
		permissionsFiles: [
			...new Set(
				results.flatMap((r) => [...r.permissionsFilesOpened, ...r.permissionsFilesRequired]),
			),
		],
	};
}

const MB = 1e6;

/** One line for the bench output and README. */
export function describePackageLoad(r: PackageLoadResult): string {
	return (
		`Package load (${r.files} files from package.json's \`n8n\` section, ${r.classes} classes constructed, fresh Node ${r.node} process, median of ${r.runs}): ` +
		`${r.ms.toFixed(0)} ms, RSS +${(r.rssGrowth / MB).toFixed(1)} MB, heap +${(r.heapGrowth / MB).toFixed(1)} MB, ${r.modulesRequired} modules required; ` +
		(r.permissionsFiles.length
			? `permissions files read during the load: ${r.permissionsFiles.join(', ')}.`
			: 'no permissions file read.')
	);
}

if (require.main === module) {
	const dir = process.argv[2] ?? join(__dirname, '..', '..');
	const runs = Number(process.argv[3] ?? 5);
	const result = measurePackageLoad(dir, runs);
	console.log(JSON.stringify(result, null, '\t'));
	console.log(describePackageLoad(result));
}
