/**
 * Issue 13 (editor points): the words a new user meets — credential names as n8n shows them,
 * visible hints, "nothing was sent" only where something would have been sent, decoded paths,
 * hints on 404 and network errors, labels short enough for the "Add Field" list, and each node
 * in the node creator with its own description.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { INode, INodeProperties } from 'n8n-workflow';
import { Microsoft365AppApi } from '../../credentials/Microsoft365AppApi.credentials';
import { Microsoft365OAuth2Api } from '../../credentials/Microsoft365OAuth2Api.credentials';
import { Microsoft365PseudonymKeyApi } from '../../credentials/Microsoft365PseudonymKeyApi.credentials';
import { Microsoft365TeamsWebhookApi } from '../../credentials/Microsoft365TeamsWebhookApi.credentials';
import { Microsoft365EntraId } from '../../nodes/Microsoft365EntraId/Microsoft365EntraId.node';
import { Microsoft365EntraIdTrigger } from '../../nodes/Microsoft365EntraId/Microsoft365EntraIdTrigger.node';
import { Microsoft365Calendar } from '../../nodes/Microsoft365Calendar/Microsoft365Calendar.node';
import { Microsoft365CalendarTrigger } from '../../nodes/Microsoft365Calendar/Microsoft365CalendarTrigger.node';
import { Microsoft365Mail } from '../../nodes/Microsoft365Mail/Microsoft365Mail.node';
import { Microsoft365MailTrigger } from '../../nodes/Microsoft365Mail/Microsoft365MailTrigger.node';
import { inputError } from '../../nodes/Microsoft365Mail/errors';
import { Microsoft365SharePoint } from '../../nodes/Microsoft365SharePoint/Microsoft365SharePoint.node';
import { Microsoft365Teams } from '../../nodes/Microsoft365Teams/Microsoft365Teams.node';
import { APP_POSTING_NOTICE } from '../../nodes/Microsoft365Teams/guard';
import { describeCall, graphApiError, networkError, proxyHint } from '../../nodes/shared/errors';

const ROOT = join(__dirname, '..', '..');
const NODES = [
	Microsoft365Mail,
	Microsoft365MailTrigger,
	Microsoft365Teams,
	Microsoft365SharePoint,
	Microsoft365EntraId,
	Microsoft365EntraIdTrigger,
	Microsoft365Calendar,
	Microsoft365CalendarTrigger,
].map((N) => new N());

const node = (parameters: INode['parameters'] = {}, type = 'n8n-nodes-m365.microsoft365Mail') =>
	({ id: '1', name: 'Node', type, typeVersion: 1, position: [0, 0], parameters }) as INode;

describe('credential names and dialog hints', () => {
	const credentials = [
		new Microsoft365OAuth2Api(),
		new Microsoft365AppApi(),
		new Microsoft365TeamsWebhookApi(),
		new Microsoft365PseudonymKeyApi(),
	];

	test('README and the examples name each credential as n8n shows it (its displayName)', () => {
		const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
		for (const c of credentials) expect(readme).toContain(c.displayName);
		const texts = [
			readme,
			...readdirSync(join(ROOT, 'examples')).map((f) =>
				readFileSync(join(ROOT, 'examples', f), 'utf8'),
			),
		];
		for (const text of texts) {
			expect(text).not.toMatch(/Microsoft 365 App Client Credentials API/);
			expect(text).not.toMatch(/Microsoft 365 Teams Webhook API/);
		}
	});

	test('the values copied from Entra carry visible hints (not only tooltips)', () => {
		const delegated = new Microsoft365OAuth2Api().properties;
		const app = new Microsoft365AppApi().properties;
		for (const [props, names] of [
			[delegated, ['clientId', 'clientSecret', 'tenant']],
			[app, ['clientId', 'clientSecret', 'tenantId']],
		] as Array<[INodeProperties[], string[]]>) {
			for (const name of names) {
				const hint = props.find((p) => p.name === name)?.hint;
				expect({ name, hint }).toEqual({ name, hint: expect.any(String) });
			}
		}
		expect(delegated.find((p) => p.name === 'clientId')?.hint).toMatch(/Overview/);
		expect(delegated.find((p) => p.name === 'clientSecret')?.hint).toMatch(/not its Secret ID/);
	});

	test('delegated dialog: Client ID, Client Secret, then Tenant, before Cloud', () => {
		const names = new Microsoft365OAuth2Api().properties
			.filter((p) => p.type !== 'hidden' && p.type !== 'notice')
			.map((p) => p.name);
		expect(names.slice(0, 4)).toEqual(['clientId', 'clientSecret', 'tenant', 'cloud']);
	});
});

describe('node creator and parameter panel words', () => {
	test("a trigger's description fits its merged node-creator entry (n8n shows the trigger's there): it names what both do, and differs from the action node's", () => {
		const by = Object.fromEntries(NODES.map((n) => [n.description.name, n.description]));
		for (const [action, trigger] of [
			['microsoft365Mail', 'microsoft365MailTrigger'],
			['microsoft365EntraId', 'microsoft365EntraIdTrigger'],
			['microsoft365Calendar', 'microsoft365CalendarTrigger'],
		]) {
			expect(by[trigger].description).not.toBe(by[action].description);
			for (const d of [by[trigger].description, by[action].description]) {
				expect(d).not.toMatch(/^Starts the workflow/);
				expect(d).toMatch(/start workflows/);
				expect(d).toMatch(/\bread\b/i);
			}
		}
		expect(by.microsoft365Mail.description).toMatch(/^Send, read/);
	});

	test('no label in an "Add Field"/"Add Option" list is cut (at most 24 characters)', () => {
		const long: string[] = [];
		const walk = (props: INodeProperties[], inCollection: boolean) => {
			for (const p of props) {
				if (inCollection && p.displayName.length > 24) long.push(p.displayName);
				if (p.type === 'collection' && p.options) walk(p.options as INodeProperties[], true);
			}
		};
		for (const n of NODES) walk(n.description.properties, false);
		expect(long).toEqual([]);
	});

	test('the Authentication choice follows n8n (no expression, delegated by default except Entra ID)', () => {
		for (const n of NODES) {
			const auth = n.description.properties.find((p) => p.name === 'authentication');
			expect(auth?.noDataExpression).toBe(true);
		}
	});

	test('Teams: the app posting notice names only fields the editor shows', () => {
		// n8n hides the Authentication parameter (the credential choice replaces it).
		expect(APP_POSTING_NOTICE).not.toMatch(/Authentication/);
		expect(APP_POSTING_NOTICE).toContain('Credential');
		const teams = new Microsoft365Teams().description.properties;
		const resources = teams.filter((p) => p.name === 'resource');
		// Same resources whichever credential is chosen: no jump to another resource.
		expect(new Set(resources.map((r) => JSON.stringify(r.options))).size).toBe(1);
	});
});

describe('error words', () => {
	test('"nothing was sent" only for operations that send', () => {
		expect(inputError(node({ operation: 'get' }), 'Message ID', 'x').description).not.toMatch(
			/nothing was sent/i,
		);
		expect(
			inputError(node({}, 'n8n-nodes-m365.microsoft365MailTrigger'), 'Folder', 'x').description,
		).not.toMatch(/nothing was sent/i);
		expect(inputError(node({ operation: 'send' }), 'To', 'x').description).toMatch(
			/nothing was sent/,
		);
		expect(inputError(node({ operation: 'reply' }), 'Comment', 'x').description).toMatch(
			/nothing was sent/,
		);
		// Entra ID only reads: none of its messages says it.
		const entra = join(ROOT, 'nodes', 'Microsoft365EntraId');
		const files = (readdirSync(entra, { recursive: true }) as string[]).filter((f) =>
			f.endsWith('.ts'),
		);
		for (const file of files)
			expect({ file, text: readFileSync(join(entra, file), 'utf8') }).not.toEqual({
				file,
				text: expect.stringMatching(/nothing was sent/i),
			});
	});

	test('paths in messages are decoded for display', () => {
		expect(
			describeCall(
				'get',
				'https://graph.microsoft.com/v1.0/users/alice%40contoso.com/mailFolders/inbox?$top=1',
			),
		).toBe('GET /users/alice@contoso.com/mailFolders/inbox');
		expect(describeCall('GET', '/drives/b!x/root:/Reports%20%C3%84/a%2Fb.csv')).toBe(
			'GET /drives/b!x/root:/Reports Ä/a%2Fb.csv',
		);
		const error = graphApiError(node(), {
			status: 500,
			method: 'GET',
			url: 'https://graph.microsoft.com/v1.0/users/bob%40contoso.com',
		});
		expect(error.message).toContain('/users/bob@contoso.com');
	});

	test('a 404 says what to check (wrong ID, or no access)', () => {
		const error = graphApiError(node(), {
			status: 404,
			method: 'GET',
			url: '/teams/123/channels/456',
			body: { error: { code: 'NotFound', message: 'Channel not found' } },
		});
		expect(error.message).toBe(
			'Microsoft Graph GET /teams/123/channels/456 failed: Channel not found',
		);
		expect(error.description).toMatch(/wrong or stale ID/);
		expect(error.description).toMatch(/no access/);
	});

	test('network errors name the proxy in use, or say none is set', () => {
		const url = 'https://graph.microsoft.com/v1.0/me';
		expect(proxyHint(url, {})).toMatch(/No proxy is set.*HTTPS_PROXY/);
		expect(proxyHint(url, { HTTPS_PROXY: 'http://user:pw@proxy.local:3128' })).toMatch(
			/through the proxy .*proxy\.local:3128.*NO_PROXY/,
		);
		expect(proxyHint(url, { HTTPS_PROXY: 'http://user:pw@proxy.local:3128' })).not.toContain('pw@');
		for (const notRetried of [undefined, 'may-have-acted', 'attempts'] as const) {
			const error = networkError(node(), {
				method: 'GET',
				url,
				code: 'ECONNREFUSED',
				attempts: 3,
				notRetried,
			});
			expect(error.description).toMatch(/proxy/i);
		}
	});
});
