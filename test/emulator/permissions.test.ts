/*
 * The emulator's own catalogue lookup (permissions.ts). Expected values were read from
 * Microsoft's catalogue (microsoft-graph-devx-content permissions/new/permissions.json at
 * 6cbd6bbd), as extracted into test/emulator/data/permissions.json.
 */
import extract from './data/permissions.json';
import { findTemplate, isKnownPermission, permissionsFor } from './permissions';

describe("the emulator's permissions extract", () => {
	it('records its source and generator', () => {
		expect(extract.source).toMatchObject({
			repo: 'microsoftgraph/microsoft-graph-devx-content',
			path: 'permissions/new/permissions.json',
			commit: '6cbd6bbd',
		});
		expect(extract.generatedBy).toBe('scripts/generate-graph-extracts.ts');
	});
});

describe('findTemplate', () => {
	it.each([
		['POST', '/users/alice@contoso.com/sendMail', '/users/{id}/sendmail'],
		['POST', '/v1.0/me/sendMail', '/me/sendmail'],
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
		['GET', '/me/drive/root', '/me/drive/root'],
		['GET', '/me/drive/items/abc', '/me/drive/items/{id}'],
	])('%s %s -> %s', (method, path, template) => {
		expect(findTemplate(method, path)).toBe(template);
	});

	it('finds nothing for unknown paths or methods the catalogue does not list', () => {
		expect(findTemplate('GET', '/nope/x')).toBeUndefined();
		expect(findTemplate('DELETE', '/organization')).toBeUndefined();
	});
});

describe('permissionsFor', () => {
	it('sendMail needs Mail.Send', () => {
		expect(permissionsFor('POST', '/users/x/sendMail', 'application')?.all).toEqual(['Mail.Send']);
		expect(permissionsFor('POST', '/me/sendMail', 'delegated')?.least).toBe('Mail.Send');
	});

	it('channel messages: delegated ChannelMessage.Send; application only Teamwork.Migrate.All', () => {
		const path = '/teams/t1/channels/19:abc@thread.tacv2/messages';
		expect(permissionsFor('POST', path, 'delegated')?.all).toContain('ChannelMessage.Send');
		expect(permissionsFor('POST', path, 'application')?.all).toEqual(['Teamwork.Migrate.All']);
		const read = permissionsFor('GET', path, 'application');
		expect(read?.rsc).toEqual(['ChannelMessage.Read.Group']);
		expect(read?.all).not.toContain('ChannelMessage.Read.Group');
	});

	it('tells real permission names from misspelled ones', () => {
		expect(isKnownPermission('Mail.Send')).toBe(true);
		expect(isKnownPermission('Mail.Sendd')).toBe(false);
	});
});
