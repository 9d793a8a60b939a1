/**
 * File > Upload through n8n's engine against the emulator: sizes on both sides of the 4 MiB
 * simple-upload limit into a nested new folder of a non-default library (bytes compared by
 * hash), a connection reset in the middle of a 100 MB upload session, conflict behaviour,
 * metadata, and every bad input refused before anything is sent.
 */
import { FileBytesReader } from '../../nodes/shared/transport/upload';
import { validateGraphBody } from '../contract/contract';
import { useEmulator } from '../helpers/emulator';
import { calls, fileInput, generated, libraryId, MiB, requests, rl, run } from './helpers';

const emulator = useEmulator();

const upload = (parameters: Record<string, unknown> = {}) => ({
	resource: 'file',
	operation: 'upload',
	folderPath: 'Monthly/2024/03',
	binaryPropertyName: 'data',
	conflictBehavior: 'fail',
	...parameters,
});

/** The JSON bodies the node sent to Graph (by `METHOD path`), read back from the emulator log. */
function expectBodiesValid(sent: { method: string; url: string; body: unknown }[]) {
	for (const call of sent) {
		if (/\/children$/.test(call.url)) expect(validateGraphBody('driveItem', call.body)).toEqual([]);
		if (/createUploadSession$/.test(call.url))
			expect(validateGraphBody('action:driveItem/createUploadSession', call.body)).toEqual([]);
		if (/\/fields$/.test(call.url))
			expect(validateGraphBody('fieldValueSet', call.body)).toEqual([]);
	}
}

/** Captures the JSON request bodies Graph receives (the emulator hands them to handlers as streams). */
function captureBodies() {
	const sent: { method: string; url: string; body: unknown }[] = [];
	const original = global.fetch;
	const spy = jest.spyOn(global, 'fetch').mockImplementation(async (input, init) => {
		const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
		const type = new Headers(init?.headers).get('content-type') ?? '';
		if (type.includes('application/json') && typeof init?.body === 'string')
			sent.push({
				method: init.method ?? 'GET',
				url: url.split('?')[0],
				body: JSON.parse(init.body),
			});
		return await original(input, init);
	});
	return { sent, restore: () => spy.mockRestore() };
}

describe('upload sizes into a nested new folder of a non-default library', () => {
	test.each([
		['1 KB', 1000, 'default' as const],
		['3.9 MB', 3_900_000, 'default' as const],
		['100 MB', 100 * 1000 * 1000, 'filesystem' as const],
	])('%s lands with identical bytes', async (_label, size, binaryDataMode) => {
		const emu = emulator();
		const source = generated(size);
		const folder = `Sizes-${size}/2024/nested`;
		const capture = captureBodies();
		const mark = emu.mark();
		let result;
		try {
			result = await run(emu, upload({ folderPath: folder }), {
				input: [fileInput(source.stream, `export-${size}.bin`)],
				binaryDataMode,
			});
		} finally {
			capture.restore();
		}
		expect(result.error).toBeUndefined();
		const [item] = result.output[0];
		const drive = libraryId(emu);
		expect(emu.drives.hash(drive, `/${folder}/export-${size}.bin`)).toBe(source.sha256());
		expect(item.json).toMatchObject({
			name: `export-${size}.bin`,
			path: `/${folder}/export-${size}.bin`,
			size,
			type: 'file',
			created: true,
			library: 'Reports',
			driveId: drive,
			webUrl: `https://contoso.sharepoint.com/sites/reports/Reports/${folder}/export-${size}.bin`,
			id: expect.stringMatching(/^01[A-Z2-7]{32}$/),
			eTag: expect.stringMatching(/^"\{[0-9A-F-]{36}\},\d+"$/),
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		const made = calls(emu, mark).filter((c) => c.startsWith('POST') && c.endsWith('/children'));
		expect(made).toHaveLength(3); // three new levels, created one by one
		const sessions = calls(emu, mark).filter((c) => c.endsWith('/createUploadSession'));
		expect(sessions).toHaveLength(size > 4 * MiB ? 1 : 0);
		const log = requests(emu, mark);
		expect(
			log
				.filter((e) => /uploadSession$/.test(e.url.split('?')[0]))
				.every((e) => !e.hasAuthorization),
		).toBe(true);
		expect(capture.sent.filter((c) => /\/children$/.test(c.url))).toHaveLength(3);
		expectBodiesValid(capture.sent);
	});

	test('a reset in the middle of a 100 MB upload: resumed, identical bytes, only the failed chunk sent twice', async () => {
		const emu = emulator();
		const size = 100 * 1000 * 1000;
		const source = generated(size);
		const take = emu.faults.take.bind(emu.faults);
		let puts = 0;
		const spy = jest.spyOn(emu.faults, 'take').mockImplementation((method, host, path, batch) => {
			const rules = take(method, host, path, batch);
			// The 5th fragment's connection drops after 3 MiB of its body: the handler never runs.
			if (method === 'PUT' && /\/uploadSession$/.test(path) && ++puts === 5)
				return [...rules, { kind: 'reset-before' as const, afterBytes: 3 * MiB }];
			return rules;
		});
		const mark = emu.mark();
		let result;
		try {
			result = await run(emu, upload({ folderPath: 'Resumed' }), {
				input: [fileInput(source.stream, 'resumed.bin')],
				binaryDataMode: 'filesystem',
			});
		} finally {
			spy.mockRestore();
		}
		expect(result.error).toBeUndefined();
		expect(result.output[0][0].json).toMatchObject({ size, path: '/Resumed/resumed.bin' });
		expect(emu.drives.hash(libraryId(emu), '/Resumed/resumed.bin')).toBe(source.sha256());
		const putsLog = requests(emu, mark).filter(
			(e) => e.method === 'PUT' && /\/uploadSession$/.test(e.url.split('?')[0]),
		);
		const failed = putsLog.filter((e) => e.fault === 'reset before handler');
		expect(failed).toHaveLength(1);
		const ranges = putsLog.map((e) => e.headers['content-range']);
		const repeated = ranges.filter((r, i) => ranges.indexOf(r) !== i);
		expect(repeated).toEqual([failed[0].headers['content-range']]);
		// 10 fragments of 10 MiB (the last shorter) plus the one re-sent.
		expect(putsLog).toHaveLength(Math.ceil(size / (10 * MiB)) + 1);
		expect(emu.drives.openSessions).toBe(0);
	});
});

describe("where the bytes come from: n8n's binary file read in place, or its stream", () => {
	const uploadIn = async (mode: 'filesystem' | 'default', name: string) => {
		const emu = emulator();
		const source = generated(6 * MiB);
		const fill = jest.spyOn(FileBytesReader.prototype, 'fill');
		const close = jest.spyOn(FileBytesReader.prototype, 'close');
		try {
			const result = await run(emu, upload({ folderPath: 'Modes' }), {
				input: [fileInput(source.stream, name)],
				binaryDataMode: mode,
			});
			expect(result.error).toBeUndefined();
			expect(emu.drives.hash(libraryId(emu), `/Modes/${name}`)).toBe(source.sha256());
			return { fills: fill.mock.calls.length, closes: close.mock.calls.length };
		} finally {
			fill.mockRestore();
			close.mockRestore();
		}
	};

	test('filesystem mode: the file is read in place into the fragment buffers, then closed', async () => {
		const { fills, closes } = await uploadIn('filesystem', 'in-place.bin');
		expect(fills).toBeGreaterThan(0);
		expect(closes).toBeGreaterThan(0);
	});

	test('default mode (data in the item): no file to read, the bytes come from memory', async () => {
		const { fills } = await uploadIn('default', 'in-memory.bin');
		expect(fills).toBe(0);
	});
});

describe('conflict behaviour', () => {
	const put = async (behavior: string, content: string, size?: number) => {
		const emu = emulator();
		const data = size ? generated(size) : undefined;
		return await run(emu, upload({ folderPath: 'Conflicts', conflictBehavior: behavior }), {
			input: [fileInput(data ? data.stream : Buffer.from(content), 'summary.csv')],
			binaryDataMode: size ? 'filesystem' : 'default',
		});
	};

	test('fail: 409 from Graph becomes an error naming the path; nothing changed', async () => {
		const emu = emulator();
		const first = await put('fail', 'a,b\n1,2\n');
		expect(first.error).toBeUndefined();
		expect(first.output[0][0].json).toMatchObject({ created: true, name: 'summary.csv' });
		const second = await put('fail', 'other');
		expect(second.error?.message).toBe(
			'A file named "summary.csv" already exists at /Conflicts/summary.csv in the library "Reports"',
		);
		expect((await emu.drives.read(libraryId(emu), '/Conflicts/summary.csv')).toString()).toBe(
			'a,b\n1,2\n',
		);
		// The same through an upload session (over 4 MiB): refused when the session is created.
		const mark = emu.mark();
		const big = await put('fail', 'x', 5 * MiB);
		expect(big.error?.message).toContain('already exists at /Conflicts/summary.csv');
		expect(calls(emu, mark).filter((c) => c.startsWith('PUT'))).toEqual([]);
	});

	test('replace: same item, new content (200); rename: a second file "summary 1.csv"', async () => {
		const emu = emulator();
		const before = emu.drives.item(libraryId(emu), '/Conflicts/summary.csv')!;
		const replaced = await put('replace', 'a,b\n3,4\n');
		expect(replaced.output[0][0].json).toMatchObject({ id: before.id, created: false, size: 8 });
		expect((await emu.drives.read(libraryId(emu), '/Conflicts/summary.csv')).toString()).toBe(
			'a,b\n3,4\n',
		);
		const renamed = await put('rename', 'a,b\n5,6\n');
		expect(renamed.output[0][0].json).toMatchObject({
			name: 'summary 1.csv',
			path: '/Conflicts/summary 1.csv',
			created: true,
		});
		const bigReplace = await put('replace', 'x', 5 * MiB);
		expect(bigReplace.output[0][0].json).toMatchObject({
			id: before.id,
			created: false,
			size: 5 * MiB,
		});
		const bigRename = await put('rename', 'y', 5 * MiB);
		expect(bigRename.output[0][0].json).toMatchObject({ name: 'summary 2.csv' });
	});
});

describe('metadata and options', () => {
	test('list item fields are set after the upload; unknown columns are reported on the item', async () => {
		const emu = emulator();
		const capture = captureBodies();
		let ok;
		try {
			ok = await run(
				emu,
				upload({
					folderPath: 'Meta',
					options: {
						metadata: JSON.stringify({
							Title: 'March report',
							Department: 'Finance',
							PageCount: 12,
							Reviewed: true,
						}),
					},
				}),
				{ input: [fileInput(Buffer.from('%PDF-1.7'), 'march.pdf')] },
			);
		} finally {
			capture.restore();
		}
		expect(ok.error).toBeUndefined();
		expect(ok.output[0][0].json.fields).toMatchObject({
			Title: 'March report',
			Department: 'Finance',
			PageCount: 12,
			Reviewed: true,
			FileLeafRef: 'march.pdf',
		});
		expect(emu.drives.item(libraryId(emu), '/Meta/march.pdf')!.fields).toMatchObject({
			Department: 'Finance',
		});
		expectBodiesValid(capture.sent);

		const bad = await run(
			emu,
			upload({ folderPath: 'Meta', options: { metadata: '{"Colour": "red"}' } }),
			{ input: [fileInput(Buffer.from('x'), 'april.pdf')] },
		);
		expect(bad.error?.message).toMatch(
			/^\/Meta\/april\.pdf was uploaded, but SharePoint refused its metadata: .*Field 'Colour' is not recognized/,
		);
	});

	test('"Create Missing Folders" off: a missing folder is an error naming it, nothing uploaded', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const result = await run(
			emu,
			upload({ folderPath: 'Nowhere/deep', options: { createFolders: false } }),
			{ input: [fileInput(Buffer.from('x'), 'a.txt')] },
		);
		expect(result.error?.message).toBe('Folder not found: /Nowhere/deep in the library "Reports"');
		expect(calls(emu, mark).filter((c) => !c.startsWith('GET'))).toEqual([]);
	});

	test('file name from the parameter; several items share the folder look-ups', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const result = await run(
			emu,
			upload({ folderPath: 'Batch', fileName: '={{ "item-" + $json.n + ".txt" }}' }),
			{ input: [1, 2, 3].map((n) => fileInput(Buffer.from(`n=${n}`), 'x.txt', { n })) },
		);
		expect(result.error).toBeUndefined();
		expect(result.output[0].map((i) => i.json.path)).toEqual([
			'/Batch/item-1.txt',
			'/Batch/item-2.txt',
			'/Batch/item-3.txt',
		]);
		// One token, one library check, one folder look-up and creation, then one PUT per item.
		expect(calls(emu, mark)).toEqual([
			`GET /sites/${'contoso.sharepoint.com,5e2a7b4c-9d1f-4e3a-b6c8-0f1e2d3c4b02,a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c02'}/drives`,
			`GET /drives/${libraryId(emu)}/root:/Batch:`,
			`GET /drives/${libraryId(emu)}/items/root`,
			`POST /drives/${libraryId(emu)}/items/${emu.drives.drive(libraryId(emu)).root.id}/children`,
			...[1, 2, 3].map(
				(n) =>
					`PUT /drives/${libraryId(emu)}/items/${emu.drives.item(libraryId(emu), '/Batch')!.id}:/item-${n}.txt:/content`,
			),
		]);
	});
});

describe('bad input: a clear error naming the field, nothing sent', () => {
	const cases: [string, Record<string, unknown>, RegExp, string?][] = [
		[
			'.. in the folder path',
			{ folderPath: 'Reports/../secret' },
			/Folder path "Reports\/\.\.\/secret": the folder name "\.\." is "\.\." \(relative paths are not allowed\)/,
		],
		[
			'an empty segment',
			{ folderPath: 'Reports//2024' },
			/Folder path "Reports\/\/2024" has an empty folder name/,
		],
		[
			'a forbidden character',
			{ folderPath: 'Reports/Q1:Q2' },
			/the folder name "Q1:Q2" contains ":"/,
		],
		['a question mark', { folderPath: 'What?' }, /contains "\?"/],
		[
			'a backslash',
			{ folderPath: 'Reports\\2024' },
			/Folder path "Reports\\2024" contains a backslash/,
		],
		[
			'a reserved folder name',
			{ folderPath: 'Reports/CON' },
			/the folder name "CON" is a name SharePoint reserves/,
		],
		[
			'a reserved file name',
			{ fileName: 'desktop.ini' },
			/File name "desktop\.ini" is a name SharePoint reserves/,
		],
		[
			'a file name starting with ~$',
			{ fileName: '~$report.docx' },
			/File name "~\$report\.docx" is a name SharePoint reserves/,
		],
		['a file name with a pipe', { fileName: 'a|b.txt' }, /File name "a\|b\.txt" contains "\|"/],
		[
			'a site URL on another host',
			{ site: rl('={{ "https://contoso.example.com/sites/reports" }}', 'url') },
			/Site URL "https:\/\/contoso\.example\.com\/sites\/reports" is not on a SharePoint Online host/,
		],
		[
			'a malformed site URL',
			{ site: rl('={{ "contoso.sharepoint.com/sites/reports" }}', 'url') },
			/Site URL "contoso\.sharepoint\.com\/sites\/reports" is not a valid URL/,
		],
		[
			'a site URL over http',
			{ site: rl('={{ "http://contoso.sharepoint.com/sites/reports" }}', 'url') },
			/must start with https:\/\//,
		],
		[
			'a site URL without a site name',
			{ site: rl('https://contoso.sharepoint.com/sites/', 'url') },
			/does not name a site after \/sites\//,
		],
		[
			'a missing binary property',
			{ binaryPropertyName: 'report' },
			/No binary property "report" on the input item/,
			'set "Input Binary Field" to one of them',
		],
		[
			'metadata that is not JSON',
			{ options: { metadata: '{Department: Finance}' } },
			/Metadata is not valid JSON/,
		],
		['an empty library', { library: rl('={{ "" }}') }, /Library is empty/],
	];

	const rows = cases.map(([label, parameters, message, description]) => ({
		label,
		parameters,
		message,
		description,
	}));
	test.each(rows)('$label', async ({ parameters, message, description }) => {
		const emu = emulator();
		const mark = emu.mark();
		const result = await run(emu, upload(parameters), {
			input: [fileInput(Buffer.from('x'), 'ok.txt')],
		});
		expect(result.error?.message).toMatch(message);
		if (description) expect(result.error?.description).toContain(description);
		expect(requests(emu, mark)).toEqual([]);
	});

	test('a fixed site URL on another host is refused by the parameter check before the run', async () => {
		const emu = emulator();
		const mark = emu.mark();
		await expect(
			run(emu, upload({ site: rl('https://contoso.example.com/sites/reports', 'url') }), {
				input: [fileInput(Buffer.from('x'), 'ok.txt')],
			}),
		).rejects.toThrow(/Not a SharePoint Online site URL/);
		expect(requests(emu, mark)).toEqual([]);
	});

	test('continue on fail: the bad item gets its error, the good one is uploaded', async () => {
		const emu = emulator();
		const result = await run(emu, upload({ folderPath: '={{ $json.folder }}' }), {
			input: [
				fileInput(Buffer.from('1'), 'good.txt', { folder: 'Continue' }),
				fileInput(Buffer.from('2'), 'bad.txt', { folder: 'Continue/../x' }),
			],
			continueOnFail: true,
		});
		expect(result.output[0]).toHaveLength(2);
		expect(result.output[0][0].json).toMatchObject({ path: '/Continue/good.txt' });
		expect(result.output[0][1].json.error).toMatch(/relative paths are not allowed/);
		expect(result.output[0][1].pairedItem).toEqual({ item: 1 });
		expect(emu.drives.item(libraryId(emu), '/Continue/bad.txt')).toBeUndefined();
	});
});
