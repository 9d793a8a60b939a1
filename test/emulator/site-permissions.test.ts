/*
 * Site permissions (`/sites/{id}/permissions`) and Sites.Selected over real HTTPS, as
 * graph/site-permissions.ts and graph/drives.ts serve them (sources cited there).
 */
import { graph, mintToken, useEmulator } from '../helpers/emulator';
import { sitePermissionId } from './drive-store';

const emulator = useEmulator();
const HOST = 'contoso.sharepoint.com';
const ALL_STAFF = `${HOST},6f3b8c5d-0e2a-4f4b-a7d9-1a2b3c4d5e04,b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d04`;
const REPORTS = `${HOST},5e2a7b4c-9d1f-4e3a-b6c8-0f1e2d3c4b02,a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c02`;
/** "Report Publisher": Sites.Selected, a write grant on /sites/reports in the fixture. */
const PUBLISHER = '7de88e93-2c5d-4d14-bd46-f9559e8a0987';
/** "Document Archive": used here as a second Sites.Selected app. */
const ARCHIVE = '38c73065-ef3e-4beb-b0ec-33cb374bf4eb';

let admin: string; // Sites.FullControl.All (application)
let selected: string; // Report Publisher, Sites.Selected
let archive: string; // Document Archive, Sites.Selected

beforeAll(() => {
	const emu = emulator();
	admin = mintToken(emu, { app: ARCHIVE, roles: ['Sites.FullControl.All'] });
	selected = mintToken(emu, { app: PUBLISHER, roles: ['Sites.Selected'] });
	archive = mintToken(emu, { app: ARCHIVE, roles: ['Sites.Selected'] });
});

function expectBody(
	call: { status: number; body: any },
	status: number,
	code: string,
	message: string,
) {
	expect({
		status: call.status,
		code: call.body?.error?.code,
		message: call.body?.error?.message,
	}).toEqual({
		status,
		code,
		message,
	});
}

const tenantId = () => emulator().directory.home.id;

describe('site permissions API', () => {
	test('GET /sites/{id}/permissions lists the fixture grant as the docs show it', async () => {
		const call = await graph(emulator(), 'GET', `/sites/${REPORTS}/permissions`, admin);
		expect(call.status).toBe(200);
		const identity = [{ application: { id: PUBLISHER, displayName: 'Report Publisher' } }];
		expect(call.body.value).toEqual([
			{
				id: sitePermissionId(PUBLISHER, tenantId()),
				'@deprecated.GrantedToIdentities':
					'GrantedToIdentities has been deprecated. Refer to GrantedToIdentitiesV2',
				roles: ['write'],
				grantedToIdentities: identity,
				grantedToIdentitiesV2: identity,
			},
		]);
		expect(call.body['@odata.context']).toMatch(/\$metadata#sites\('.+'\)\/permissions$/);
	});

	test('grant, get, update and revoke with Sites.FullControl.All', async () => {
		const emu = emulator();
		const created = await graph(emu, 'POST', `/sites/${ALL_STAFF}/permissions`, admin, {
			roles: ['read'],
			grantedToIdentities: [{ application: { id: ARCHIVE, displayName: 'Archive App' } }],
		});
		expect(created.status).toBe(201);
		expect(created.body).toMatchObject({
			id: sitePermissionId(ARCHIVE, tenantId()),
			roles: ['read'],
			grantedToIdentitiesV2: [{ application: { id: ARCHIVE, displayName: 'Archive App' } }],
		});
		const id = encodeURIComponent(created.body.id);
		const got = await graph(emu, 'GET', `/sites/${ALL_STAFF}/permissions/${id}`, admin);
		expect(got.status).toBe(200);
		expect(got.body.roles).toEqual(['read']);

		const patched = await graph(emu, 'PATCH', `/sites/${ALL_STAFF}/permissions/${id}`, admin, {
			roles: ['fullcontrol'],
		});
		expect(patched.status).toBe(200);
		expect(patched.body.roles).toEqual(['fullcontrol']);
		expect(patched.body.grantedToIdentities[0].application.displayName).toBe('Archive App');

		const deleted = await graph(emu, 'DELETE', `/sites/${ALL_STAFF}/permissions/${id}`, admin);
		expect(deleted.status).toBe(204);
		const gone = await graph(emu, 'GET', `/sites/${ALL_STAFF}/permissions/${id}`, admin);
		expectBody(gone, 404, 'itemNotFound', 'Item not found');
		const list = await graph(emu, 'GET', `/sites/${ALL_STAFF}/permissions`, admin);
		expect(list.body.value).toEqual([]);
	});

	test('a grant without displayName takes the app registration name', async () => {
		const emu = emulator();
		const created = await graph(emu, 'POST', `/sites/${ALL_STAFF}/permissions`, admin, {
			roles: ['write'],
			grantedToIdentitiesV2: [{ application: { id: PUBLISHER } }],
		});
		expect(created.status).toBe(201);
		expect(created.body.grantedToIdentities).toEqual([
			{ application: { id: PUBLISHER, displayName: 'Report Publisher' } },
		]);
		await graph(
			emu,
			'DELETE',
			`/sites/${ALL_STAFF}/permissions/${encodeURIComponent(created.body.id)}`,
			admin,
		);
	});

	test.each([
		[
			'Sites.ReadWrite.All (application)',
			() => mintToken(emulator(), { app: ARCHIVE, roles: ['Sites.ReadWrite.All'] }),
		],
		[
			'Sites.Selected with a fullcontrol grant',
			() => {
				emulator().drives.grant(`${HOST}:/sites/AllStaff`, ARCHIVE, ['fullcontrol']);
				return archive;
			},
		],
	])('POST, PATCH, DELETE and GET refused with %s: 403 accessDenied', async (_name, token) => {
		const emu = emulator();
		const t = token();
		const pid = encodeURIComponent(sitePermissionId(PUBLISHER, tenantId()));
		const calls = [
			await graph(emu, 'POST', `/sites/${ALL_STAFF}/permissions`, t, {
				roles: ['read'],
				grantedToIdentities: [{ application: { id: PUBLISHER } }],
			}),
			await graph(emu, 'PATCH', `/sites/${REPORTS}/permissions/${pid}`, t, { roles: ['read'] }),
			await graph(emu, 'DELETE', `/sites/${REPORTS}/permissions/${pid}`, t),
			await graph(emu, 'GET', `/sites/${REPORTS}/permissions`, t),
		];
		for (const call of calls) expectBody(call, 403, 'accessDenied', 'Access denied');
		emu.drives.grant(`${HOST}:/sites/AllStaff`, ARCHIVE, []);
		// Nothing changed.
		const list = await graph(emu, 'GET', `/sites/${REPORTS}/permissions`, admin);
		expect(list.body.value.map((p: any) => p.roles)).toEqual([['write']]);
	});

	test('delegated: the list with Sites.FullControl.All; POST is not supported delegated', async () => {
		const emu = emulator();
		const user = mintToken(emu, {
			user: 'admin@contoso.onmicrosoft.com',
			scopes: ['Sites.FullControl.All'],
		});
		const list = await graph(emu, 'GET', `/sites/${REPORTS}/permissions`, user);
		expect(list.status).toBe(200);
		const post = await graph(emu, 'POST', `/sites/${REPORTS}/permissions`, user, {
			roles: ['read'],
			grantedToIdentities: [{ application: { id: ARCHIVE } }],
		});
		expectBody(post, 403, 'accessDenied', 'Access denied');
		const scoped = mintToken(emu, {
			user: 'admin@contoso.onmicrosoft.com',
			scopes: ['Sites.ReadWrite.All'],
		});
		expectBody(
			await graph(emu, 'GET', `/sites/${REPORTS}/permissions`, scoped),
			403,
			'accessDenied',
			'Access denied',
		);
	});

	test.each([
		[
			{ roles: ['admin'], grantedToIdentities: [{ application: { id: ARCHIVE } }] },
			"Invalid request: unknown role 'admin'.",
		],
		[
			{ roles: [], grantedToIdentities: [{ application: { id: ARCHIVE } }] },
			'Invalid request: roles must be a non-empty array of strings.',
		],
		[
			{ roles: ['read'] },
			'Invalid request: grantedToIdentities must name exactly one application.',
		],
		[
			{ roles: ['read'], grantedToIdentities: [{ application: { displayName: 'x' } }] },
			'Invalid request: grantedToIdentities[0].application.id must be an app ID.',
		],
	])('POST %j: 400 invalidRequest', async (body, message) => {
		expectBody(
			await graph(emulator(), 'POST', `/sites/${ALL_STAFF}/permissions`, admin, body),
			400,
			'invalidRequest',
			message,
		);
	});

	test('an unknown site: 404 itemNotFound', async () => {
		const call = await graph(
			emulator(),
			'GET',
			`/sites/${HOST}:/sites/nowhere:/permissions`,
			admin,
		);
		expectBody(call, 404, 'itemNotFound', 'Requested site could not be found');
	});
});

describe('Sites.Selected', () => {
	const file = (site: string) => `/sites/${site}/drive/root:/scoping-test.txt:/content`;
	async function put(token: string, site: string) {
		const response = await fetch(`${emulator().graphUrl}${file(site)}`, {
			method: 'PUT',
			headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/plain' },
			body: 'hello',
		});
		const text = await response.text();
		return { status: response.status, body: text ? JSON.parse(text) : undefined };
	}

	test('no grant: reading the site, its drives or items is 403 accessDenied', async () => {
		const emu = emulator();
		for (const path of [
			`/sites/${ALL_STAFF}`,
			`/sites/${ALL_STAFF}/drives`,
			`/sites/${ALL_STAFF}/drive/root/children`,
		])
			expectBody(await graph(emu, 'GET', path, archive), 403, 'accessDenied', 'Access denied');
		expectBody(await put(archive, ALL_STAFF), 403, 'accessDenied', 'Access denied');
	});

	test('a read grant (POSTed) reads but does not write; a write grant (PATCHed) writes', async () => {
		const emu = emulator();
		const created = await graph(emu, 'POST', `/sites/${ALL_STAFF}/permissions`, admin, {
			roles: ['read'],
			grantedToIdentities: [{ application: { id: ARCHIVE, displayName: 'Document Archive' } }],
		});
		expect(created.status).toBe(201);
		const site = await graph(emu, 'GET', `/sites/${ALL_STAFF}`, archive);
		expect(site.status).toBe(200);
		expect(site.body.id).toBe(ALL_STAFF);
		expect(
			(await graph(emu, 'GET', `/sites/${ALL_STAFF}/drive/root/children`, archive)).status,
		).toBe(200);
		expectBody(await put(archive, ALL_STAFF), 403, 'accessDenied', 'Access denied');
		// Only the granted site: the root site stays closed.
		expectBody(
			await graph(emu, 'GET', '/sites/root', archive),
			403,
			'accessDenied',
			'Access denied',
		);

		const id = encodeURIComponent(created.body.id);
		expect(
			(
				await graph(emu, 'PATCH', `/sites/${ALL_STAFF}/permissions/${id}`, admin, {
					roles: ['write'],
				})
			).status,
		).toBe(200);
		const written = await put(archive, ALL_STAFF);
		expect(written.status).toBe(201);
		expect(written.body.name).toBe('scoping-test.txt');

		expect(
			(await graph(emu, 'DELETE', `/sites/${ALL_STAFF}/permissions/${id}`, admin)).status,
		).toBe(204);
		expectBody(
			await graph(emu, 'GET', `/sites/${ALL_STAFF}`, archive),
			403,
			'accessDenied',
			'Access denied',
		);
	});

	test('the fixture write grant: Report Publisher writes to /sites/reports only', async () => {
		expect((await put(selected, REPORTS)).status).toBe(201);
		expectBody(await put(selected, ALL_STAFF), 403, 'accessDenied', 'Access denied');
	});

	test('site search shows only granted sites', async () => {
		const call = await graph(emulator(), 'GET', '/sites?search=*', selected);
		expect(call.status).toBe(200);
		expect(call.body.value.map((s: any) => s.id)).toEqual([REPORTS]);
	});

	test('a token with no role at all: 403 AccessDenied "Either scp or roles claim…"', async () => {
		const none = mintToken(emulator(), { app: ARCHIVE, roles: [] });
		expectBody(
			await graph(emulator(), 'GET', `/sites/${REPORTS}`, none),
			403,
			'AccessDenied',
			'Either scp or roles claim need to be present in the token.',
		);
	});

	test('a token with roles, none for SharePoint: 403 accessDenied "Access denied"', async () => {
		const other = mintToken(emulator(), { app: ARCHIVE, roles: ['User.Read.All'] });
		expectBody(
			await graph(emulator(), 'GET', `/sites/${REPORTS}`, other),
			403,
			'accessDenied',
			'Access denied',
		);
	});
});
