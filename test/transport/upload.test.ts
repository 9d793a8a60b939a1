import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
	ChunkReader,
	DEFAULT_UPLOAD_CHUNK_SIZE,
	fetchPreauthenticated,
	FileBytesReader,
	PreauthenticatedHttp,
	PreauthenticatedRequest,
	QuickXorHash,
	releaseSource,
	uploadLargeFile,
	uploadSmall,
	UploadSessionError,
	validateChunkSize,
} from '../../nodes/shared/transport/upload';
import { graph, mintToken, useEmulator } from '../helpers/emulator';

const emulator = useEmulator();
const MiB = 1024 * 1024;
const KIB320 = 320 * 1024;

let token: string;
let driveId: string;

beforeAll(() => {
	token = mintToken(emulator(), { roles: ['Sites.ReadWrite.All'] });
	driveId = emulator().drives.drive('contoso.sharepoint.com:/sites/reports/Reports').id;
});

/** `global.gc`, exposed at run time (jest runs without --expose-gc). */
function exposeGc(): () => void {
	setFlagsFromString('--expose-gc');
	return runInNewContext('gc') as () => void;
}

/** `size` deterministic bytes (xorshift32), produced 64 KiB at a time; `sha256()` after the end. */
function generated(size: number, seed = 0x9e3779b9): { stream: Readable; sha256: () => string } {
	const hash = createHash('sha256');
	let state = seed >>> 0 || 1;
	let produced = 0;
	const stream = new Readable({
		read() {
			if (produced >= size) {
				this.push(null);
				return;
			}
			const n = Math.min(64 * 1024, size - produced);
			const words = Buffer.allocUnsafe(Math.ceil(n / 4) * 4);
			for (let i = 0; i < words.length; i += 4) {
				state ^= state << 13;
				state ^= state >>> 17;
				state ^= state << 5;
				state >>>= 0;
				words.writeUInt32LE(state, i);
			}
			const chunk = words.subarray(0, n);
			hash.update(chunk);
			produced += n;
			this.push(chunk);
		},
	});
	return { stream, sha256: () => hash.digest('hex') };
}

function createSession(path: string, behavior = 'fail') {
	return async () => {
		const call = await graph(
			emulator(),
			'POST',
			`/drives/${driveId}/root:${path}:/createUploadSession`,
			token,
			{ item: { '@microsoft.graph.conflictBehavior': behavior } },
		);
		if (call.status !== 200) throw new Error(`createUploadSession: ${call.status}`);
		return call.body as { uploadUrl: string };
	};
}

/** Records every request to the upload URL (and lets a test act before each). */
function recording(before?: (request: PreauthenticatedRequest) => void): PreauthenticatedHttp & {
	calls: PreauthenticatedRequest[];
} {
	const calls: PreauthenticatedRequest[] = [];
	return {
		calls,
		async request(request) {
			calls.push({ ...request, body: undefined });
			before?.(request);
			return await fetchPreauthenticated.request(request);
		},
	};
}

describe('upload helpers', () => {
	test('chunk sizes are multiples of 320 KiB below 60 MiB', () => {
		expect(DEFAULT_UPLOAD_CHUNK_SIZE).toBe(32 * KIB320);
		expect(validateChunkSize(KIB320)).toBe(KIB320);
		expect(validateChunkSize(191 * KIB320)).toBe(191 * KIB320);
		for (const bad of [0, -KIB320, KIB320 + 1, 192 * KIB320, 60 * MiB, 1.5])
			expect(() => validateChunkSize(bad)).toThrow(UploadSessionError);
	});

	test('quickXorHash matches known vectors, whatever the pieces', () => {
		// Vectors from rclone's quickxorhash tests (base64 input -> base64 hash).
		const vectors: [string, string][] = [
			['', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA='],
			['Sg==', 'SgAAAAAAAAAAAAAAAQAAAAAAAAA='],
			['2fuxhBJXtpWFe8dOfdGeHw==', 'O9tHLAghgSvYohKFyMMxnNCHaHg='],
		];
		for (const [input, output] of vectors) {
			const data = Buffer.from(input, 'base64');
			expect(new QuickXorHash().update(data).digestBase64()).toBe(output);
			const pieces = new QuickXorHash();
			for (let i = 0; i < data.length; i += 3) pieces.update(data.subarray(i, i + 3));
			expect(pieces.digestBase64()).toBe(output);
		}
		const big = Buffer.alloc(1000, 7);
		const a = new QuickXorHash().update(big.subarray(0, 333));
		expect(a.copy().update(big.subarray(333)).digestBase64()).toBe(
			new QuickXorHash().update(big).digestBase64(),
		);
	});

	test('ChunkReader fills exact chunks from odd-sized pieces', async () => {
		const reader = new ChunkReader(
			Readable.from([Buffer.from('abc'), Buffer.from('defgh'), Buffer.from('ij')]),
		);
		const buffer = Buffer.alloc(4);
		const seen: string[] = [];
		for (;;) {
			const n = await reader.fill(buffer, 4);
			if (!n) break;
			seen.push(buffer.subarray(0, n).toString());
		}
		expect(seen).toEqual(['abcd', 'efgh', 'ij']);
	});
});

describe('upload sessions against the emulator', () => {
	test('100 MiB streamed, reset in the middle of chunk 4, resumed; bytes, requests and memory', async () => {
		const emu = emulator();
		const size = 100 * MiB;
		const source = generated(size);
		const chunk = DEFAULT_UPLOAD_CHUNK_SIZE;
		let uploadPath = '';
		let faulted = false;
		const http = recording((request) => {
			uploadPath ||= new URL(request.url).pathname;
		});
		const mark = emu.mark();

		// Transient TLS and stream buffers of both sides (the emulator runs in this process) are
		// garbage V8 collects only after ~64 MiB of external growth; a GC every 100 ms keeps the
		// samples close to live memory. Both figures are printed.
		const gc = exposeGc();
		gc();
		const baseline = process.memoryUsage();
		let peakRss = baseline.rss;
		let peakArrayBuffers = baseline.arrayBuffers;
		let peakHeap = baseline.heapUsed;
		let ticks = 0;
		const sampler = setInterval(() => {
			if (++ticks % 5 === 0) gc();
			const m = process.memoryUsage();
			peakRss = Math.max(peakRss, m.rss);
			peakArrayBuffers = Math.max(peakArrayBuffers, m.arrayBuffers);
			peakHeap = Math.max(peakHeap, m.heapUsed);
		}, 20);

		let result;
		try {
			result = await uploadLargeFile({
				createSession: createSession('/big/100mib.bin'),
				http,
				source: { stream: source.stream, size, fileName: '100mib.bin' },
				retry: { baseDelayMs: 10 },
				onProgress: ({ uploaded }) => {
					if (!faulted && uploaded === 3 * chunk) {
						faulted = true;
						// The connection drops after 3 MiB of the 4th chunk's body: the handler never runs.
						emu.addFault({
							kind: 'reset-before',
							method: 'PUT',
							path: uploadPath,
							count: 1,
							afterBytes: 3 * MiB,
						});
					}
				},
			});
		} finally {
			clearInterval(sampler);
		}

		expect(result.status).toBe(201);
		expect(result.body).toMatchObject({ name: '100mib.bin', size });
		expect(emu.drives.hash(driveId, '/big/100mib.bin')).toBe(source.sha256());

		const log = emu.since(mark).filter((e) => e.url.startsWith(uploadPath));
		const puts = log.filter((e) => e.method === 'PUT');
		const ranges = puts.map((e) => e.headers['content-range']);
		// 10 chunks + the one re-sent after the reset; only the failed chunk appears twice.
		expect(puts).toHaveLength(11);
		const failed = puts.filter((e) => e.fault === 'reset before handler');
		expect(failed).toHaveLength(1);
		expect(failed[0].headers['content-range']).toBe(`bytes ${3 * chunk}-${4 * chunk - 1}/${size}`);
		const repeated = ranges.filter((r, i) => ranges.indexOf(r) !== i);
		expect(repeated).toEqual([failed[0].headers['content-range']]);
		expect(log.filter((e) => e.method === 'GET')).toHaveLength(1); // one status check to resume
		expect(log.every((e) => !e.hasAuthorization)).toBe(true);
		expect(result.requests).toBe(11);
		expect(result.resends).toBe(1);

		const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;
		const growth = (peakRss - baseline.rss) / MiB;
		console.log(
			[
				`100 MiB upload, 10 MiB chunks, client and in-process emulator together:`,
				`rss ${mib(baseline.rss)} -> peak ${mib(peakRss)} (+${growth.toFixed(1)} MiB) with a GC every 100 ms`,
				`arrayBuffers peak +${mib(peakArrayBuffers - baseline.arrayBuffers)}, heapUsed peak +${mib(peakHeap - baseline.heapUsed)}`,
			].join('\n  '),
		);
		expect(growth).toBeLessThan(64);
	});

	test('429 with Retry-After is waited out and the fragment re-sent', async () => {
		const emu = emulator();
		const size = 2 * KIB320 + 5;
		const source = generated(size, 42);
		let added = false;
		const http = recording((request) => {
			if (!added && request.method === 'PUT') {
				added = true;
				emu.addFault({
					kind: 'status',
					status: 429,
					retryAfter: 0,
					method: 'PUT',
					path: new URL(request.url).pathname,
				});
			}
		});
		const result = await uploadLargeFile({
			createSession: createSession('/retry/throttled.bin'),
			http,
			source: { stream: source.stream, size },
			chunkSize: KIB320,
			retry: { baseDelayMs: 1 },
		});
		expect(result.status).toBe(201);
		expect(http.calls.map((c) => c.method)).toEqual(['PUT', 'GET', 'PUT', 'PUT', 'PUT']);
		expect(emu.drives.hash(driveId, '/retry/throttled.bin')).toBe(source.sha256());
	});

	test('a fatal answer cancels the session (DELETE) and names the error', async () => {
		const emu = emulator();
		const open = emu.drives.openSessions;
		const http = recording();
		const source = generated(KIB320 * 2, 3);
		// A stream that is shorter than declared: the session must be cancelled.
		await expect(
			uploadLargeFile({
				createSession: createSession('/fatal/short.bin'),
				http,
				source: { stream: source.stream, size: KIB320 * 3 },
				chunkSize: KIB320,
			}),
		).rejects.toThrow(/ended after 655360 of 983040 bytes/);
		expect(http.calls.map((c) => c.method)).toEqual(['PUT', 'PUT', 'DELETE']);
		expect(emu.drives.openSessions).toBe(open);
		expect(emu.drives.item(driveId, '/fatal/short.bin')).toBeUndefined();

		// A refused fragment (here: an Authorization header a broken transport added) is fatal too.
		const leaky: PreauthenticatedHttp = {
			request: (request) =>
				fetch(request.url, {
					method: request.method,
					headers: { ...request.headers, Authorization: `Bearer ${token}` },
					body: request.body,
				}).then(async (r) => ({
					status: r.status,
					headers: {},
					body: await r.json().catch(() => undefined),
				})),
		};
		await expect(
			uploadLargeFile({
				createSession: createSession('/fatal/leaky.bin'),
				http: leaky,
				source: { stream: generated(KIB320, 5).stream, size: KIB320 },
			}),
		).rejects.toMatchObject({ status: 401 });
	});

	test('resumes from the middle of a chunk when the service kept part of it', async () => {
		// A service that keeps only the first 320 KiB of a 640 KiB fragment and says so in its 202.
		const size = 3 * 2 * KIB320;
		const received: Buffer[] = [];
		let expected = 0;
		const ranges: string[] = [];
		const fake: PreauthenticatedHttp = {
			async request(request) {
				if (request.method !== 'PUT')
					return { status: 200, headers: {}, body: { nextExpectedRanges: [`${expected}-`] } };
				const range = request.headers!['Content-Range'];
				ranges.push(range);
				const [, from] = /bytes (\d+)-/.exec(range)!;
				expect(Number(from)).toBe(expected);
				const body = Buffer.from(request.body!);
				const keep = ranges.length === 2 ? KIB320 : body.length;
				received.push(Buffer.from(body.subarray(0, keep)));
				expected += keep;
				if (expected === size) return { status: 201, headers: {}, body: { id: 'x' } };
				return {
					status: 202,
					headers: {},
					body: { nextExpectedRanges: [`${expected}-${size - 1}`] },
				};
			},
		};
		const source = generated(size, 11);
		const result = await uploadLargeFile({
			createSession: async () => ({ uploadUrl: 'https://contoso.sharepoint.com/upload' }),
			http: fake,
			source: { stream: source.stream, size },
			chunkSize: 2 * KIB320,
		});
		expect(result.status).toBe(201);
		expect(ranges).toEqual([
			`bytes 0-${2 * KIB320 - 1}/${size}`,
			`bytes ${2 * KIB320}-${4 * KIB320 - 1}/${size}`,
			`bytes ${3 * KIB320}-${4 * KIB320 - 1}/${size}`,
			`bytes ${4 * KIB320}-${size - 1}/${size}`,
		]);
		expect(createHash('sha256').update(Buffer.concat(received)).digest('hex')).toBe(
			source.sha256(),
		);
	});

	test('uploadSmall reads a small stream whole and hands it to the simple upload', async () => {
		const emu = emulator();
		const data = Buffer.from('small file\n');
		const item = await uploadSmall(
			{
				stream: Readable.from([data]),
				size: data.length,
				fileName: 'small.txt',
				mimeType: 'text/plain',
			},
			async (body, contentType) => {
				const response = await fetch(
					`${emu.graphUrl}/drives/${driveId}/root:/small/small.txt:/content`,
					{
						method: 'PUT',
						headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType },
						body,
					},
				);
				return (await response.json()) as {
					size: number;
					file: { hashes: { quickXorHash: string } };
				};
			},
		);
		expect(item.size).toBe(data.length);
		expect(item.file.hashes.quickXorHash).toBe(new QuickXorHash().update(data).digestBase64());
		await expect(
			uploadSmall({ stream: Readable.from([data]), size: 5 * MiB }, async () => 0),
		).rejects.toThrow(/over the simple upload limit/);
	});
});

describe('a file read in place (FileBytesReader: filesystem binary mode)', () => {
	async function tempFile(bytes: Buffer): Promise<string> {
		const dir = await mkdtemp(join(tmpdir(), 'm365-upload-'));
		const path = join(dir, 'source.bin');
		await writeFile(path, bytes);
		return path;
	}

	test('fragments are read from the file, a reset fragment is resumed from it, the file is closed', async () => {
		const emu = emulator();
		const bytes = randomBytes(3 * KIB320 + 7);
		const handle = await open(await tempFile(bytes), 'r');
		let added = false;
		const http = recording((request) => {
			if (
				!added &&
				request.method === 'PUT' &&
				request.headers?.['Content-Range']?.startsWith(`bytes ${KIB320}-`)
			) {
				added = true;
				emu.addFault({
					kind: 'reset-before',
					method: 'PUT',
					path: new URL(request.url).pathname,
					count: 1,
				});
			}
		});
		const result = await uploadLargeFile({
			createSession: createSession('/file/in-place.bin'),
			http,
			source: { reader: new FileBytesReader(handle), size: bytes.length },
			chunkSize: KIB320,
			retry: { baseDelayMs: 1 },
		});
		expect(result.status).toBe(201);
		expect(added).toBe(true);
		expect(emu.drives.hash(driveId, '/file/in-place.bin')).toBe(
			createHash('sha256').update(bytes).digest('hex'),
		);
		expect(result.quickXorHash).toBe(new QuickXorHash().update(bytes).digestBase64());
		// 4 fragments, the reset one again after a status check.
		expect(http.calls.map((c) => c.method)).toEqual(['PUT', 'PUT', 'GET', 'PUT', 'PUT', 'PUT']);
		expect(handle.fd).toBe(-1);
	});

	test('a file longer than the declared size is an error; the file is closed', async () => {
		const bytes = randomBytes(2 * KIB320 + 1);
		const handle = await open(await tempFile(bytes), 'r');
		await expect(
			uploadLargeFile({
				createSession: createSession('/file/longer.bin'),
				http: recording(),
				source: { reader: new FileBytesReader(handle), size: 2 * KIB320 },
				chunkSize: KIB320,
				retry: { baseDelayMs: 1 },
			}),
		).rejects.toThrow(`more than the declared ${2 * KIB320} bytes`);
		expect(handle.fd).toBe(-1);
	});

	test('releaseSource closes a reader that was never read (the session could not be made)', async () => {
		const handle = await open(await tempFile(randomBytes(10)), 'r');
		await releaseSource({ reader: new FileBytesReader(handle), size: 10 });
		expect(handle.fd).toBe(-1);
		await releaseSource({ reader: new FileBytesReader(handle), size: 10 }); // twice: no error
	});
});
