/**
 * The CSDL contract checker (test/contract/contract.ts and csdl.json) is a test oracle: nothing
 * that `npm run build` compiles into dist/ may be it or import it. What the build compiles is
 * what tsconfig.build.json includes, so this test reads that file and checks the same files
 * without building anything.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

import directoryProperties from '../../nodes/shared/graph/generated/directory-properties.json';
import { graphCsdlSource, typeProperties } from './contract';

const repoRoot = resolve(__dirname, '..', '..');

interface BuildConfig {
	include: string[];
	exclude?: string[];
}

/** `credentials/**\/*.ts` -> the folder `credentials` and the suffix `.ts`. */
function parseGlob(glob: string): { dir: string; suffix: string } {
	const match = /^([^*]+)\/\*\*\/\*(\.[a-z.]+)$/.exec(glob);
	if (!match) throw new Error(`Unexpected glob in tsconfig.build.json: ${glob}`);
	return { dir: match[1], suffix: match[2] };
}

function walk(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = join(dir, entry.name);
		return entry.isDirectory() ? walk(full) : [full];
	});
}

function builtFiles(): string[] {
	const config = JSON.parse(
		readFileSync(join(repoRoot, 'tsconfig.build.json'), 'utf8'),
	) as BuildConfig;
	// The excludes are `**/*<suffix>` patterns (test files).
	const excludedSuffixes = (config.exclude ?? []).map((glob) => {
		const match = /^\*\*\/\*(\.[a-z.]+)$/.exec(glob);
		if (!match) throw new Error(`Unexpected exclude in tsconfig.build.json: ${glob}`);
		return match[1];
	});
	const files = new Set<string>();
	for (const { dir, suffix } of config.include.map(parseGlob)) {
		for (const file of walk(join(repoRoot, dir))) {
			if (!file.endsWith(suffix) || excludedSuffixes.some((s) => file.endsWith(s))) continue;
			files.add(relative(repoRoot, file));
		}
	}
	return [...files].sort();
}

/** Module specifiers of import/export ... from, import() and require() in a source file. */
function importsOf(source: string): string[] {
	const out: string[] = [];
	const pattern =
		/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
	for (let m = pattern.exec(source); m; m = pattern.exec(source)) out.push(m[1]);
	return out;
}

describe('what the build ships', () => {
	const files = builtFiles();

	it('reads the files tsconfig.build.json compiles', () => {
		expect(files).toContain('nodes/Microsoft365EntraId/select.ts');
		expect(files).toContain('nodes/shared/graph/permissions.ts');
		expect(files).toContain('nodes/shared/graph/generated/permissions.json');
		expect(files.some((f) => f.startsWith('credentials/'))).toBe(true);
		expect(files.some((f) => f.endsWith('.test.ts'))).toBe(false);
	});

	it('holds no copy of the CSDL contract checker or its extract', () => {
		expect(files.filter((f) => /(^|\/)(contract\.ts|csdl\.json)$/.test(f))).toEqual([]);
	});

	it('imports neither the contract checker nor the CSDL extract', () => {
		const offending = files
			.filter((f) => f.endsWith('.ts'))
			.flatMap((f) =>
				importsOf(readFileSync(join(repoRoot, f), 'utf8'))
					.filter((spec) => /(^|\/)(contract|csdl(\.json)?)$/.test(spec))
					.map((spec) => `${f} imports ${spec}`),
			);
		expect(offending).toEqual([]);
	});
});

describe("the Entra ID node's directory-properties.json", () => {
	it('comes from the same CSDL as the contract extract', () => {
		expect(directoryProperties.source).toEqual(graphCsdlSource);
	});

	it.each(['user', 'group', 'directoryRole'] as const)(
		'lists the properties of %s the contract checker knows, in its order',
		(type) => {
			expect(directoryProperties.properties[type]).toEqual(typeProperties(type));
		},
	);
});
