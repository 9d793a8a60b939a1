/**
 * A 200 MB file through n8n with binary data in filesystem mode
 * (N8N_DEFAULT_BINARY_DATA_MODE=filesystem, set by the global setup): read from disk by n8n's
 * "Read/Write Files from Disk" node, uploaded by our SharePoint node (upload session, chunks).
 * The emulator stores the same bytes (sha256), and n8n's memory growth is measured from /proc
 * and printed — for reading the file alone and for reading plus uploading — never asserted (GC
 * timing makes RSS noisy); the bounded memory of the upload itself is proven by the chunked PUTs.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { chain, e2e, expectSuccess, runOnce } from './helpers';

const ctx = e2e();
const SIZE = 200 * 1024 * 1024;
const DRIVE = 'contoso.sharepoint.com:/sites/reports/Reports';

/** Writes `size` bytes of deterministic, incompressible-looking data; returns their sha256. */
async function writeLargeFile(file: string, size: number): Promise<string> {
	const hash = createHash('sha256');
	const out = createWriteStream(file);
	const chunk = Buffer.alloc(1024 * 1024);
	let seed = 0x2545f491;
	for (let written = 0; written < size; written += chunk.length) {
		for (let i = 0; i < chunk.length; i += 4) {
			seed ^= seed << 13;
			seed ^= seed >>> 17;
			seed ^= seed << 5;
			chunk.writeInt32LE(seed | 0, i);
		}
		const part = chunk.subarray(0, Math.min(chunk.length, size - written));
		hash.update(part);
		if (!out.write(part)) await once(out, 'drain');
	}
	out.end();
	await once(out, 'finish');
	return hash.digest('hex');
}

/** Resident memory (bytes) of a process, from /proc. */
function rss(pid: number): number {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	return Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? 0) * 1024;
}

/** Runs a workflow while sampling n8n's RSS every 100 ms; returns the execution and the growth. */
async function measured(workflow: Parameters<typeof runOnce>[1]) {
	const pid = ctx.state.n8nPid!;
	const baseline = rss(pid);
	let peak = baseline;
	const sampler = setInterval(() => {
		try {
			peak = Math.max(peak, rss(pid));
		} catch {
			// process gone: the run fails anyway
		}
	}, 100);
	try {
		const execution = await runOnce(ctx.n8n, workflow);
		expectSuccess(execution);
		return { baseline, peak, growth: peak - baseline };
	} finally {
		clearInterval(sampler);
	}
}

const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;

test('200 MB SharePoint upload in binary filesystem mode: same bytes stored, memory growth printed', async () => {
	expect(ctx.state.binaryDataMode).toBe('filesystem');
	const file = join(ctx.state.filesDir, 'large-report.bin');
	const sha256 = await writeLargeFile(file, SIZE);
	const readFile = {
		name: 'Read File',
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1,
		parameters: { operation: 'read', fileSelector: file, options: {} },
	};
	const delegated = ctx.state.credentials!['m365-demo-delegated'];
	const upload = {
		name: 'Upload',
		type: 'n8n-nodes-m365.microsoft365SharePoint',
		typeVersion: 1,
		parameters: {
			authentication: 'delegated',
			resource: 'file',
			operation: 'upload',
			site: { __rl: true, mode: 'url', value: 'https://contoso.sharepoint.com/sites/reports' },
			library: {
				__rl: true,
				mode: 'id',
				value: 'b!THsqXh-dOk62yA8eLTxLAtTDsqH25XtKjJ0OHyo7TAKj8uHQxbRuTY96mwwdLj8D',
			},
			folderPath: '/Large',
			binaryPropertyName: 'data',
			fileName: 'large-report.bin',
			conflictBehavior: 'replace',
			options: { createFolders: true },
		},
		credentials: { microsoft365OAuth2Api: { id: delegated.id, name: delegated.name } },
	};
	try {
		// n8n's own part (reading the file into filesystem binary data), then the same plus our upload.
		const read = await measured(chain('e2e 200 MB read only', [readFile]));
		const mark = await ctx.mark();
		const both = await measured(chain('e2e 200 MB upload', [readFile, upload]));

		const stored = await ctx.admin(
			'GET',
			`drives/item?drive=${encodeURIComponent(DRIVE)}&path=${encodeURIComponent('/Large/large-report.bin')}`,
		);
		expect(stored.size).toBe(SIZE);
		expect(stored.sha256).toBe(sha256);

		// Streamed in chunks through an upload session, never one request with the whole file.
		const log = await ctx.logSince(mark);
		const chunks = log.filter((e) => e.method === 'PUT' && e.requestBytes > 0);
		expect(chunks.length).toBeGreaterThan(1);
		expect(Math.max(...chunks.map((e) => e.requestBytes))).toBeLessThan(SIZE / 2);

		console.log(
			`200 MB in binary filesystem mode, n8n RSS growth: read file only ${mb(read.growth)} ` +
				`(${mb(read.baseline)} → ${mb(read.peak)}); read file + SharePoint upload ${mb(both.growth)} ` +
				`(${mb(both.baseline)} → ${mb(both.peak)}); ${chunks.length} chunks of at most ` +
				`${mb(Math.max(...chunks.map((e) => e.requestBytes)))}`,
		);
	} finally {
		rmSync(file, { force: true });
	}
});
