/**
 * Every operation of the package with the Graph calls it declares: found by walking `nodes/`
 * for `actions/<resource>/<operation>.operation.(ts|js)` and `trigger/<name>.operation.(ts|js)`
 * files and reading their `graphCalls`. The one source for the README's permissions table
 * (scripts/generate-permissions-table.ts) and for the permission self-test (permission-check.ts),
 * so the two cannot disagree. At run time (n8n) the walk reads the compiled `dist/nodes`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { GraphCallDeclaration, OperationDeclaration } from './operations';

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

let packageOperations: OperationDeclaration[] | undefined;

/** The operations of this package (walked once per process; `nodes/shared/..` is the root). */
export function allOperations(): OperationDeclaration[] {
	packageOperations ??= collectDeclarations(join(__dirname, '..', '..'));
	return packageOperations;
}
