/**
 * The other operations through n8n's engine: site by URL and by search, library by list,
 * Sites.Selected (allowed on a granted site, refused with the permission named on another),
 * Download, Get, Delete, Copy, Move, Folder Create and List.
 */
import { useEmulator } from '../helpers/emulator';
import {
	ALL_STAFF_SITE,
	calls,
	fileInput,
	generated,
	libraryId,
	listSearch,
	MiB,
	REPORTS_SITE,
	requests,
	rl,
	run,
	sha256,
} from './helpers';

const emulator = useEmulator();

async function uploadText(path: string, text: string) {
	const segments = path.split('/');
	const name = segments.pop()!;
	const result = await run(
		emulator(),
		{
			resource: 'file',
			operation: 'upload',
			folderPath: segments.join('/'),
			binaryPropertyName: 'data',
			conflictBehavior: 'replace',
		},
		{ input: [fileInput(Buffer.from(text), name)] },
	);
	expect(result.error).toBeUndefined();
	return result.output[0][0].json;
}

describe('site and library', () => {
	test('site by URL (a page of the site works too): resolved once through /sites/{hostname}:/{path}', async () => {
		const emu = emulator();
		await uploadText('ByUrl/a.txt', 'a');
		await uploadText('ByUrl/b.txt', 'b');
		const mark = emu.mark();
		const result = await run(
			emu,
			{
				resource: 'file',
				operation: 'get',
				site: rl('https://contoso.sharepoint.com/sites/reports/Reports/Forms/AllItems.aspx', 'url'),
				file: rl('={{ "ByUrl/" + $json.name }}', 'path'),
			},
			{ input: [{ json: { name: 'a.txt' } }, { json: { name: 'b.txt' } }] },
		);
		expect(result.error).toBeUndefined();
		expect(result.output[0].map((i) => i.json.path)).toEqual(['/ByUrl/a.txt', '/ByUrl/b.txt']);
		expect(calls(emu, mark)).toEqual([
			'GET /sites/contoso.sharepoint.com:/sites/reports:',
			`GET /sites/${REPORTS_SITE}/drives`,
			`GET /drives/${libraryId(emu)}/root:/ByUrl/a.txt:`,
			`GET /drives/${libraryId(emu)}/root:/ByUrl/b.txt:`,
		]);
	});

	test('a site URL that SharePoint does not know is "Site not found"', async () => {
		const result = await run(emulator(), {
			resource: 'file',
			operation: 'get',
			site: rl('https://contoso.sharepoint.com/sites/nope', 'url'),
			file: rl('a.txt', 'path'),
		});
		expect(result.error?.message).toBe('Site not found: https://contoso.sharepoint.com/sites/nope');
	});

	test('site by search (list mode), library by list for a site given by list or by URL', async () => {
		const emu = emulator();
		const sites = await listSearch(emu, 'searchSites', {}, 'report');
		expect(sites.result.results).toEqual([
			{ name: 'Reports', value: REPORTS_SITE, url: 'https://contoso.sharepoint.com/sites/reports' },
		]);
		const all = await listSearch(emu, 'searchSites', {});
		expect(all.result.results.map((r) => r.name)).toEqual(
			expect.arrayContaining(['Communication site', 'Reports', 'All Staff']),
		);
		for (const site of [
			rl(REPORTS_SITE),
			rl('https://contoso.sharepoint.com/sites/reports', 'url'),
		]) {
			const libraries = await listSearch(emu, 'searchLibraries', { site });
			expect(libraries.result.results).toEqual([
				{
					name: 'Documents',
					value: libraryId(emu, 'Documents'),
					url: 'https://contoso.sharepoint.com/sites/reports/Shared%20Documents',
				},
				{
					name: 'Reports',
					value: libraryId(emu),
					url: 'https://contoso.sharepoint.com/sites/reports/Reports',
				},
			]);
		}
		const filtered = await listSearch(emu, 'searchLibraries', { site: rl(REPORTS_SITE) }, 'rep');
		expect(filtered.result.results.map((r) => r.name)).toEqual(['Reports']);
	});

	test('a library of another site is refused, naming the libraries of the site', async () => {
		const emu = emulator();
		const result = await run(emu, {
			resource: 'file',
			operation: 'get',
			site: rl(ALL_STAFF_SITE),
			file: rl('a.txt', 'path'),
		});
		expect(result.error?.message).toBe(
			`Library ${libraryId(emu)} is not a document library of the site ${ALL_STAFF_SITE}`,
		);
		expect(result.error?.description).toContain('Documents (');
	});
});

describe('Sites.Selected', () => {
	const upload = (site: string, library: string) => ({
		resource: 'file',
		operation: 'upload',
		site: rl(site),
		library: rl(library),
		folderPath: 'Selected',
		binaryPropertyName: 'data',
		conflictBehavior: 'replace',
	});

	test('an app granted "write" on the Reports site uploads there; it is refused elsewhere, told to grant the site (not a tenant-wide permission)', async () => {
		const emu = emulator();
		const ok = await run(emu, upload(REPORTS_SITE, libraryId(emu)), {
			app: 'publisher',
			input: [fileInput(Buffer.from('granted'), 'granted.txt')],
		});
		expect(ok.error).toBeUndefined();
		expect(ok.output[0][0].json).toMatchObject({ path: '/Selected/granted.txt' });
		expect((await emu.drives.read(libraryId(emu), '/Selected/granted.txt')).toString()).toBe(
			'granted',
		);

		const allStaff = libraryId(emu, 'Documents', '/sites/AllStaff');
		const mark = emu.mark();
		const refused = await run(emu, upload(ALL_STAFF_SITE, allStaff), {
			app: 'publisher',
			input: [fileInput(Buffer.from('refused'), 'refused.txt')],
		});
		expect(refused.error?.message).toMatch(
			/^Forbidden: the app has Sites\.Selected but no "read" grant on the site contoso\.sharepoint\.com,.+ \(GET \/sites\/.+\/drives\): the site contoso\.sharepoint\.com,/,
		);
		expect(refused.error?.message).not.toMatch(/grant Files\.Read\.All/);
		expect(refused.error?.description).toContain('Site Permission, Operation Grant');
		expect(requests(emu, mark).map((e) => e.status)).toEqual([403]);
		expect(emu.drives.item(allStaff, '/Selected/refused.txt')).toBeUndefined();

		// Site search is trimmed to the granted site.
		const sites = await listSearch(emu, 'searchSites', {}, undefined, undefined, 'publisher');
		expect(sites.result.results.map((r) => r.value)).toEqual([REPORTS_SITE]);
	});

	test('a "read" grant lets the app read but not write', async () => {
		const emu = emulator();
		emu.drives.grant(
			'contoso.sharepoint.com:/sites/reports',
			'7de88e93-2c5d-4d14-bd46-f9559e8a0987',
			['read'],
		);
		try {
			const read = await run(
				emu,
				{ resource: 'file', operation: 'get', file: rl('Selected/granted.txt', 'path') },
				{ app: 'publisher' },
			);
			expect(read.error).toBeUndefined();
			const write = await run(emu, upload(REPORTS_SITE, libraryId(emu)), {
				app: 'publisher',
				input: [fileInput(Buffer.from('no'), 'no.txt')],
			});
			expect(write.error?.message).toMatch(
				/^Forbidden: the app has Sites\.Selected but no "write" grant on the site /,
			);
		} finally {
			emu.drives.grant(
				'contoso.sharepoint.com:/sites/reports',
				'7de88e93-2c5d-4d14-bd46-f9559e8a0987',
				['write'],
			);
		}
	});
});

describe('download, get, delete', () => {
	test('download streams the file into a binary field (filesystem mode), output names the item', async () => {
		const emu = emulator();
		const data = generated(5 * MiB);
		const up = await run(
			emu,
			{
				resource: 'file',
				operation: 'upload',
				folderPath: 'Down',
				binaryPropertyName: 'data',
				conflictBehavior: 'replace',
			},
			{ input: [fileInput(data.stream, 'five.bin')], binaryDataMode: 'filesystem' },
		);
		expect(up.error).toBeUndefined();
		const expected = data.sha256();
		const mark = emu.mark();
		const down = await run(
			emu,
			{
				resource: 'file',
				operation: 'download',
				file: rl('Down/five.bin', 'path'),
				binaryPropertyName: 'report',
			},
			{ binaryDataMode: 'filesystem' },
		);
		expect(down.error).toBeUndefined();
		const [item] = down.output[0];
		expect(item.json).toMatchObject({ name: 'five.bin', path: '/Down/five.bin', size: 5 * MiB });
		expect(item.binary!.report).toMatchObject({
			fileName: 'five.bin',
			mimeType: 'application/octet-stream',
		});
		expect(item.binary!.report.id).toMatch(/^filesystem-v2:/);
		const { Container } = await import('@n8n/di');
		const { BinaryDataService } = await import('n8n-core');
		const stored = await Container.get(BinaryDataService).getAsBuffer(item.binary!.report);
		expect(sha256(stored)).toBe(expected);
		// The content comes from the pre-authenticated download URL, without a token.
		const download = requests(emu, mark).find((e) => /download\.aspx$/.test(e.url.split('?')[0]))!;
		expect(download.hasAuthorization).toBe(false);
	});

	test('get by ID and by path; a folder cannot be downloaded; delete, then not found', async () => {
		const emu = emulator();
		const uploaded = await uploadText('Lifecycle/x.txt', 'x');
		const byId = await run(emu, {
			resource: 'file',
			operation: 'get',
			file: rl(String(uploaded.id), 'id'),
		});
		expect(byId.output[0][0].json).toMatchObject({
			path: '/Lifecycle/x.txt',
			type: 'file',
			mimeType: 'text/plain',
		});
		const folder = await run(emu, {
			resource: 'file',
			operation: 'download',
			file: rl('Lifecycle', 'path'),
		});
		expect(folder.error?.message).toBe('/Lifecycle is a folder, not a file');
		const del = await run(emu, {
			resource: 'file',
			operation: 'delete',
			file: rl('Lifecycle/x.txt', 'path'),
		});
		expect(del.output[0][0].json).toEqual({
			deleted: true,
			path: '/Lifecycle/x.txt',
			library: 'Reports',
		});
		expect(emu.drives.item(libraryId(emu), '/Lifecycle/x.txt')).toBeUndefined();
		const again = await run(emu, {
			resource: 'file',
			operation: 'delete',
			file: rl('Lifecycle/x.txt', 'path'),
		});
		expect(again.error?.message).toBe('Not found: /Lifecycle/x.txt in the library "Reports"');
	});
});

describe('copy and move', () => {
	const transfer = (operation: string, extra: Record<string, unknown>) => ({
		resource: 'file',
		operation,
		destinationLibrary: rl(''),
		destinationFolderPath: '',
		newName: '',
		conflictBehavior: 'fail',
		createFolders: true,
		...extra,
	});

	test('copy waits for the monitor and outputs the new item; conflicts fail (naming the path) or rename', async () => {
		const emu = emulator();
		await uploadText('Copy/src.csv', 'a,b\n');
		const mark = emu.mark();
		const copied = await run(
			emu,
			transfer('copy', {
				file: rl('Copy/src.csv', 'path'),
				destinationFolderPath: 'Copy/Archive/2024',
			}),
		);
		expect(copied.error).toBeUndefined();
		expect(copied.output[0][0].json).toMatchObject({ path: '/Copy/Archive/2024/src.csv', size: 4 });
		expect((await emu.drives.read(libraryId(emu), '/Copy/Archive/2024/src.csv')).toString()).toBe(
			'a,b\n',
		);
		const monitor = requests(emu, mark).filter((e) => /\/monitor\//.test(e.url));
		expect(monitor.map((e) => e.status)).toEqual([202, 200]);
		expect(monitor.every((e) => !e.hasAuthorization)).toBe(true);

		const conflict = await run(
			emu,
			transfer('copy', {
				file: rl('Copy/src.csv', 'path'),
				destinationFolderPath: 'Copy/Archive/2024',
			}),
		);
		expect(conflict.error?.message).toBe(
			'An item named "src.csv" already exists at /Copy/Archive/2024/src.csv in the library "Reports"',
		);
		const renamed = await run(
			emu,
			transfer('copy', {
				file: rl('Copy/src.csv', 'path'),
				destinationFolderPath: 'Copy/Archive/2024',
				conflictBehavior: 'rename',
			}),
		);
		expect(renamed.output[0][0].json).toMatchObject({ name: 'src 1.csv' });

		const otherLibrary = await run(
			emu,
			transfer('copy', {
				file: rl('Copy/src.csv', 'path'),
				destinationLibrary: rl(libraryId(emu, 'Documents')),
				destinationFolderPath: 'Incoming',
				newName: 'copied.csv',
			}),
		);
		expect(otherLibrary.output[0][0].json).toMatchObject({
			path: '/Incoming/copied.csv',
			library: 'Documents',
		});
		expect(
			(await emu.drives.read(libraryId(emu, 'Documents'), '/Incoming/copied.csv')).toString(),
		).toBe('a,b\n');
	});

	test('move within the library (one PATCH), rename, and to another library (copy, then delete)', async () => {
		const emu = emulator();
		const original = await uploadText('Move/draft.txt', 'draft');
		const mark = emu.mark();
		const moved = await run(
			emu,
			transfer('move', {
				file: rl('Move/draft.txt', 'path'),
				destinationFolderPath: 'Move/Final',
				newName: 'final.txt',
			}),
		);
		expect(moved.error).toBeUndefined();
		expect(moved.output[0][0].json).toMatchObject({
			id: original.id,
			path: '/Move/Final/final.txt',
		});
		expect(calls(emu, mark).filter((c) => c.startsWith('PATCH'))).toEqual([
			`PATCH /drives/${libraryId(emu)}/items/${original.id}`,
		]);
		expect(emu.drives.item(libraryId(emu), '/Move/draft.txt')).toBeUndefined();

		await uploadText('Move/draft.txt', 'again');
		const blocked = await run(
			emu,
			transfer('move', {
				file: rl('Move/draft.txt', 'path'),
				destinationFolderPath: 'Move/Final',
				newName: 'final.txt',
			}),
		);
		expect(blocked.error?.message).toBe(
			'An item named "final.txt" already exists at /Move/Final/final.txt in the library "Reports"',
		);

		const across = await run(
			emu,
			transfer('move', {
				file: rl('Move/Final/final.txt', 'path'),
				destinationLibrary: rl(libraryId(emu, 'Documents')),
				destinationFolderPath: 'Moved',
			}),
		);
		expect(across.error).toBeUndefined();
		expect(across.output[0][0].json).toMatchObject({
			path: '/Moved/final.txt',
			library: 'Documents',
		});
		expect(emu.drives.item(libraryId(emu), '/Move/Final/final.txt')).toBeUndefined();
		expect(
			(await emu.drives.read(libraryId(emu, 'Documents'), '/Moved/final.txt')).toString(),
		).toBe('draft');
	});
});

describe('folders', () => {
	test('create a nested path; existing: use it, fail naming the path, or rename', async () => {
		const emu = emulator();
		const create = (ifExists: string) =>
			run(emu, { resource: 'folder', operation: 'create', folderPath: 'Tree/2024/Q1', ifExists });
		const first = await create('useExisting');
		expect(first.output[0][0].json).toMatchObject({
			path: '/Tree/2024/Q1',
			type: 'folder',
			created: true,
		});
		const again = await create('useExisting');
		expect(again.output[0][0].json).toMatchObject({
			id: first.output[0][0].json.id,
			created: false,
		});
		const fail = await create('fail');
		expect(fail.error?.message).toBe(
			'A folder or file named "Q1" already exists at /Tree/2024/Q1 in the library "Reports"',
		);
		const renamed = await create('rename');
		expect(renamed.output[0][0].json).toMatchObject({ name: 'Q1 1', path: '/Tree/2024/Q1 1' });
	});

	test('list pages through large folders and recurses to the depth limit', async () => {
		const emu = emulator();
		const drive = emu.drives.drive(libraryId(emu));
		const store = emu.drives.store;
		const by = { user: { id: '', displayName: 'Test' } };
		const big = store.createFolder(drive.root, 'Big', by, 'fail').item;
		for (let i = 0; i < 1100; i++)
			store.createFolder(big, `f${String(i).padStart(4, '0')}`, by, 'fail');
		const mark = emu.mark();
		const all = await run(emu, {
			resource: 'folder',
			operation: 'list',
			folderPath: 'Big',
			returnAll: true,
		});
		expect(all.error).toBeUndefined();
		expect(all.output[0]).toHaveLength(1100);
		expect(calls(emu, mark).filter((c) => c.endsWith('/children'))).toHaveLength(3);
		const limited = await run(emu, {
			resource: 'folder',
			operation: 'list',
			folderPath: 'Big',
			returnAll: false,
			limit: 7,
		});
		expect(limited.output[0].map((i) => i.json.name)).toEqual([
			'f0000',
			'f0001',
			'f0002',
			'f0003',
			'f0004',
			'f0005',
			'f0006',
		]);

		const deep = store.createFolder(drive.root, 'Deep', by, 'fail').item;
		let level = deep;
		for (const name of ['a', 'b', 'c', 'd'])
			level = store.createFolder(level, name, by, 'fail').item;
		const two = await run(emu, {
			resource: 'folder',
			operation: 'list',
			folderPath: 'Deep',
			recursive: true,
			maxDepth: 2,
			returnAll: true,
		});
		expect(two.output[0].map((i) => [i.json.path, i.json.depth])).toEqual([
			['/Deep/a', 1],
			['/Deep/a/b', 2],
		]);
		const missing = await run(emu, { resource: 'folder', operation: 'list', folderPath: 'Nope' });
		expect(missing.error?.message).toBe('Folder not found: /Nope in the library "Reports"');
	});
});
