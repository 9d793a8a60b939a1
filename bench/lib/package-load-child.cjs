/*
 * One package load, in a fresh Node process (spawned by bench/lib/package-load.ts):
 *
 *   node --expose-gc bench/lib/package-load-child.cjs <package dir>
 *
 * Requires every credential and node file that <package dir>/package.json's `n8n` section lists
 * (the built dist/ files) and constructs each exported class, as n8n's loader does at start-up,
 * and prints one JSON line: time, RSS and heap growth, the files read during the load and the
 * modules required. n8n-workflow (n8n's own, already loaded in n8n) is required before the
 * baseline, so the figures are the package's own cost.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const dir = path.resolve(process.argv[2] || '.');
const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
const files = [...(pkg.n8n.credentials || []), ...(pkg.n8n.nodes || [])];
require(require.resolve('n8n-workflow', { paths: [dir] }));

// Every file opened or read through fs from here on (Node's CommonJS loader reads .js and
// .json modules through these functions too; require.cache below is the second witness).
const opened = new Set();
for (const name of ['readFileSync', 'openSync', 'readFile', 'open', 'createReadStream']) {
	const original = fs[name];
	fs[name] = function (file, ...rest) {
		if (typeof file === 'string') opened.add(path.resolve(file));
		else if (file instanceof URL) opened.add(file.pathname);
		return original.call(this, file, ...rest);
	};
}
const cachedBefore = new Set(Object.keys(require.cache));

global.gc();
const rssBefore = process.memoryUsage().rss;
const heapBefore = process.memoryUsage().heapUsed;
const started = process.hrtime.bigint();
let classes = 0;
for (const file of files) {
	const exported = require(path.join(dir, file));
	for (const value of Object.values(exported)) {
		if (typeof value !== 'function') continue;
		new value();
		classes++;
	}
}
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const rssAfterLoad = process.memoryUsage().rss;
global.gc();
const heapAfter = process.memoryUsage().heapUsed;

const required = Object.keys(require.cache).filter((f) => !cachedBefore.has(f));
const permissionsFile = (f) => /permissions[^/]*\.json$/i.test(f);
process.stdout.write(
	JSON.stringify({
		node: process.version,
		files: files.length,
		classes,
		ms,
		rssGrowth: rssAfterLoad - rssBefore,
		heapGrowth: heapAfter - heapBefore,
		modulesRequired: required.length,
		jsonRequired: required.filter((f) => f.endsWith('.json')).map((f) => path.relative(dir, f)),
		permissionsFilesOpened: [...opened].filter(permissionsFile).map((f) => path.relative(dir, f)),
		permissionsFilesRequired: required.filter(permissionsFile).map((f) => path.relative(dir, f)),
	}) + '\n',
);
