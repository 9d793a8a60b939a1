/**
 * SharePoint → Site Permission (Get Many, Grant, Revoke) through n8n's engine against the
 * emulator, with an app given Sites.FullControl.All, and the Sites.Selected app it grants:
 * refused on a site without a grant (the 403 names the site, the app ID and the operation to
 * grant it), then reading after Grant; Grant is repeatable (unchanged, PATCH), Manage and Full
 * Control are created as write and raised; Revoke is repeatable, also after a lost answer; bad
 * input is refused with zero requests.
 */
import { useEmulator } from '../helpers/emulator';
import { ALL_STAFF_SITE, APPS, REPORTS_SITE, requests, rl, run } from './helpers';

const emulator = useEmulator();
const PUBLISHER = APPS.publisher.clientId;
const ALL_STAFF_URL = 'https://contoso.sharepoint.com/sites/AllStaff';

beforeAll(async () => {
	// The Document Archive app acts as the administrator's app: Sites.FullControl.All.
	const response = await fetch(
		`${emulator().url}/_emulator/apps/${APPS.archive.clientId}/consent`,
		{
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ application: ['Sites.FullControl.All'] }),
		},
	);
	expect(response.status).toBe(200);
});

const perm = (operation: string, parameters: Record<string, unknown> = {}) =>
	run(emulator(), {
		resource: 'sitePermission',
		operation,
		site: rl(ALL_STAFF_SITE, 'id'),
		...parameters,
	} as any);

/** The publisher (Sites.Selected) lists the All Staff site's library root. */
const publisherLists = async () => {
	const emu = emulator();
	const library = emu.drives.drive('contoso.sharepoint.com:/sites/AllStaff/Documents').id;
	return await run(
		emu,
		{
			resource: 'folder',
			operation: 'list',
			site: rl(ALL_STAFF_SITE, 'id'),
			library: rl(library, 'id'),
		},
		{ app: 'publisher' },
	);
};

describe('Site Permission', () => {
	test('a Sites.Selected app without a grant: the 403 names the site, the app and Site Permission → Grant; not "grant Files.Read.All"', async () => {
		const refused = await publisherLists();
		expect(refused.error?.message).toMatch(
			/^Forbidden: the app has Sites\.Selected but no "read" grant on the site contoso\.sharepoint\.com,6f3b8c5d/,
		);
		expect(refused.error?.message).not.toMatch(/grant Files\.Read\.All/);
		expect(refused.error?.description).toContain(`App ID ${PUBLISHER}`);
		expect(refused.error?.description).toContain('Resource Site Permission, Operation Grant');
	});

	test('Grant read: created (GET, POST); the app then reads; the same Grant again changes nothing', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const granted = await perm('grant', {
			appId: PUBLISHER,
			appDisplayName: 'Report Publisher',
			role: 'read',
		});
		expect(granted.error).toBeUndefined();
		expect(granted.output[0][0].json).toMatchObject({
			action: 'created',
			roles: ['read'],
			appId: PUBLISHER,
			appDisplayName: 'Report Publisher',
		});
		expect(requests(emu, mark).map((r) => `${r.method} ${r.status}`)).toEqual([
			'GET 200',
			'POST 201',
		]);
		expect((await publisherLists()).error).toBeUndefined();

		const again = emu.mark();
		const repeated = await perm('grant', { appId: PUBLISHER, role: 'read' });
		expect(repeated.output[0][0].json).toMatchObject({ action: 'unchanged', roles: ['read'] });
		expect(requests(emu, again).map((r) => r.method)).toEqual(['GET']);
	});

	test('Grant Full Control to an app with a grant: PATCH; Get Many lists it', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const raised = await perm('grant', { appId: PUBLISHER, role: 'fullcontrol' });
		expect(raised.output[0][0].json).toMatchObject({ action: 'updated', roles: ['fullcontrol'] });
		expect(requests(emu, mark).map((r) => r.method)).toEqual(['GET', 'PATCH']);
		const listed = await perm('getMany');
		expect(listed.output[0].map((i) => i.json)).toContainEqual(
			expect.objectContaining({ appId: PUBLISHER, roles: ['fullcontrol'], siteId: ALL_STAFF_SITE }),
		);
	});

	test('Grant Manage to an app without a grant, site by URL: created as write, then raised (POST, PATCH)', async () => {
		const emu = emulator();
		const app = '11111111-2222-4333-8444-555555555555';
		const mark = emu.mark();
		const result = await perm('grant', {
			site: rl(ALL_STAFF_URL, 'url'),
			appId: app,
			appDisplayName: 'Some App',
			role: 'manage',
		});
		expect(result.error).toBeUndefined();
		expect(result.output[0][0].json).toMatchObject({
			action: 'created',
			roles: ['manage'],
			appId: app,
		});
		expect(requests(emu, mark).map((r) => r.method)).toEqual(['GET', 'GET', 'POST', 'PATCH']);
		const listed = await perm('getMany');
		expect(listed.output[0].map((i) => i.json)).toContainEqual(
			expect.objectContaining({ appId: app, roles: ['manage'], appDisplayName: 'Some App' }),
		);
	});

	test('Revoke by app ID: DELETE; again: nothing to revoke, no DELETE; the app is refused again', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const revoked = await perm('revoke', { revokeBy: 'app', appId: PUBLISHER });
		expect(revoked.error).toBeUndefined();
		expect((revoked.output[0][0].json.revoked as string[]).length).toBe(1);
		expect(requests(emu, mark).map((r) => `${r.method} ${r.status}`)).toEqual([
			'GET 200',
			'DELETE 204',
		]);
		const again = emu.mark();
		const repeated = await perm('revoke', { revokeBy: 'app', appId: PUBLISHER });
		expect(repeated.output[0][0].json).toMatchObject({ revoked: [] });
		expect(requests(emu, again).map((r) => r.method)).toEqual(['GET']);
		expect((await publisherLists()).error?.message).toMatch(/Sites\.Selected but no "read" grant/);
	});

	test('Revoke by permission ID after a lost answer: sent again, the 404 means done', async () => {
		const emu = emulator();
		const app = '11111111-2222-4333-8444-555555555555';
		const listed = await perm('getMany');
		const id = listed.output[0].map((i) => i.json).find((g) => g.appId === app)!.id as string;
		emu.addFault({
			kind: 'reset-after',
			method: 'DELETE',
			path: '^/v1\\.0/sites/[^/]+/permissions/',
			count: 1,
		});
		const mark = emu.mark();
		const revoked = await perm('revoke', { revokeBy: 'permission', permissionId: id });
		expect(revoked.error).toBeUndefined();
		expect(revoked.output[0][0].json).toMatchObject({ revoked: [id] });
		const deletes = requests(emu, mark).filter((r) => r.method === 'DELETE');
		expect(deletes.map((r) => r.handled)).toEqual([true, true]);
		expect(deletes[1].status).toBe(404);
	});

	test.each([
		[
			'grant',
			{ appId: 'not-a-guid', role: 'read' },
			/App ID "not-a-guid" is not an application \(client\) ID/,
		],
		['grant', { appId: PUBLISHER, role: 'owner' }, /Role "owner" is not a site permission role/],
		[
			'grant',
			{ appId: PUBLISHER, role: '={{ "admin" }}' },
			/Role "admin" is not a site permission role/,
		],
		['revoke', { revokeBy: 'app', appId: '1234' }, /App ID "1234" is not/],
		[
			'revoke',
			{ revokeBy: 'permission', permissionId: 'a/b' },
			/Permission ID "a\/b" is not a grant ID/,
		],
		['getMany', { site: rl('contoso.sharepoint.com,nope', 'id') }, /is not a SharePoint site ID/],
	])(
		'%s with bad input %j is refused with zero requests',
		async (operation, parameters, message) => {
			const emu = emulator();
			const mark = emu.mark();
			const result = await perm(operation, parameters);
			expect(result.error?.message).toMatch(message);
			expect(requests(emu, mark)).toEqual([]);
		},
	);

	test('the Reports site keeps its fixture grant (write) for the publisher', async () => {
		const listed = await run(emulator(), {
			resource: 'sitePermission',
			operation: 'getMany',
			site: rl(REPORTS_SITE, 'id'),
		} as any);
		expect(listed.output[0].map((i) => i.json)).toContainEqual(
			expect.objectContaining({ appId: PUBLISHER, roles: ['write'] }),
		);
	});
});
