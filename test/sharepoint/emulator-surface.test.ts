/**
 * The emulator's SharePoint additions on their own (minted tokens, raw HTTPS): site search,
 * list item fields against the library's columns, copy with its monitor, move rules, reserved
 * names, and Sites.Selected grants.
 */
import { graph, mintToken, useEmulator } from '../helpers/emulator';
import { ALL_STAFF_SITE, APPS, libraryId, REPORTS_SITE } from './helpers';

const emulator = useEmulator();
let token: string;
let reports: string;

beforeAll(() => {
	token = mintToken(emulator(), { roles: ['Sites.ReadWrite.All'] });
	reports = libraryId(emulator());
});

async function file(path: string, text = 'x') {
	const call = await fetch(`${emulator().graphUrl}/drives/${reports}/root:${path}:/content`, {
		method: 'PUT',
		headers: { Authorization: `Bearer ${token}` },
		body: text,
	});
	expect(call.status).toBeLessThan(300);
	return (await call.json()) as any;
}

test('GET /sites?search= matches names and descriptions; * lists all', async () => {
	const found = await graph(emulator(), 'GET', '/sites?search=quarterly', token);
	expect(found.status).toBe(200);
	expect(found.body.value.map((s: any) => s.id)).toEqual([REPORTS_SITE]);
	const all = await graph(emulator(), 'GET', '/sites?search=*&$top=1', token);
	expect(all.body.value).toHaveLength(1);
	expect(all.body['@odata.nextLink']).toMatch(/search=\*/);
});

test('list item fields: by the driveItem and by the list; unknown, read-only and mistyped fields are 400', async () => {
	const item = await file('/fields/a.txt');
	const patch = (path: string, body: unknown) => graph(emulator(), 'PATCH', path, token, body);
	const viaItem = await patch(`/drives/${reports}/items/${item.id}/listItem/fields`, {
		ReportPeriod: '2024-03',
		PublishedOn: '2024-04-01T10:00:00+02:00',
	});
	expect(viaItem.status).toBe(200);
	expect(viaItem.body).toMatchObject({
		ReportPeriod: '2024-03',
		PublishedOn: '2024-04-01T08:00:00Z',
	});
	const ids = await graph(
		emulator(),
		'GET',
		`/drives/${reports}/items/${item.id}?$select=sharepointIds`,
		token,
	);
	expect(Object.keys(ids.body).filter((k) => !k.startsWith('@'))).toEqual(['sharepointIds']);
	const { listId, listItemId } = ids.body.sharepointIds;
	const viaList = `/sites/${REPORTS_SITE}/lists/${listId}/items/${listItemId}/fields`;
	expect((await patch(viaList, { PageCount: '7' })).body).toMatchObject({
		PageCount: 7,
		ReportPeriod: '2024-03',
	});
	for (const [body, message] of [
		[{ Colour: 'red' }, "Field 'Colour' is not recognized"],
		[{ Approver: 'me' }, "Field 'Approver' is read-only"],
		[{ Department: 'Legal' }, "Invalid value 'Legal' for field 'Department'"],
		[{ Reviewed: 'yes' }, "Invalid value 'yes' for field 'Reviewed'"],
	] as const) {
		const refused = await patch(viaList, body);
		expect({ status: refused.status, code: refused.body.error.code }).toEqual({
			status: 400,
			code: 'invalidRequest',
		});
		expect(refused.body.error.message).toContain(message);
	}
});

test('copy: 202 + monitor (no token), failed/nameAlreadyExists on a conflict with fail', async () => {
	const item = await file('/copy/a.txt', 'abc');
	const start = async (query = '') =>
		await fetch(`${emulator().graphUrl}/drives/${reports}/items/${item.id}/copy${query}`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ name: 'b.txt' }),
		});
	const first = await start();
	expect(first.status).toBe(202);
	const monitor = first.headers.get('location')!;
	expect(new URL(monitor).pathname).toMatch(/^\/_api\/v2\.0\/monitor\/[0-9a-f-]{36}$/);
	expect(await (await fetch(monitor)).json()).toMatchObject({ status: 'inProgress' });
	const done = (await (await fetch(monitor)).json()) as any;
	expect(done).toMatchObject({ status: 'completed', percentageComplete: 100 });
	expect(emulator().drives.item(reports, '/copy/b.txt')!.id).toBe(done.resourceId);
	const second = await start();
	const monitor2 = second.headers.get('location')!;
	await fetch(monitor2);
	expect(await (await fetch(monitor2)).json()).toMatchObject({
		status: 'failed',
		error: { code: 'nameAlreadyExists' },
	});
	expect((await start('?@microsoft.graph.conflictBehavior=replace')).status).toBe(202);
});

test('move: across drives is 400, into itself is 400, a taken name is 409', async () => {
	const folder = await graph(emulator(), 'POST', `/drives/${reports}/root/children`, token, {
		name: 'mv',
		folder: {},
	});
	const item = await file('/mv/a.txt');
	await file('/mv/taken.txt');
	const documents = libraryId(emulator(), 'Documents');
	const patch = (id: string, body: unknown) =>
		graph(emulator(), 'PATCH', `/drives/${reports}/items/${id}`, token, body);
	expect((await patch(item.id, { parentReference: { driveId: documents, id: 'x' } })).status).toBe(
		400,
	);
	expect((await patch(folder.body.id, { parentReference: { id: folder.body.id } })).status).toBe(
		400,
	);
	const taken = await patch(item.id, { name: 'taken.txt' });
	expect({ status: taken.status, code: taken.body.error.code }).toEqual({
		status: 409,
		code: 'nameAlreadyExists',
	});
	expect((await patch(item.id, { name: 'renamed.txt' })).body).toMatchObject({
		name: 'renamed.txt',
	});
});

test('names SharePoint reserves are 400 invalidRequest', async () => {
	for (const name of ['CON', 'desktop.ini', '~$draft.docx', 'a_vti_b', '.lock']) {
		const call = await graph(emulator(), 'POST', `/drives/${reports}/root/children`, token, {
			name,
			folder: {},
		});
		expect([name, call.status, call.body.error.code]).toEqual([name, 400, 'invalidRequest']);
	}
});

test('Sites.Selected: granted sites only; 403 accessDenied elsewhere; items/root alias', async () => {
	const selected = mintToken(emulator(), {
		app: APPS.publisher.clientId,
		roles: ['Sites.Selected'],
	});
	expect((await graph(emulator(), 'GET', `/drives/${reports}/items/root`, selected)).status).toBe(
		200,
	);
	const other = await graph(emulator(), 'GET', `/sites/${ALL_STAFF_SITE}/drives`, selected);
	expect({
		status: other.status,
		code: other.body.error.code,
		message: other.body.error.message,
	}).toEqual({
		status: 403,
		code: 'accessDenied',
		message: 'Access denied',
	});
	const search = await graph(emulator(), 'GET', '/sites?search=*', selected);
	expect(search.body.value.map((s: any) => s.id)).toEqual([REPORTS_SITE]);
	const none = mintToken(emulator(), { roles: ['Sites.Selected'] });
	expect((await graph(emulator(), 'GET', `/drives/${reports}/items/root`, none)).status).toBe(403);
});
