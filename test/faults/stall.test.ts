/**
 * A stalled download: the emulator's latency fault holds the answer to a SharePoint download
 * (the pre-authenticated download URL) before its headers. The transport's per-attempt timeout
 * ends the attempt; a download is a read, so it is tried again, and after the attempts run out
 * the error says the request timed out.
 *
 * What this cannot cover: a body that stalls after the headers. In stream mode the transport's
 * timeout covers the request up to the answer's headers only (middleware.ts), and it has no idle
 * timeout for a response stream; the emulator's latency fault acts before the headers as well.
 */
import { Readable } from 'node:stream';
import { useEmulator } from '../helpers/emulator';
import { fileInput, libraryId, run } from '../sharepoint/helpers';
import { transportFor } from '../transport/helpers';
import { logSince } from './model';

const emulator = useEmulator();
const DOWNLOAD = '^/.*_layouts/15/download\\.aspx$';
const content = Buffer.from('stalled,download\n'.repeat(1000));
let downloadUrl = '';

beforeAll(async () => {
	const emu = emulator();
	const up = await run(
		emu,
		{
			resource: 'file',
			operation: 'upload',
			folderPath: 'stall',
			conflictBehavior: 'replace',
			fileName: 'stall.csv',
		},
		{ input: [fileInput(content, 'stall.csv')] },
	);
	expect(up.error).toBeUndefined();
	const { transport } = transportFor(emu, 'application', { roles: ['Sites.ReadWrite.All'] });
	const item = await transport.request<Record<string, string>>({
		effect: 'read',
		url: `/drives/${libraryId(emu)}/root:/stall/stall.csv:`,
	});
	downloadUrl = item['@microsoft.graph.downloadUrl'];
	expect(downloadUrl).toMatch(/download\.aspx/);
});

const STALL_MS = 1500;
// The stalled requests are still held by the emulator after the client gave up: let them end
// before the next test (and before the emulator and its files go away).
afterEach(async () => {
	emulator().faults.clear();
	await new Promise((resolve) => setTimeout(resolve, STALL_MS + 200));
});

async function download(timeoutMs: number, maxAttempts = 6) {
	const { transport } = transportFor(
		emulator(),
		'application',
		{},
		{
			timeoutMs,
			retry: { maxAttempts },
		},
	);
	const response = await transport.sendUnauthenticated<Readable>({
		effect: 'read',
		method: 'GET',
		url: downloadUrl,
		responseType: 'stream',
	});
	const chunks: Buffer[] = [];
	for await (const chunk of response.body) chunks.push(chunk as Buffer);
	return { body: Buffer.concat(chunks), stats: transport.stats };
}

test('the first answer stalls past the timeout: that attempt ends, the download is tried again and completes', async () => {
	const emu = emulator();
	emu.addFault({ kind: 'latency', latencyMs: STALL_MS, method: 'GET', path: DOWNLOAD, count: 1 });
	const mark = emu.mark();
	const started = Date.now();
	const { body, stats } = await download(400);
	expect(body.equals(content)).toBe(true);
	expect(stats.retries).toBe(1);
	expect(Date.now() - started).toBeLessThan(STALL_MS);
	expect(logSince(emu, mark).filter((e) => /download\.aspx/.test(e.path))).toHaveLength(2);
});

test('every answer stalls: the download ends after its attempts with an error that says it timed out', async () => {
	const emu = emulator();
	emu.addFault({ kind: 'latency', latencyMs: STALL_MS, method: 'GET', path: DOWNLOAD, count: 10 });
	const mark = emu.mark();
	const started = Date.now();
	const error = (await download(300, 3).then(
		() => undefined,
		(e: unknown) => e,
	)) as { message?: string; description?: string } | undefined;
	expect(error?.message).toMatch(
		/^No answer from .* for GET \/.*download\.aspx: the request timed out$/,
	);
	expect(error?.description).toMatch(/^timeout .*after 3 attempts\./);
	expect(Date.now() - started).toBeLessThan(3 * STALL_MS);
	expect(logSince(emu, mark).filter((e) => /download\.aspx/.test(e.path))).toHaveLength(3);
});
