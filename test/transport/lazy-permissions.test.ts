/**
 * n8n requires every node and credential module the package lists and constructs its class at
 * start-up. Doing that must not read the ~550 KB permissions extract: it is required on the
 * first permission look-up (nodes/shared/graph/permissions.ts).
 */
/* eslint-disable @typescript-eslint/no-require-imports -- n8n loads the modules with require, and
   jest.isolateModules needs require to load them into a fresh module registry. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '..', '..');

interface PackageJson {
	n8n: { nodes: string[]; credentials: string[] };
}

/** `dist/nodes/X/X.node.js` -> the TypeScript source it is compiled from. */
function sourceOf(distPath: string): string {
	return join(repoRoot, distPath.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
}

function loadedPermissionsFiles(): string[] {
	return Object.keys(require.cache).filter((key) => key.endsWith('permissions.json'));
}

describe('loading the package', () => {
	const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as PackageJson;
	const modules = [...pkg.n8n.nodes, ...pkg.n8n.credentials].map(sourceOf);

	it('constructs every node and credential class without reading permissions.json', () => {
		expect(modules.length).toBeGreaterThanOrEqual(10);
		jest.isolateModules(() => {
			let classes = 0;
			for (const file of modules) {
				const exported = require(file) as Record<string, unknown>;
				for (const value of Object.values(exported)) {
					if (typeof value !== 'function') continue;
					const instance = new (value as new () => { description?: unknown; name?: unknown })();
					expect(instance.description ?? instance.name).toBeDefined();
					classes++;
				}
			}
			expect(classes).toBe(modules.length);
			expect(loadedPermissionsFiles()).toEqual([]);

			// The check sees the file once a look-up needs it.
			const permissions =
				require('../../nodes/shared/graph/permissions') as typeof import('../../nodes/shared/graph/permissions');
			expect(loadedPermissionsFiles()).toEqual([]);
			expect(permissions.permissionsFor('GET', '/me/messages', 'delegated')?.least).toBe(
				'Mail.ReadBasic',
			);
			expect(loadedPermissionsFiles()).toEqual([
				join(repoRoot, 'nodes/shared/graph/generated/permissions.json'),
			]);
		});
	});
});
