/*
 * Expected values were read from Microsoft's catalogue (microsoft-graph-devx-content
 * permissions/new/permissions.json at 6cbd6bbd), not from Graph's docs pages; where they
 * differ, the catalogue wins (e.g. GET /users: the catalogue marks User.ReadBasic.All least).
 */
import permissionsExtract from '../../nodes/shared/graph/generated/permissions.json';
import {
	findPathTemplate,
	graphPermissionsSource,
	isKnownPermission,
	permissionInfo,
	permissionsFor,
} from '../../nodes/shared/graph/permissions';

describe('the permissions extract', () => {
	it('records its source commit and generator', () => {
		expect(permissionsExtract.source).toMatchObject({
			repo: 'microsoftgraph/microsoft-graph-devx-content',
			path: 'permissions/new/permissions.json',
			commit: '6cbd6bbd',
			date: '2026-08-07',
		});
		expect(permissionsExtract.generatedBy).toBe('scripts/generate-graph-extracts.ts');
		expect(graphPermissionsSource().commit).toBe('6cbd6bbd');
	});

	it('covers only the path prefixes the project touches', () => {
		const prefixes = new Set(permissionsExtract.prefixes);
		for (const template of Object.keys(permissionsExtract.paths)) {
			const first = /^\/[^/(:]*/.exec(template)?.[0] ?? '';
			expect(prefixes.has(first)).toBe(true);
		}
	});
});

describe('findPathTemplate', () => {
	it.each([
		['POST', '/users/alice@contoso.com/sendMail', '/users/{id}/sendmail'],
		['POST', '/v1.0/me/sendMail', '/me/sendmail'],
		[
			'GET',
			'/users/6f1c1a2b-0000-4000-8000-000000000001/messages/AAMkAGI2',
			'/users/{id}/messages/{id}',
		],
		[
			'GET',
			'/me/mailFolders/inbox/messages?$top=5&$select=subject',
			'/me/mailfolders/{id}/messages',
		],
		['GET', 'https://graph.microsoft.com/v1.0/groups/abc/members', '/groups/{id}/members'],
		['GET', '/users/delta()', '/users/delta'],
		['GET', '/users/delta', '/users/delta'],
		['GET', "/drives/b!x/root/search(q='report')", '/drives/{id}/root/search(q={value})'],
		[
			'GET',
			"/applications(appId='00000003-0000-0000-c000-000000000000')",
			'/applications(appid={value})',
		],
		['GET', '/sites/contoso.sharepoint.com:/sites/reports:', '/sites/{id}:/{id}'],
		['GET', '/sites/contoso.sharepoint.com:/sites/reports:/lists', '/sites/{id}/lists'],
		[
			'GET',
			'/sites/contoso.sharepoint.com,1a2b,3c4d/lists/l1/items',
			'/sites/{id}/lists/{id}/items',
		],
		['PUT', '/drives/b!x/items/01ABC:/a/b.txt:/content', '/drives/{id}/items/{id}:/{id}:/content'],
		['PUT', '/drives/b!x/root:/a/b.txt:/content', '/drives/{id}/items/{id}/content'],
		[
			'POST',
			'/drives/b!x/root:/big.bin:/createUploadSession',
			'/drives/{id}/items/{id}/createuploadsession',
		],
		['DELETE', '/groups/g1/members/u1/$ref', '/groups/{id}/members/{id}'],
	])('%s %s -> %s', (method, path, template) => {
		expect(findPathTemplate(method, path)).toBe(template);
	});

	it('prefers literal segments over placeholders', () => {
		expect(findPathTemplate('GET', '/me/drive/root')).toBe('/me/drive/root');
		expect(findPathTemplate('GET', '/me/drive/items/abc')).toBe('/me/drive/items/{id}');
	});

	it('returns undefined for unknown paths and methods the catalogue does not list', () => {
		expect(findPathTemplate('GET', '/nope/x')).toBeUndefined();
		expect(findPathTemplate('DELETE', '/organization')).toBeUndefined();
		// the catalogue (6cbd6bbd) lists no POST for /groups/{id}/members/$ref
		expect(findPathTemplate('POST', '/groups/g1/members/$ref')).toBeUndefined();
	});
});

describe('permissionsFor', () => {
	it('sendMail needs Mail.Send in both schemes', () => {
		const app = permissionsFor('POST', '/users/x@contoso.com/sendMail', 'application');
		expect(app?.least).toBe('Mail.Send');
		expect(app?.all).toEqual(['Mail.Send']);
		expect(permissionsFor('POST', '/me/sendMail', 'delegated')?.least).toBe('Mail.Send');
		expect(permissionsFor('POST', '/me/sendMail', 'delegated')?.template).toBe('/me/sendmail');
	});

	it('GET /users: the catalogue marks User.ReadBasic.All least, User.Read.All also grants', () => {
		const app = permissionsFor('GET', '/users', 'application');
		expect(app?.least).toBe('User.ReadBasic.All');
		// User.ReadWrite.All is marked too (its path set covers GET and POST); it ranks higher
		expect(app?.leastCandidates).toEqual(['User.ReadBasic.All', 'User.ReadWrite.All']);
		expect(app?.all).toEqual(
			expect.arrayContaining(['User.Read.All', 'User.ReadBasic.All', 'Directory.Read.All']),
		);
		expect(permissionsFor('POST', '/users', 'application')?.least).toBe('User.ReadWrite.All');
	});

	it('posting a channel message is delegated only (ChannelMessage.Send)', () => {
		const path = '/teams/t1/channels/19:abc@thread.tacv2/messages';
		const delegated = permissionsFor('POST', path, 'delegated');
		expect(delegated?.template).toBe('/teams/{id}/channels/{id}/messages');
		expect(delegated?.all).toEqual(expect.arrayContaining(['ChannelMessage.Send']));
		expect(delegated?.least).toBe('ChannelMessage.Send');
		// application: only Teamwork.Migrate.All (import), no tenant-wide send permission
		expect(permissionsFor('POST', path, 'application')?.all).toEqual(['Teamwork.Migrate.All']);
		// reading: RSC permission kept apart from the tenant-wide ones
		const read = permissionsFor('GET', path, 'application');
		expect(read?.rsc).toEqual(['ChannelMessage.Read.Group']);
		expect(read?.leastRsc).toBe('ChannelMessage.Read.Group');
		expect(read?.all).not.toContain('ChannelMessage.Read.Group');
		expect(read?.all).toEqual(expect.arrayContaining(['ChannelMessage.Read.All']));
	});

	it('drive item upload (PUT content by path) per the catalogue', () => {
		const path = '/drives/b!x/items/01ABC:/reports/q3.txt:/content';
		const delegated = permissionsFor('PUT', path, 'delegated');
		expect(delegated?.all).toEqual([
			'Files.ReadWrite',
			'Files.ReadWrite.All',
			'Sites.ReadWrite.All',
		]);
		expect(delegated?.least).toBe('Files.ReadWrite');
		const app = permissionsFor('PUT', path, 'application');
		expect(app?.all).toEqual(['Files.ReadWrite.All', 'Sites.ReadWrite.All']);
		expect(app?.least).toBe('Files.ReadWrite.All');
	});

	it('drive item upload session: application needs Sites.ReadWrite.All per the catalogue', () => {
		const path = '/drives/b!x/items/01ABC/createUploadSession';
		const app = permissionsFor('POST', path, 'application');
		expect(app?.all).toEqual(['Sites.ReadWrite.All']);
		expect(app?.least).toBe('Sites.ReadWrite.All');
		const delegated = permissionsFor('POST', path, 'delegated');
		expect(delegated?.all).toEqual([
			'Files.ReadWrite',
			'Files.ReadWrite.All',
			'Sites.ReadWrite.All',
		]);
		expect(delegated?.least).toBe('Files.ReadWrite');
	});

	it('records AlsoRequires flags', () => {
		const r = permissionsFor('POST', '/servicePrincipals/sp1/appRoleAssignedTo', 'application');
		expect(r?.alsoRequires['Application.Read.All']).toEqual(['AppRoleAssignment.ReadWrite.All']);
	});

	it('returns undefined for an unknown path', () => {
		expect(permissionsFor('GET', '/nope/x', 'delegated')).toBeUndefined();
		expect(permissionsFor('GET', '/sitez/x', 'application')).toBeUndefined();
	});
});

describe('permission names', () => {
	it('tells real permissions from unknown ones', () => {
		expect(isKnownPermission('Mail.Send')).toBe(true);
		expect(isKnownPermission('Mail.Sendd')).toBe(false);
		expect(isKnownPermission('User.Read.All')).toBe(true);
	});

	it('gives schemes and admin consent', () => {
		expect(permissionInfo('Mail.Send')).toEqual({
			name: 'Mail.Send',
			delegated: { adminConsent: false, privilegeLevel: 2 },
			application: { adminConsent: true, privilegeLevel: 3 },
			rsc: false,
		});
		expect(permissionInfo('ChannelMessage.Send')?.application).toBeUndefined();
		expect(permissionInfo('ChannelMessage.Read.Group')?.rsc).toBe(true);
		expect(permissionInfo('Mail.Sendd')).toBeUndefined();
	});
});

describe('least-privilege advice', () => {
	it('prefers a general read permission over a feature-specific write one for a read', () => {
		const delegated = permissionsFor(
			'GET',
			'/groups/0b0f5e1c-0000-4000-8000-000000000001',
			'delegated',
		);
		const application = permissionsFor(
			'GET',
			'/groups/0b0f5e1c-0000-4000-8000-000000000001',
			'application',
		);
		// The catalogue marks only Group-NestingSupport.ReadWrite.All as least here.
		expect(application?.leastCandidates).toEqual(['Group-NestingSupport.ReadWrite.All']);
		expect(application?.least).toBe('Group.Read.All');
		expect(delegated?.least).toBe('Group.ReadBasic.All');
		expect(application?.all).toContain(application?.least);
	});

	it('keeps the catalogue pick where it is already a fitting permission', () => {
		expect(permissionsFor('POST', '/users/x/sendMail', 'application')?.least).toBe('Mail.Send');
		expect(permissionsFor('GET', '/users', 'application')?.least).toBe('User.ReadBasic.All');
	});
});
