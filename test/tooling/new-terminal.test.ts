/**
 * The README's commands in a new terminal: a shell whose PATH has only the machine's Node (20 on
 * these machines), nothing sourced. npm puts <repo>/node_modules/.bin first on the PATH of every
 * script it runs (package scripts, `npm exec`/`npx`, and the install scripts of dependencies);
 * the devDependency `node` (the node@24 npm package) puts a Node 24 `node` there, so every
 * `#!/usr/bin/env node` tool a script starts (jest, tsc, tsx, eslint) runs on Node 24.
 *
 * `npm install` itself was checked by hand the same way (a clean clone, `env -i PATH=/usr/bin:/bin`,
 * Node 20's npm): isolated-vm's install script then finds its Node 24 prebuilt binary instead of
 * compiling for Node 20, which fails.
 */
/* eslint-disable @n8n/community-nodes/no-dangerous-functions -- the test runs npm, as a user would */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '..', '..');

/** This process's PATH without what npm or ensure-node24.sh put first: the machine's own PATH. */
function machinePath(): string {
	return (process.env.PATH ?? '/usr/bin:/bin')
		.split(delimiter)
		.filter((dir) => dir && !dir.includes('node_modules') && !dir.includes('.tools'))
		.join(delimiter);
}

/** Runs `command` as a new terminal would: `env -i` with only PATH and HOME, a login bash. */
function newTerminal(command: string, extraEnv: Record<string, string> = {}): string {
	const env = Object.entries({
		PATH: machinePath(),
		HOME: process.env.HOME ?? '/root',
		...extraEnv,
	}).map(([k, v]) => `${k}=${v}`);
	return execFileSync('env', ['-i', ...env, 'bash', '-lc', `cd '${repoRoot}' && ${command}`], {
		encoding: 'utf8',
		timeout: 120_000,
	});
}

const major = (version: string) => Number(/v?(\d+)\./.exec(version)?.[1] ?? 0);

describe("the README's commands in a new terminal (PATH without Node 24)", () => {
	beforeAll(() => {
		if (!existsSync(join(repoRoot, 'node_modules', '.bin', 'node')))
			throw new Error(
				'node_modules/.bin/node is missing: run `npm install` (package.json lists the node@24 npm package as a devDependency)',
			);
	});

	it("the machine's PATH is the one a new terminal gets (its node is printed for the record)", () => {
		const version = newTerminal('node --version').trim();
		// On these machines it is Node 20; where the machine already has Node 24 the test below
		// proves less, but still holds.
		console.log(`node on the machine's PATH: ${version}`);
		expect(version).toMatch(/^v\d+\./);
	});

	it('npm exec / npx run Node 24', () => {
		expect(major(newTerminal('npm exec -c "node --version"'))).toBeGreaterThanOrEqual(24);
		expect(major(newTerminal('npx tsx -e "console.log(process.version)"'))).toBeGreaterThanOrEqual(
			24,
		);
	});

	it('`npm test` starts jest on Node 24', () => {
		// Every Node process started records its version and script; npm itself runs on the
		// machine's Node, jest must not.
		const dir = mkdtempSync(join(tmpdir(), 'new-terminal-'));
		try {
			const record = join(dir, 'record.cjs');
			const out = join(dir, 'versions.txt');
			writeFileSync(
				record,
				`require('node:fs').appendFileSync(${JSON.stringify(out)}, process.version + ' ' + (process.argv[1] || '') + '\\n');\n`,
			);
			newTerminal('npm test -- --listTests >/dev/null', {
				NODE_OPTIONS: `--require ${record}`,
			});
			const lines = readFileSync(out, 'utf8').trim().split('\n');
			const jest = lines.filter((line) => /[/\\]jest(\.js)?$/.test(line.split(' ')[1] ?? ''));
			expect(jest.length).toBeGreaterThan(0);
			for (const line of jest) expect(major(line)).toBeGreaterThanOrEqual(24);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
