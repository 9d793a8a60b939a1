/**
 * Renders the README's permissions table from the Graph calls every operation declares
 * (`export const graphCalls = declareGraphCalls([...])` in
 * `nodes/<Node>/actions/<resource>/<operation>.operation.ts`, see nodes/shared/operations.ts)
 * and Microsoft's permissions catalogue, between `<!-- permissions:start -->` and
 * `<!-- permissions:end -->` in README.md.
 *
 *   npx tsx scripts/generate-permissions-table.ts            # write README.md
 *   npx tsx scripts/generate-permissions-table.ts --check    # exit 1 if README.md is stale
 *   options: --root DIR (where nodes/ is; `dist` works too), --readme FILE
 *
 * Operations are found by walking nodes/ (no central registry to keep in step): node, resource
 * and operation come from the path; a file may override them with `export const operationInfo
 * = { node?, resource?, operation? }`. A missing or empty `graphCalls`, or a path the catalogue
 * does not know, fails the run.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import {
	GraphCallDeclaration,
	needsAdminConsent,
	OperationDeclaration,
	operationPermissions,
	SchemeRequirement,
	validateDeclarations,
} from '../nodes/shared/operations';

export const START_MARKER = '<!-- permissions:start -->';
export const END_MARKER = '<!-- permissions:end -->';

const OPERATION_FILE = /\.operation\.(ts|js)$/;

/** `MicrosoftGraphMail` -> `Microsoft Graph Mail`. */
function humanize(name: string): string {
	return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2');
}

const displayNames = new Map<string, string>();

/** The node's display name from its `<Node>.node.(ts|js)` class, else the folder name spaced out. */
function nodeDisplayName(nodesDir: string, node: string): string {
	if (!displayNames.has(node)) {
		let name = humanize(node);
		for (const ext of ['ts', 'js']) {
			const file = join(nodesDir, node, `${node}.node.${ext}`);
			if (!existsSync(file)) continue;
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const mod = require(file) as Record<string, unknown>;
			for (const exported of Object.values(mod)) {
				if (typeof exported !== 'function') continue;
				const instance = new (exported as new () => { description?: { displayName?: string } })();
				if (instance.description?.displayName) name = instance.description.displayName;
				break;
			}
			break;
		}
		displayNames.set(node, name);
	}
	return displayNames.get(node)!;
}

/**
 * Finds `nodes/<Node>/actions/<resource>/<operation>.operation.(ts|js)` (and a trigger's
 * `nodes/<Node>/trigger/<name>.operation.(ts|js)`) under `root` and reads their declarations.
 */
export function collectDeclarations(root: string): OperationDeclaration[] {
	const nodesDir = join(root, 'nodes');
	if (!existsSync(nodesDir)) return [];
	const files = (readdirSync(nodesDir, { recursive: true }) as string[])
		.filter((f) => OPERATION_FILE.test(f) && !f.endsWith('.d.ts'))
		.filter((f) => f.split(sep).includes('actions') || f.split(sep).includes('trigger'))
		.sort();
	// Prefer sources over compiled files when both exist.
	const seen = new Set<string>();
	const out: OperationDeclaration[] = [];
	for (const file of files) {
		const key = file.replace(OPERATION_FILE, '');
		if (seen.has(key)) continue;
		seen.add(key);
		const parts = file.split(sep);
		const node = parts[0];
		const actions = parts.indexOf('actions');
		const resource = parts[actions + 1] && actions + 2 < parts.length ? parts[actions + 1] : '';
		const operation = parts[parts.length - 1].replace(OPERATION_FILE, '');
		const full = join(nodesDir, file);
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const mod = require(full) as {
			graphCalls?: readonly GraphCallDeclaration[];
			operationInfo?: Partial<Pick<OperationDeclaration, 'node' | 'resource' | 'operation'>>;
		};
		out.push({
			node: mod.operationInfo?.node ?? nodeDisplayName(nodesDir, node),
			resource: mod.operationInfo?.resource ?? resource,
			operation: mod.operationInfo?.operation ?? operation,
			graphCalls: mod.graphCalls ?? [],
			source: relative(root, full),
		});
	}
	return out;
}

function cell(req: SchemeRequirement, scheme: 'delegated' | 'application'): string {
	if (req.required.length === 0 && req.conditional.length === 0) return 'not available';
	const mark = (p: string) =>
		scheme === 'delegated' && needsAdminConsent(p, scheme) ? `${p}\\*` : p;
	const parts = req.required.map(mark);
	for (const c of req.conditional) parts.push(`${mark(c.permission)} (${c.when})`);
	let text = parts.join(', ');
	if (req.unsupported.length) {
		const calls = req.unsupported.map((c) => `${c.method} ${c.path}`).join(', ');
		text += ` (not: ${calls})`;
	}
	return text.replace(/\|/g, '\\|');
}

/** The Markdown table: node, resource, operation, least-privileged delegated and application permissions. */
export function renderPermissionsTable(operations: readonly OperationDeclaration[]): string {
	const sorted = [...operations].sort(
		(a, b) =>
			a.node.localeCompare(b.node) ||
			a.resource.localeCompare(b.resource) ||
			a.operation.localeCompare(b.operation),
	);
	const lines = [
		'| Node | Resource | Operation | Delegated (least privileged) | Application (least privileged) |',
		'| --- | --- | --- | --- | --- |',
	];
	for (const op of sorted) {
		const perms = operationPermissions(op.graphCalls);
		lines.push(
			`| ${op.node} | ${op.resource} | ${op.operation} | ${cell(perms.delegated, 'delegated')} | ${cell(perms.application, 'application')} |`,
		);
	}
	if (sorted.length === 0) lines.push('| _no operations yet_ | | | | |');
	lines.push(
		'',
		"\\* needs admin consent. Application permissions always need admin consent. Generated by `scripts/generate-permissions-table.ts` from the Graph calls each operation declares and Microsoft's permissions catalogue.",
	);
	return lines.join('\n');
}

/** The README with `table` between the markers; throws if the markers are missing. */
export function replaceBetweenMarkers(readme: string, table: string): string {
	const start = readme.indexOf(START_MARKER);
	const end = readme.indexOf(END_MARKER);
	if (start < 0 || end < 0 || end < start)
		throw new Error(`README has no ${START_MARKER} ... ${END_MARKER} section`);
	return `${readme.slice(0, start + START_MARKER.length)}\n${table}\n${readme.slice(end)}`;
}

export interface RunResult {
	ok: boolean;
	messages: string[];
}

export function run(argv: string[]): RunResult {
	const arg = (name: string) => {
		const i = argv.indexOf(name);
		return i >= 0 ? argv[i + 1] : undefined;
	};
	const root = resolve(arg('--root') ?? join(__dirname, '..'));
	const readmePath = resolve(arg('--readme') ?? join(__dirname, '..', 'README.md'));
	const check = argv.includes('--check');
	const operations = collectDeclarations(root);
	const problems = validateDeclarations(operations);
	if (problems.length) return { ok: false, messages: problems };
	const readme = readFileSync(readmePath, 'utf8');
	let updated: string;
	try {
		updated = replaceBetweenMarkers(readme, renderPermissionsTable(operations));
	} catch (error) {
		return {
			ok: false,
			messages: [`${relative(process.cwd(), readmePath)}: ${(error as Error).message}`],
		};
	}
	if (updated === readme)
		return {
			ok: true,
			messages: [`permissions table up to date (${operations.length} operations)`],
		};
	if (check)
		return {
			ok: false,
			messages: [
				`${relative(process.cwd(), readmePath)}: the permissions table is stale; run npx tsx scripts/generate-permissions-table.ts`,
			],
		};
	writeFileSync(readmePath, updated);
	return { ok: true, messages: [`wrote the permissions table (${operations.length} operations)`] };
}

if (require.main === module) {
	const result = run(process.argv.slice(2));
	for (const message of result.messages) (result.ok ? console.log : console.error)(message);
	process.exit(result.ok ? 0 : 1);
}
