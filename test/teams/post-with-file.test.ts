/**
 * Channel Message → Post With File through the node's `execute`: a 30 MB file (n8n's filesystem
 * binary mode) lands in the channel's files folder with the same hash, streamed in chunks of the
 * upload helper's size (never read whole), and the message's reference attachment points to it.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_UPLOAD_CHUNK_SIZE } from '../../nodes/shared/transport/upload';
import { useEmulator } from '../helpers/emulator';
import { ALL_STAFF, REPORTS, errorText, expectValidBodies, locator, runTeams } from './helpers';

const emulator = useEmulator();
const DRIVE = 'contoso.sharepoint.com:/sites/AllStaff/Documents';
const MiB = 1024 * 1024;

let dir = '';
beforeAll(() => {
	dir = mkdtempSync(path.join(tmpdir(), 'teams-file-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `size` pseudo-random bytes to a file, 1 MiB at a time; returns its path and sha256. */
async function generatedFile(
	name: string,
	size: number,
): Promise<{ file: string; sha256: string }> {
	const file = path.join(dir, name);
	const hash = createHash('sha256');
	const out = createWriteStream(file);
	let seed = createHash('sha256').update(name).digest();
	for (let written = 0; written < size; written += MiB) {
		const chunk = Buffer.alloc(Math.min(MiB, size - written));
		for (let i = 0; i < chunk.length; i += 32) {
			seed = createHash('sha256').update(seed).digest();
			seed.copy(chunk, i);
		}
		hash.update(chunk);
		if (!out.write(chunk)) await once(out, 'drain');
	}
	out.end();
	await once(out, 'finish');
	return { file, sha256: hash.digest('hex') };
}

describe('Channel Message → Post With File', () => {
	test('30 MB: same hash in the files folder, reference attachment to it, memory bounded by the chunk', async () => {
		const emu = emulator();
		const size = 30 * MiB;
		const { file, sha256 } = await generatedFile('q3-report.bin', size);
		const received = emu.teams.received.length;
		const mark = emu.mark();
		const concat = jest.spyOn(Buffer, 'concat');
		const readFile = jest.spyOn(fsPromises, 'readFile');
		let result;
		try {
			result = await runTeams({
				emu,
				parameters: {
					resource: 'channelMessage',
					operation: 'postWithFile',
					team: locator(ALL_STAFF),
					channel: locator(REPORTS),
					binaryPropertyName: 'report',
					message: 'Q3 report attached',
					options: { subject: 'Q3' },
				},
				input: [
					{ json: {}, binary: { report: { content: { path: file }, fileName: 'Q3 report.bin' } } },
				],
				extra: { binaryDataMode: 'filesystem' },
			});
		} finally {
			concat.mockRestore();
			readFile.mockRestore();
		}
		const largestConcat = Math.max(
			0,
			...concat.mock.results.map((r) => (r.value as Buffer).length),
		);
		expect(result.error).toBeUndefined();
		const json = result.output[0][0].json as any;

		// The file, whole and unchanged, in the channel's folder of the team site's library.
		const item = emu.drives.item(DRIVE, '/Reports/Q3 report.bin')!;
		expect(item.file?.size).toBe(size);
		expect(emu.drives.hash(DRIVE, '/Reports/Q3 report.bin')).toBe(sha256);

		// The message's reference attachment points to it (ID = the file's eTag GUID).
		expect(json.attachments).toEqual([
			expect.objectContaining({
				id: item.uniqueId,
				contentType: 'reference',
				contentUrl: json.file.webUrl,
				name: 'Q3 report.bin',
			}),
		]);
		expect(json.body.content).toBe(
			`Q3 report attached<attachment id="${item.uniqueId}"></attachment>`,
		);
		expect(json.file).toMatchObject({ name: 'Q3 report.bin', size });
		expect(json.file.webUrl).toMatch(
			/\/sites\/AllStaff\/Shared%20Documents\/Reports\/Q3%20report\.bin$/,
		);
		expectValidBodies(emu, received);

		// Streamed: fragments of at most one chunk, no whole-file buffer, no readFile.
		const puts = emu.since(mark).filter((e) => e.method === 'PUT');
		expect(puts.length).toBe(Math.ceil(size / DEFAULT_UPLOAD_CHUNK_SIZE));
		for (const put of puts) {
			expect(Number(put.headers['content-length'])).toBeLessThanOrEqual(DEFAULT_UPLOAD_CHUNK_SIZE);
			expect(put.hasAuthorization).toBe(false);
		}
		expect(largestConcat).toBeLessThan(MiB);
		expect(readFile).not.toHaveBeenCalled();
		// Order: files folder, upload session, fragments, then the message.
		const calls = emu
			.since(mark)
			.filter((e) => e.url.startsWith('/v1.0/'))
			.map((e) => `${e.method} ${e.url.split('?')[0]}`);
		expect(calls[0]).toMatch(/^GET \/v1\.0\/teams\/.+\/filesFolder$/);
		expect(calls[1]).toMatch(/createUploadSession$/);
		expect(calls.at(-1)).toMatch(/^POST \/v1\.0\/teams\/.+\/messages$/);
	});

	test('a small file goes by simple upload; a second one of the same name is kept as a copy', async () => {
		const emu = emulator();
		const run = () =>
			runTeams({
				emu,
				parameters: {
					resource: 'channelMessage',
					operation: 'postWithFile',
					team: locator(ALL_STAFF),
					channel: locator(REPORTS),
					message: '',
				},
				input: [
					{
						json: {},
						binary: {
							data: { content: 'a,b\n1,2\n', fileName: 'daily.csv', mimeType: 'text/csv' },
						},
					},
				],
			});
		const first = await run();
		const second = await run();
		expect(first.error).toBeUndefined();
		expect(second.error).toBeUndefined();
		expect((first.output[0][0].json as any).file.name).toBe('daily.csv');
		expect((second.output[0][0].json as any).file.name).toBe('daily 1.csv');
		expect((await emu.drives.read(DRIVE, '/Reports/daily 1.csv')).toString()).toBe('a,b\n1,2\n');
		// No text: the body is only the attachment marker.
		expect((second.output[0][0].json as any).body.content).toMatch(
			/^<attachment id="[0-9a-f-]{36}"><\/attachment>$/,
		);
	});

	test('missing binary property: clear error naming the field, nothing uploaded or posted', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const result = await runTeams({
			emu,
			parameters: {
				resource: 'channelMessage',
				operation: 'postWithFile',
				team: locator(ALL_STAFF),
				channel: locator(REPORTS),
				binaryPropertyName: 'report',
				message: 'see attached',
			},
			input: [{ json: {}, binary: { data: { content: 'x', fileName: 'x.txt' } } }],
		});
		expect(errorText(result)).toContain(
			'Input Binary Field: item 0 has no binary property "report"',
		);
		expect(errorText(result)).toContain('"data"');
		expect(emu.since(mark)).toEqual([]);
	});
});
