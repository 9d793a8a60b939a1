import { createHash } from 'node:crypto';
import { validateGraphBody } from '../contract/contract';
import { QuickXorHash } from './quickxorhash';
import { graph, mintToken, useEmulator } from '../helpers/emulator';

const emulator = useEmulator();
const KIB320 = 320 * 1024;
const HOST = 'contoso.sharepoint.com';
const REPORTS_SITE = `${HOST},5e2a7b4c-9d1f-4e3a-b6c8-0f1e2d3c4b02,a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c02`;

let token: string;
let reportsDrive: string;
let documentsDrive: string;

beforeAll(() => {
	token = mintToken(emulator(), { roles: ['Sites.ReadWrite.All'] });
	reportsDrive = emulator().drives.drive(`${HOST}:/sites/reports/Reports`).id;
	documentsDrive = emulator().drives.drive(`${HOST}:/sites/reports/Documents`).id;
});

function bytes(n: number, seed = 1): Buffer {
	const b = Buffer.alloc(n);
	let x = seed;
	for (let i = 0; i < n; i++) {
		x = (x * 1103515245 + 12345) >>> 0;
		b[i] = x >>> 24;
	}
	return b;
}

async function put(url: string, body: Buffer, headers: Record<string, string> = {}) {
	const response = await fetch(url, { method: 'PUT', body, headers });
	const text = await response.text();
	return {
		status: response.status,
		headers: response.headers,
		body: text ? JSON.parse(text) : undefined,
	};
}

async function fragment(url: string, data: Buffer, from: number, total: number, headers = {}) {
	return await put(url, data, {
		'Content-Range': `bytes ${from}-${from + data.length - 1}/${total}`,
		...headers,
	});
}

async function session(path: string, behavior?: string, drive = reportsDrive) {
	const call = await graph(
		emulator(),
		'POST',
		`/drives/${drive}/root:${path}:/createUploadSession`,
		token,
		behavior ? { item: { '@microsoft.graph.conflictBehavior': behavior } } : {},
	);
	return call;
}

function expectError(call: { status: number; body: any }, status: number, code: string) {
	expect({ status: call.status, code: call.body?.error?.code }).toEqual({ status, code });
}

describe('SharePoint sites', () => {
	test('/sites/root is the tenant root site', async () => {
		const call = await graph(emulator(), 'GET', '/sites/root', token);
		expect(call.status).toBe(200);
		expect(call.body.root).toEqual({});
		expect(call.body.webUrl).toBe(`https://${HOST}`);
		expect(call.body.id).toMatch(/^contoso\.sharepoint\.com,[0-9a-f-]{36},[0-9a-f-]{36}$/);
	});

	test.each([
		[`${HOST}:/sites/reports`],
		[`${HOST}:/sites/reports:`],
		[REPORTS_SITE],
		[`${HOST},5e2a7b4c-9d1f-4e3a-b6c8-0f1e2d3c4b02`],
	])('a site by %s', async (ref) => {
		const call = await graph(emulator(), 'GET', `/sites/${ref}`, token);
		expect(call.status).toBe(200);
		expect(call.body).toMatchObject({
			id: REPORTS_SITE,
			displayName: 'Reports',
			name: 'reports',
			webUrl: `https://${HOST}/sites/reports`,
			siteCollection: { hostname: HOST },
		});
		expect(call.body.root).toBeUndefined();
	});

	test('an unknown site is 404 itemNotFound', async () => {
		expectError(
			await graph(emulator(), 'GET', `/sites/${HOST}:/sites/nope`, token),
			404,
			'itemNotFound',
		);
	});

	test('the libraries of a site, by ID and by path', async () => {
		for (const ref of [REPORTS_SITE, `${HOST}:/sites/reports:`]) {
			const call = await graph(emulator(), 'GET', `/sites/${ref}/drives`, token);
			expect(call.status).toBe(200);
			expect(call.body.value.map((d: any) => [d.name, d.driveType])).toEqual([
				['Documents', 'documentLibrary'],
				['Reports', 'documentLibrary'],
			]);
			expect(call.body.value[0].id).toMatch(/^b![A-Za-z0-9_-]{64}$/);
			expect(call.body.value[1].webUrl).toBe(`https://${HOST}/sites/reports/Reports`);
		}
		const selected = await graph(
			emulator(),
			'GET',
			`/sites/${REPORTS_SITE}/drives?$select=name`,
			token,
		);
		expect(selected.body.value).toEqual([{ name: 'Documents' }, { name: 'Reports' }]);
	});

	test('the default library, a library by ID, and its root', async () => {
		const def = await graph(emulator(), 'GET', `/sites/${REPORTS_SITE}/drive`, token);
		expect(def.body).toMatchObject({ id: documentsDrive, name: 'Documents' });
		const byId = await graph(emulator(), 'GET', `/drives/${reportsDrive}`, token);
		expect(byId.body).toMatchObject({
			id: reportsDrive,
			name: 'Reports',
			quota: { state: 'normal' },
		});
		const root = await graph(emulator(), 'GET', `/drives/${reportsDrive}/root`, token);
		expect(root.status).toBe(200);
		expect(root.body).toMatchObject({
			name: 'root',
			root: {},
			folder: { childCount: expect.any(Number) },
		});
		const viaSite = await graph(
			emulator(),
			'GET',
			`/sites/${REPORTS_SITE}/drives/${reportsDrive}/root`,
			token,
		);
		expect(viaSite.body.id).toBe(root.body.id);
	});

	test('permissions come from the catalogue (403 accessDenied without a Sites/Files role)', async () => {
		const weak = mintToken(emulator(), { roles: ['User.Read.All'] });
		expectError(await graph(emulator(), 'GET', `/sites/root`, weak), 403, 'accessDenied');
		expectError(
			await graph(emulator(), 'GET', `/drives/${reportsDrive}/root/children`, weak),
			403,
			'accessDenied',
		);
		const reader = mintToken(emulator(), { roles: ['Sites.Read.All'] });
		expect((await graph(emulator(), 'GET', `/drives/${reportsDrive}/root`, reader)).status).toBe(
			200,
		);
		const write = await graph(
			emulator(),
			'POST',
			`/drives/${reportsDrive}/root:/x.bin:/createUploadSession`,
			reader,
			{},
		);
		expectError(write, 403, 'accessDenied');
	});
});

describe('folders and simple uploads', () => {
	test('folders: create, nameAlreadyExists, rename, path addressing', async () => {
		const create = (name: string, behavior?: string) =>
			graph(emulator(), 'POST', `/drives/${reportsDrive}/root/children`, token, {
				name,
				folder: {},
				...(behavior ? { '@microsoft.graph.conflictBehavior': behavior } : {}),
			});
		const first = await create('2024');
		expect(first.status).toBe(201);
		expect(first.body).toMatchObject({ name: '2024', folder: { childCount: 0 } });
		expectError(await create('2024'), 409, 'nameAlreadyExists');
		expect((await create('2024', 'rename')).body.name).toBe('2024 1');
		const child = await graph(
			emulator(),
			'POST',
			`/drives/${reportsDrive}/items/${first.body.id}/children`,
			token,
			{
				name: 'Q1',
				folder: {},
			},
		);
		expect(child.body.parentReference).toMatchObject({
			driveId: reportsDrive,
			driveType: 'documentLibrary',
			id: first.body.id,
			path: `/drives/${reportsDrive}/root:/2024`,
			siteId: REPORTS_SITE,
		});
		const byPath = await graph(emulator(), 'GET', `/drives/${reportsDrive}/root:/2024/Q1:`, token);
		expect(byPath.body.id).toBe(child.body.id);
		const relative = await graph(
			emulator(),
			'GET',
			`/drives/${reportsDrive}/items/${first.body.id}:/Q1`,
			token,
		);
		expect(relative.body.id).toBe(child.body.id);
		const children = await graph(
			emulator(),
			'GET',
			`/drives/${reportsDrive}/root:/2024:/children`,
			token,
		);
		expect(children.body.value.map((c: any) => c.name)).toEqual(['Q1']);
		expectError(await create('bad:name'), 400, 'invalidRequest');
		expectError(
			await graph(emulator(), 'GET', `/drives/${reportsDrive}/root:/nope/none.txt`, token),
			404,
			'itemNotFound',
		);
	});

	test('PUT content: 201 new, 200 replaced, fail and rename, download by 302', async () => {
		const url = `${emulator().graphUrl}/drives/${reportsDrive}/root:/simple/hello.txt:/content`;
		const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'text/plain' };
		const created = await put(url, Buffer.from('hello'), auth);
		expect(created.status).toBe(201);
		expect(created.body).toMatchObject({
			name: 'hello.txt',
			size: 5,
			file: { mimeType: 'text/plain' },
		});
		expect(validateGraphBody('driveItem', created.body)).toEqual([]);
		const replaced = await put(url, Buffer.from('hello again'), auth);
		expect(replaced.status).toBe(200);
		expect(replaced.body.id).toBe(created.body.id);
		expect(replaced.body.eTag).not.toBe(created.body.eTag);
		expectError(
			await put(`${url}?@microsoft.graph.conflictBehavior=fail`, Buffer.from('x'), auth),
			409,
			'nameAlreadyExists',
		);
		const renamed = await put(
			`${url}?@microsoft.graph.conflictBehavior=rename`,
			Buffer.from('x'),
			auth,
		);
		expect(renamed.body.name).toBe('hello 1.txt');
		expect((await emulator().drives.read(reportsDrive, '/simple/hello.txt')).toString()).toBe(
			'hello again',
		);

		const download = await fetch(
			`${emulator().graphUrl}/drives/${reportsDrive}/items/${created.body.id}/content`,
			{
				headers: { Authorization: `Bearer ${token}` },
				redirect: 'manual',
			},
		);
		expect(download.status).toBe(302);
		const location = download.headers.get('location')!;
		expect(location).toMatch(/\/sites\/reports\/_layouts\/15\/download\.aspx\?UniqueId=/);
		const content = await fetch(location);
		expect(await content.text()).toBe('hello again');
		const ranged = await fetch(location, { headers: { Range: 'bytes=6-' } });
		expect(ranged.status).toBe(206);
		expect(await ranged.text()).toBe('again');
		expect((await fetch(location.replace(/tempauth=[^&]+/, 'tempauth=1.x'))).status).toBe(401);
	});

	test('PUT content over the simple upload limit is 413 requestEntityTooLarge', async () => {
		const drives = emulator().drives;
		const limit = drives.simpleUploadLimit;
		expect(limit).toBe(250 * 1024 * 1024);
		drives.simpleUploadLimit = 1024 * 1024;
		try {
			const call = await put(
				`${emulator().graphUrl}/drives/${reportsDrive}/root:/big.bin:/content`,
				bytes(1024 * 1024 + 1),
				{ Authorization: `Bearer ${token}` },
			);
			expectError(call, 413, 'requestEntityTooLarge');
			expect(drives.item(reportsDrive, '/big.bin')).toBeUndefined();
		} finally {
			drives.simpleUploadLimit = limit;
		}
	});
});

describe('upload sessions', () => {
	// https://learn.microsoft.com/en-us/graph/api/driveitem-createuploadsession ("Handling upload
	// conflicts", "Handle upload errors"): a conflict that arose during the session is a 409 on the
	// last byte range; the session is kept until it expires and can be committed explicitly.
	test('409 on the final fragment when the name was taken meanwhile (fail); session kept; explicit commit', async () => {
		const data = bytes(2 * KIB320 + 10, 7);
		const created = await session('/conflicts/report.bin', 'fail');
		const url: string = created.body.uploadUrl;
		expect((await fragment(url, data.subarray(0, KIB320), 0, data.length)).status).toBe(202);
		// someone else creates the same name during the upload
		const other = await put(
			`${emulator().graphUrl}/drives/${reportsDrive}/root:/conflicts/report.bin:/content`,
			Buffer.from('other'),
			{ Authorization: `Bearer ${token}` },
		);
		expect(other.status).toBe(201);
		const last = await fragment(url, data.subarray(KIB320), KIB320, data.length);
		expectError(last, 409, 'nameAlreadyExists');
		expect(last.body.error.message).toMatch(
			/^Another file exists with the same name as the uploaded session/,
		);
		expect(emulator().drives.hash(reportsDrive, '/conflicts/report.bin')).toBe(
			createHash('sha256').update('other').digest('hex'),
		);
		// the session is preserved: all bytes received, nothing left to send
		const status = await fetch(url);
		expect(status.status).toBe(200);
		expect(((await status.json()) as any).nextExpectedRanges).toEqual([]);
		// sending the last range again is a 416 (already received)
		expect((await fragment(url, data.subarray(KIB320), KIB320, data.length)).status).toBe(416);
		// explicit commit under another name
		const commit = await graph(
			emulator(),
			'PUT',
			`/drives/${reportsDrive}/root:/conflicts:`,
			token,
			{
				name: 'report (2).bin',
				'@microsoft.graph.conflictBehavior': 'fail',
				'@microsoft.graph.sourceUrl': url,
			},
		);
		expect(commit.status).toBe(201);
		expect(commit.body).toMatchObject({ name: 'report (2).bin', size: data.length });
		expect(emulator().drives.hash(reportsDrive, '/conflicts/report (2).bin')).toBe(
			createHash('sha256').update(data).digest('hex'),
		);
		expect((await fetch(url)).status).toBe(404);
	});

	test('injected: drives.conflictOnCommit makes the next commit a 409; the session can then be cancelled', async () => {
		const data = bytes(KIB320, 9);
		const created = await session('/conflicts/injected.bin', 'replace');
		const url: string = created.body.uploadUrl;
		emulator().drives.conflictOnCommit = 1;
		const last = await fragment(url, data, 0, data.length);
		expectError(last, 409, 'nameAlreadyExists');
		expect(emulator().drives.conflictOnCommit).toBe(0);
		expect(emulator().drives.item(reportsDrive, '/conflicts/injected.bin')).toBeUndefined();
		expect((await fetch(url, { method: 'DELETE' })).status).toBe(204);
		expect((await fetch(url)).status).toBe(404);
		// over the admin API
		const set = await fetch(`${emulator().url}/_emulator/drives/upload-conflict`, {
			method: 'POST',
			body: JSON.stringify({ count: 2 }),
		});
		expect(set.status).toBe(200);
		expect(emulator().drives.conflictOnCommit).toBe(2);
		emulator().drives.conflictOnCommit = 0;
	});

	test('a session: fragments of 320 KiB multiples, 202 then 201, status, bytes and hashes', async () => {
		const data = bytes(3 * KIB320 + 1000);
		const created = await session('/sessions/a.bin', 'fail');
		expect(created.status).toBe(200);
		expect(validateGraphBody('uploadSession', created.body)).toEqual([]);
		expect(created.body.nextExpectedRanges).toEqual(['0-']);
		const url: string = created.body.uploadUrl;
		expect(new URL(url).pathname).toMatch(
			/^\/sites\/reports\/_api\/v2\.0\/drives\/b!.+\/uploadSession$/,
		);

		const first = await fragment(url, data.subarray(0, 2 * KIB320), 0, data.length);
		expect(first.status).toBe(202);
		expect(first.body.nextExpectedRanges).toEqual([`${2 * KIB320}-${data.length - 1}`]);
		const status = (await fetch(url).then((r) => r.json())) as any;
		expect(status.nextExpectedRanges).toEqual([`${2 * KIB320}-${data.length - 1}`]);
		const last = await fragment(url, data.subarray(2 * KIB320), 2 * KIB320, data.length);
		expect(last.status).toBe(201);
		expect(validateGraphBody('driveItem', last.body, { allowMissing: false })).toEqual([]);
		expect(last.body).toMatchObject({
			name: 'a.bin',
			size: data.length,
			file: { mimeType: 'application/octet-stream' },
		});
		expect(last.body.file.hashes.quickXorHash).toBe(new QuickXorHash().update(data).digestBase64());
		expect(emulator().drives.hash(reportsDrive, '/sessions/a.bin')).toBe(
			createHash('sha256').update(data).digest('hex'),
		);
		expect((await fetch(url)).status).toBe(404);
	});

	test('fragment rules: 320 KiB multiple, 60 MiB cap, overlap and gaps 416, total, Authorization 401', async () => {
		const total = 4 * KIB320;
		const data = bytes(total, 7);
		const { body } = await session('/sessions/rules.bin');
		const url: string = body.uploadUrl;
		expectError(await fragment(url, data.subarray(0, KIB320 + 1), 0, total), 400, 'invalidRequest');
		expectError(
			await fragment(url, data.subarray(0, KIB320), 0, total, { Authorization: `Bearer ${token}` }),
			401,
			'unauthenticated',
		);
		expect((await fragment(url, data.subarray(0, KIB320), 0, total)).status).toBe(202);
		const overlap = await fragment(
			url,
			data.subarray(KIB320 / 2, KIB320 / 2 + KIB320),
			KIB320 / 2,
			total,
		);
		expectError(overlap, 416, 'invalidRange');
		expectError(await fragment(url, data.subarray(0, KIB320), 0, total), 416, 'invalidRange');
		expectError(
			await fragment(url, data.subarray(2 * KIB320, 3 * KIB320), 2 * KIB320, total),
			416,
			'invalidRange',
		);
		expectError(
			await fragment(url, data.subarray(KIB320, 2 * KIB320), KIB320, total + 1),
			400,
			'invalidRequest',
		);
		expectError(
			await put(url, data.subarray(KIB320, 2 * KIB320), {
				'Content-Range': `bytes ${KIB320}-${3 * KIB320 - 1}/${total}`,
			}),
			400,
			'invalidRequest',
		);
		const big = Buffer.alloc(60 * 1024 * 1024);
		expectError(await fragment(url, big, KIB320, 100 * 1024 * 1024), 413, 'requestEntityTooLarge');
		// Nothing of the refused fragments was kept.
		const status = (await fetch(url).then((r) => r.json())) as any;
		expect(status.nextExpectedRanges).toEqual([`${KIB320}-${total - 1}`]);
		expect((await fragment(url, data.subarray(KIB320), KIB320, total)).status).toBe(201);
		expect(emulator().drives.hash(reportsDrive, '/sessions/rules.bin')).toBe(
			createHash('sha256').update(data).digest('hex'),
		);
		const log = emulator().log.filter((e) => e.url.startsWith(new URL(url).pathname));
		expect(log.filter((e) => e.hasAuthorization).map((e) => e.status)).toEqual([401]);
	});

	test('conflicts: fail is 409 nameAlreadyExists, replace overwrites (200), rename adds " 1"', async () => {
		const upload = async (behavior: string, data: Buffer) => {
			const created = await session('/conflict/report.csv', behavior);
			if (created.status !== 200) return created;
			return await fragment(created.body.uploadUrl, data, 0, data.length);
		};
		const first = await upload('fail', Buffer.from('a,b\n1,2\n'));
		expect(first.status).toBe(201);
		expect(first.body.file.mimeType).toBe('text/csv');
		expectError(await upload('fail', Buffer.from('x')), 409, 'nameAlreadyExists');
		const replaced = await upload('replace', Buffer.from('a,b\n3,4\n'));
		expect(replaced.status).toBe(200);
		expect(replaced.body.id).toBe(first.body.id);
		const renamed = await upload('rename', Buffer.from('a,b\n5,6\n'));
		expect(renamed.status).toBe(201);
		expect(renamed.body.name).toBe('report 1.csv');
		expect((await emulator().drives.read(reportsDrive, '/conflict/report.csv')).toString()).toBe(
			'a,b\n3,4\n',
		);

		// A session on an existing item (items/{id}/createUploadSession) replaces its content.
		const onItem = await graph(
			emulator(),
			'POST',
			`/drives/${reportsDrive}/items/${first.body.id}/createUploadSession`,
			token,
			{},
		);
		const done = await fragment(onItem.body.uploadUrl, Buffer.from('z'), 0, 1);
		expect(done.status).toBe(200);
		expect(done.body).toMatchObject({ id: first.body.id, size: 1 });
	});

	test('DELETE cancels a session (204); the URL is then 404', async () => {
		const { body } = await session('/sessions/cancelled.bin');
		const open = emulator().drives.openSessions;
		expect((await fragment(body.uploadUrl, bytes(KIB320), 0, 2 * KIB320)).status).toBe(202);
		expect((await fetch(body.uploadUrl, { method: 'DELETE' })).status).toBe(204);
		expect(emulator().drives.openSessions).toBe(open - 1);
		expect((await fetch(body.uploadUrl)).status).toBe(404);
		expect(emulator().drives.item(reportsDrive, '/sessions/cancelled.bin')).toBeUndefined();
	});
});
