/**
 * CONTRIBUTING.md's "How to add an operation", followed to the letter: the repository's nodes,
 * credentials, scripts and build files are copied to a temporary folder, every `file=` block of
 * the walk-through is applied there as written (a `ts` block is a new file, a `diff` block adds
 * its `+` lines where its unchanged lines stand), then the walk-through's commands that change
 * or build the package are run (`npm run generate:permissions`, `npm run build`), and the built
 * node is loaded as n8n loads it. A step that names a wrong file, lines that are not in the file,
 * code that does not compile or an operation that does not reach the node fails this test.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- the built node is loaded as n8n loads it. */
import { execFileSync } from 'node:child_process';
import {
	cpSync,
	existsSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { INodePropertyOptions, INodeType } from 'n8n-workflow';

const repoRoot = resolve(__dirname, '..', '..');
const SECTION = '## How to add an operation';

export interface Step {
	kind: 'create' | 'diff' | 'command';
	/** File the step writes (create, diff), relative to the repository. */
	file?: string;
	body: string;
}

/** The walk-through's steps, in order: fenced blocks of its section, indentation removed. */
export function walkthroughSteps(markdown: string): Step[] {
	const start = markdown.indexOf(SECTION);
	if (start < 0) throw new Error(`CONTRIBUTING.md has no "${SECTION}" section`);
	const rest = markdown.slice(start + SECTION.length);
	const end = rest.search(/^## /m);
	const section = end < 0 ? rest : rest.slice(0, end);
	const steps: Step[] = [];
	const fence = /^([ \t]*)```(\w+)([^\n]*)\n([\s\S]*?)^\1```[ \t]*$/gm;
	for (let m = fence.exec(section); m; m = fence.exec(section)) {
		const [, indent, lang, info, raw] = m;
		const body = raw
			.split('\n')
			.map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line.trimStart()))
			.join('\n');
		const file = /\bfile=(\S+)/.exec(info)?.[1];
		if (lang === 'sh') steps.push({ kind: 'command', body });
		else if (file && lang === 'diff') steps.push({ kind: 'diff', file, body });
		else if (file) steps.push({ kind: 'create', file, body });
	}
	return steps;
}

/** Adds a diff block's `+` lines to `source` where its unchanged lines stand (exactly once). */
export function applyDiff(source: string, diff: string, file: string): string {
	const lines = diff.replace(/\n+$/, '').split('\n');
	const context: Array<{ text: string; added: string[] }> = [];
	const leading: string[] = [];
	for (const line of lines) {
		if (line.startsWith('+')) {
			(context.length ? context[context.length - 1].added : leading).push(line.slice(1));
		} else if (line.startsWith(' ') || line === '') {
			context.push({ text: line.slice(1), added: [] });
		} else throw new Error(`${file}: a diff line must start with " " or "+": ${line}`);
	}
	if (leading.length || context.length === 0)
		throw new Error(`${file}: a diff block must start with an unchanged line`);
	const fileLines = source.split('\n');
	const same = (a: string, b: string) => a.trim() === b.trim();
	const matches: number[] = [];
	for (let i = 0; i + context.length <= fileLines.length; i++)
		if (context.every((c, k) => same(fileLines[i + k], c.text))) matches.push(i);
	if (matches.length !== 1)
		throw new Error(
			`${file}: the unchanged lines of a step stand ${matches.length} times in the file (must be once):\n${context.map((c) => c.text).join('\n')}`,
		);
	const out = fileLines.slice(0, matches[0]);
	context.forEach((c, k) => out.push(fileLines[matches[0] + k], ...c.added));
	out.push(...fileLines.slice(matches[0] + context.length));
	return out.join('\n');
}

/** Applies the file steps in `root`; returns the commands, in order. */
export function applySteps(root: string, steps: Step[]): string[] {
	const commands: string[] = [];
	for (const step of steps) {
		if (step.kind === 'command') {
			commands.push(
				...step.body
					.split('\n')
					.map((l) => l.trim())
					.filter(Boolean),
			);
			continue;
		}
		const target = join(root, step.file!);
		if (step.kind === 'create') {
			if (existsSync(target)) throw new Error(`${step.file} exists already`);
			if (!existsSync(dirname(target)))
				throw new Error(`${step.file}: its folder ${dirname(step.file!)} does not exist`);
			writeFileSync(target, step.body);
		} else {
			if (!existsSync(target)) throw new Error(`${step.file} does not exist`);
			writeFileSync(target, applyDiff(readFileSync(target, 'utf8'), step.body, step.file!));
		}
	}
	return commands;
}

const markdown = readFileSync(join(repoRoot, 'CONTRIBUTING.md'), 'utf8');

describe("CONTRIBUTING.md's walk-through, parsed", () => {
	it('has a new operation file and edits of the resource index', () => {
		const steps = walkthroughSteps(markdown);
		expect(steps.filter((s) => s.kind === 'create')).toHaveLength(1);
		expect(steps.filter((s) => s.kind === 'diff').length).toBeGreaterThanOrEqual(3);
		expect(steps.some((s) => s.kind === 'command' && /npm run build/.test(s.body))).toBe(true);
	});

	it('fails on a step that names a wrong file', () => {
		const root = mkdtempSync(join(tmpdir(), 'm365-walkthrough-'));
		try {
			cpSync(join(repoRoot, 'nodes'), join(root, 'nodes'), { recursive: true });
			const wrong = markdown.replace(
				/diff file=nodes\/Microsoft365EntraId\/actions\/user\/index\.ts/,
				'diff file=nodes/Microsoft365EntraId/actions/users/index.ts',
			);
			expect(() => applySteps(root, walkthroughSteps(wrong))).toThrow(/does not exist/);
		} finally {
			rmSync(root, { recursive: true, force: true });
		}
	});

	it('fails on a step whose unchanged lines are not in the file', () => {
		expect(() =>
			applyDiff("import * as a from './a';\n", " import * as b from './b';\n+x\n", 'index.ts'),
		).toThrow(/stand 0 times/);
	});
});

describe("CONTRIBUTING.md's walk-through, followed on a copy of the repository", () => {
	let root: string;
	let commands: string[];

	beforeAll(() => {
		root = mkdtempSync(join(tmpdir(), 'm365-walkthrough-'));
		for (const entry of [
			'nodes',
			'credentials',
			'scripts',
			'package.json',
			'tsconfig.json',
			'tsconfig.build.json',
			'gulpfile.js',
			'README.md',
		])
			cpSync(join(repoRoot, entry), join(root, entry), { recursive: true });
		symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
		commands = applySteps(root, walkthroughSteps(markdown));
	});

	afterAll(() => {
		if (root) rmSync(root, { recursive: true, force: true });
	});

	function run(command: string): void {
		const [bin, ...args] = command.split(/\s+/);
		// The walk-through's own commands, run as a contributor runs them (a test, not node code).
		// eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions
		execFileSync(bin, args, { cwd: root, stdio: 'pipe', encoding: 'utf8' });
	}

	it('regenerates the permissions table with the new operation', () => {
		expect(commands).toContain('npm run generate:permissions');
		run('npm run generate:permissions');
		expect(readFileSync(join(root, 'README.md'), 'utf8')).toMatch(
			/\| Microsoft 365 Entra ID \| user \| getLicenseDetails \| [^|]+\| [^|]+\|/,
		);
	}, 120_000);

	it('builds, and the built node offers and routes the new operation', () => {
		expect(commands).toContain('npm run build');
		try {
			run('npm run build');
		} catch (error) {
			const e = error as { stdout?: string; stderr?: string };
			throw new Error(`npm run build failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
		}
		const dist = join(root, 'dist', 'nodes', 'Microsoft365EntraId');
		const { Microsoft365EntraId } = require(join(dist, 'Microsoft365EntraId.node.js')) as {
			Microsoft365EntraId: new () => INodeType;
		};
		const description = new Microsoft365EntraId().description;
		const selector = description.properties.find(
			(p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes('user'),
		);
		const option = (selector?.options as INodePropertyOptions[]).find(
			(o) => o.value === 'getLicenseDetails',
		);
		expect(option).toMatchObject({
			name: 'Get License Details',
			action: 'Get license details of a user',
		});
		expect(description.subtitle).toContain('"user:getLicenseDetails":"Get License Details: User"');
		const user = require(join(dist, 'actions', 'user', 'index.js')) as {
			operations: Record<string, { execute?: unknown }>;
		};
		expect(typeof user.operations.getLicenseDetails?.execute).toBe('function');
		expect(existsSync(join(dist, 'Microsoft365EntraId.node.json'))).toBe(true);
	}, 300_000);
});
