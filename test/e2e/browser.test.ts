/**
 * Browser check with headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core):
 * n8n's editor creates each credential type through its dialog, the fields are there and follow
 * the selections, one example workflow and each of our nodes' parameter panels open, and the
 * resource locators list teams, sites and users from the emulator. Screenshots go to
 * test-results/screenshots/ (git-ignored); a missing field fails the test.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, selectors, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT } from '../../scripts/e2e/stack';
import { Microsoft365Calendar } from '../../nodes/Microsoft365Calendar/Microsoft365Calendar.node';
import { Microsoft365CalendarTrigger } from '../../nodes/Microsoft365Calendar/Microsoft365CalendarTrigger.node';
import { Microsoft365EntraId } from '../../nodes/Microsoft365EntraId/Microsoft365EntraId.node';
import { Microsoft365EntraIdTrigger } from '../../nodes/Microsoft365EntraId/Microsoft365EntraIdTrigger.node';
import { Microsoft365Mail } from '../../nodes/Microsoft365Mail/Microsoft365Mail.node';
import { Microsoft365MailTrigger } from '../../nodes/Microsoft365Mail/Microsoft365MailTrigger.node';
import { Microsoft365SharePoint } from '../../nodes/Microsoft365SharePoint/Microsoft365SharePoint.node';
import { Microsoft365Teams } from '../../nodes/Microsoft365Teams/Microsoft365Teams.node';
import {
	CLIENT_ID_HINT,
	CLIENT_SECRET_HINT,
	TENANT_HINT,
} from '../../nodes/shared/credentials/fields';
import { chain, e2e } from './helpers';

const ctx = e2e();
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(REPO_ROOT, 'test-results', 'screenshots');
const P = 'n8n-nodes-m365.';

let browser: BrowserContext;
let page: Page;
let profile: string;

const param = (name: string) => page.locator(`[data-test-id="parameter-input-${name}"]`);
const shot = async (name: string) => {
	await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
};

async function expectParams(present: string[], absent: string[] = []): Promise<void> {
	const missing: string[] = [];
	for (const name of present) if ((await param(name).count()) === 0) missing.push(name);
	expect({ missing }).toEqual({ missing: [] });
	for (const name of absent) expect({ [name]: await param(name).count() }).toEqual({ [name]: 0 });
}

/** Picks an option of an n8n select parameter by its visible text. */
async function choose(name: string, option: string): Promise<void> {
	await param(name).click();
	await page
		.locator('.el-select-dropdown__item:visible, [role="option"]:visible')
		.filter({ hasText: option })
		.first()
		.click();
	await page.waitForTimeout(300);
}

async function openNewCredential(typeName: string): Promise<void> {
	await page.goto(`${ctx.state.n8nUrl}/home/credentials/create`);
	await page.locator('[data-test-id="new-credential-type-select"]').click();
	await page.keyboard.type(typeName);
	await page
		.locator('[data-test-id="new-credential-type-select-option"]')
		.filter({ hasText: typeName })
		.first()
		.click();
	await page.locator('[data-test-id="new-credential-type-button"]').click();
	await page.locator('[data-test-id="editCredential-modal"]').waitFor();
}

async function saveCredential(name: string): Promise<void> {
	const title = page.locator('[data-test-id="credential-name"]');
	await title.click();
	await page.locator('[data-test-id="credential-name"] input').fill(name);
	await page.keyboard.press('Enter');
	await page.locator('[data-test-id="credential-save-button"]').click();
	await page.waitForTimeout(1500);
}

/** What the page scripts read of an element (no DOM types in this project). */
interface Shown {
	innerText: string;
	offsetParent: unknown;
	parentElement: Shown | null;
	querySelector(selector: string): Shown | null;
}

/** The credential dialog's visible parameters, top to bottom. */
async function fieldOrder(): Promise<string[]> {
	return await page
		.locator('[data-test-id="editCredential-modal"] [data-test-id^="parameter-input-"]')
		.evaluateAll((els) =>
			els
				.filter((e) => (e as unknown as Shown).offsetParent !== null)
				.map((e) => e.getAttribute('data-test-id')!.replace('parameter-input-', ''))
				// n8n's inner inputs carry `parameter-input-field`.
				.filter((name) => name !== 'field'),
		);
}

async function credentialNamed(name: string): Promise<{ id: string; type: string } | undefined> {
	const list = await ctx.n8n.rest<Array<{ id: string; name: string; type: string }>>(
		'GET',
		'/credentials',
	);
	return list.find((c) => c.name === name);
}

beforeAll(async () => {
	if (!existsSync(CHROMIUM))
		throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (Debian package)`);
	mkdirSync(SHOTS, { recursive: true });
	selectors.setTestIdAttribute('data-test-id');
	profile = mkdtempSync(join(tmpdir(), 'm365-chromium-'));
	browser = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		viewport: { width: 1400, height: 1800 },
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
	page = await browser.newPage();
	await page.goto(`${ctx.state.n8nUrl}/signin`);
	await page.fill('input[name=emailOrLdapLoginId]', ctx.state.owner.email);
	await page.fill('input[name=password]', ctx.state.owner.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL(/\/home|\/workflow/, { timeout: 60_000 });
});

afterAll(async () => {
	await browser?.close();
	if (profile) rmSync(profile, { recursive: true, force: true });
});

test('delegated credential dialog: cloud, tenant, scope groups, additional scopes, scope notice; fields follow the selection', async () => {
	await openNewCredential('Microsoft 365 Delegated OAuth2 API');
	await expectParams(
		['clientId', 'clientSecret', 'cloud', 'tenant', 'signInFor', 'scopeGroups', 'additionalScopes'],
		['customLoginUrl', 'outlookProtocols', 'scope', 'authUrl', 'accessTokenUrl'],
	);
	const dialog = page.locator('[data-test-id="editCredential-modal"]');
	await expect(dialog.innerText()).resolves.toContain('Requested scopes:');
	// The values copied from Entra come first (n8n puts the parent oAuth2Api's Client ID and
	// Client Secret first; Tenant follows them), each with a visible hint, not only a tooltip.
	const order = await fieldOrder();
	// (n8n's own Allowed HTTP Request Domains may sit between them.)
	const ours = order.filter((n) => ['clientId', 'clientSecret', 'tenant', 'cloud'].includes(n));
	expect(ours).toEqual(['clientId', 'clientSecret', 'tenant', 'cloud']);
	expect(order.indexOf('clientId')).toBe(0);
	const text = await dialog.innerText();
	for (const hint of [CLIENT_ID_HINT, CLIENT_SECRET_HINT, TENANT_HINT])
		expect(text).toContain(hint);
	for (const group of ['Sign-In and Profile (Required)', 'Directory Basics', 'Send Mail'])
		await expect(param('scopeGroups').innerText()).resolves.toContain(group);
	await shot('credential-delegated');

	// Custom cloud shows its endpoints; the Outlook resource swaps scope groups for protocols.
	await choose('cloud', 'Custom Endpoints');
	await expectParams(['customLoginUrl', 'customGraphUrl', 'customGraphResource']);
	await choose('signInFor', 'Outlook Legacy Protocols');
	await expectParams(['outlookProtocols'], ['scopeGroups']);
	await param('clientId').locator('input').fill('20165740-cfbc-5244-967a-dc1596e69ece');
	await param('clientSecret').locator('input').fill('not-a-real-secret');
	await param('tenant').locator('input').fill('contoso.onmicrosoft.com');
	await param('customLoginUrl').locator('input').fill(ctx.emulatorUrl);
	await param('customGraphUrl').locator('input').fill(ctx.emulatorUrl);
	await shot('credential-delegated-custom-outlook');
	await saveCredential('browser: delegated');
	const saved = await credentialNamed('browser: delegated');
	expect(saved?.type).toBe('microsoft365OAuth2Api');
});

test('app credential dialog: cloud, tenant, client ID, secret, certificate, managed identity or federation, mailbox restriction', async () => {
	await openNewCredential('Microsoft 365 (App Client Credentials) API');
	await expectParams(
		['cloud', 'tenantId', 'clientId', 'authentication', 'clientSecret', 'mailboxRestriction'],
		['privateKey', 'certificate', 'customLoginUrl'],
	);
	const order = await fieldOrder();
	expect(order.indexOf('tenantId')).toBeLessThan(order.indexOf('clientId'));
	expect(order.indexOf('clientId')).toBeLessThan(order.indexOf('clientSecret'));
	const text = await page.locator('[data-test-id="editCredential-modal"]').innerText();
	for (const hint of [CLIENT_ID_HINT, CLIENT_SECRET_HINT, TENANT_HINT])
		expect(text).toContain(hint);
	await shot('credential-app-secret');
	await choose('authentication', 'Certificate');
	await expectParams(['privateKey', 'certificate'], ['clientSecret']);
	await shot('credential-app-certificate');
	// The secretless kinds: a managed identity has no Tenant or Client ID; federation keeps them.
	await choose('authentication', 'Managed Identity');
	await expectParams(['managedIdentity'], ['tenantId', 'clientId', 'clientSecret', 'privateKey']);
	await choose('managedIdentity', 'User-Assigned (Resource ID)');
	await expectParams(['managedIdentityId'], ['tenantId']);
	await shot('credential-app-managed-identity');
	await choose('authentication', 'Workload Identity Federation');
	await expectParams(
		['tenantId', 'clientId', 'federatedTokenFile'],
		['clientSecret', 'managedIdentityId'],
	);
	await shot('credential-app-federated');
	await choose('authentication', 'Client Secret');
	await param('tenantId').locator('input').fill('contoso.onmicrosoft.com');
	await param('clientId').locator('input').fill('5221c67c-65b6-5cbe-8c29-76b9b3fac7b7');
	await param('clientSecret').locator('input').fill('not-a-real-secret');
	await saveCredential('browser: app');
	expect((await credentialNamed('browser: app'))?.type).toBe('microsoft365AppApi');
});

test("scope preview: n8n 2.41's credential dialog evaluates expressions but not $self (no live preview from other fields)", async () => {
	await openNewCredential('Microsoft 365 Delegated OAuth2 API');
	await param('tenant').locator('input').fill('contoso.onmicrosoft.com');
	const field = page
		.locator('[data-test-id="credential-connection-parameter"], .parameter-item')
		.filter({ has: param('additionalScopes') })
		.first();
	await field.hover();
	await field.getByText('Expression', { exact: true }).first().click();
	// The editor closes the braces itself.
	await page.keyboard.type('{{ 6 * 7 ');
	await page.keyboard.press('End');
	await page.keyboard.type(' {{ JSON.stringify($self) + JSON.stringify($parameter) ');
	await page.waitForTimeout(1500);
	await field.screenshot({ path: join(SHOTS, 'credential-expression-preview.png') });
	const text = await field.innerText();
	// Plain expressions get a live result …
	expect(text).toContain('42');
	// … but $self and $parameter are empty objects in the dialog: the credential's own fields
	// (here Tenant, filled above) are out of reach, so a computed "requested scopes" preview that
	// follows the selections cannot be built in n8n 2.41 (the scope is computed at sign-in).
	expect(text).toContain('{}{}');
	expect(text).not.toContain('contoso.onmicrosoft.com');
	await page.keyboard.press('Escape');
});

test('an example workflow and each node parameter panel open; resource locators list from the emulator', async () => {
	const example = ctx.state.workflows['report-distribution'];
	expect(example).toBeDefined();
	await page.goto(`${ctx.state.n8nUrl}/workflow/${example.id}`);
	await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 60_000 });
	await expect(
		page.locator('[data-test-id="canvas-node"]').count(),
	).resolves.toBeGreaterThanOrEqual(5);
	await shot('example-report-distribution');

	const delegated = ctx.state.credentials!['m365-demo-delegated'];
	const app = ctx.state.credentials!['m365-demo-app'];
	const ref = (c: { id: string; name: string; type: string }) => ({
		[c.type]: { id: c.id, name: c.name },
	});
	const rl = { __rl: true, mode: 'list', value: '' };
	const nodes = [
		{
			id: 'teams',
			name: 'Teams',
			type: `${P}microsoft365Teams`,
			parameters: {
				authentication: 'delegated',
				resource: 'channelMessage',
				operation: 'post',
				team: rl,
			},
			credentials: ref(delegated),
			locator: 'team',
			expectListed: 'All Staff',
			present: ['resource', 'operation', 'team', 'channel'],
		},
		{
			id: 'sharepoint',
			name: 'SharePoint',
			type: `${P}microsoft365SharePoint`,
			parameters: { authentication: 'delegated', resource: 'file', operation: 'upload', site: rl },
			credentials: ref(delegated),
			locator: 'site',
			expectListed: 'Reports',
			present: ['site', 'library', 'folderPath', 'binaryPropertyName'],
		},
		{
			id: 'entra',
			name: 'Entra ID',
			type: `${P}microsoft365EntraId`,
			parameters: { authentication: 'app', resource: 'user', operation: 'get', user: rl },
			credentials: ref(app),
			locator: 'user',
			expectListed: 'Alice Anders',
			present: ['resource', 'operation', 'user'],
		},
		{
			id: 'mail',
			name: 'Mail',
			type: `${P}microsoft365Mail`,
			parameters: { authentication: 'delegated', resource: 'message', operation: 'send' },
			credentials: ref(delegated),
			present: ['mailbox', 'sendVia', 'toRecipients', 'subject', 'body'],
		},
		{
			id: 'mail-trigger',
			name: 'Mail Trigger',
			type: `${P}microsoft365MailTrigger`,
			parameters: { authentication: 'delegated' },
			credentials: ref(delegated),
			present: ['mailbox', 'folder'],
		},
		{
			id: 'entra-trigger',
			name: 'Entra Trigger',
			type: `${P}microsoft365EntraIdTrigger`,
			parameters: { authentication: 'app' },
			credentials: ref(app),
			present: ['track', 'firstRun'],
		},
	];
	const workflow = await ctx.n8n.createWorkflow({
		name: 'browser: parameter panels',
		nodes: nodes.map((n, i) => ({
			id: n.id,
			name: n.name,
			type: n.type,
			typeVersion: 1,
			position: [300 * i, 0],
			parameters: n.parameters,
			credentials: n.credentials,
		})),
		connections: {},
	});
	const problems: string[] = [];
	for (const node of nodes) {
		await page.goto(`${ctx.state.n8nUrl}/workflow/${workflow.id}/${node.id}`);
		await page.locator('[data-test-id="ndv"]').first().waitFor({ timeout: 60_000 });
		await page.waitForTimeout(800);
		for (const name of node.present)
			if ((await param(name).count()) === 0) problems.push(`${node.name}: no ${name}`);
		if (node.locator) {
			await param(node.locator).locator('[data-test-id="rlc-input"]').first().click();
			const item = page
				.locator('[data-test-id="rlc-item"]')
				.filter({ hasText: node.expectListed! });
			try {
				await item.first().waitFor({ timeout: 20_000 });
			} catch {
				problems.push(`${node.name}: ${node.locator} list did not show "${node.expectListed}"`);
			}
		}
		await shot(`node-${node.id}`);
	}
	expect(problems).toEqual([]);
});

test('node creator: each Microsoft 365 node is listed with its own description', async () => {
	const workflow = await ctx.n8n.createWorkflow(chain('browser: node creator', []));
	await page.goto(`${ctx.state.n8nUrl}/workflow/${workflow.id}`);
	await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 60_000 });
	// n8n lists a node and its trigger as one entry (named after the node) and shows the
	// trigger's description there: Mail, Calendar and Entra ID show their trigger's text for the pair.
	const expected: Record<string, string> = Object.fromEntries(
		[
			[Microsoft365Mail, Microsoft365MailTrigger],
			[Microsoft365Teams],
			[Microsoft365SharePoint],
			[Microsoft365EntraId, Microsoft365EntraIdTrigger],
			[Microsoft365Calendar, Microsoft365CalendarTrigger],
		].map(([N, T]) => [new N().description.displayName, new (T ?? N)().description.description]),
	);
	const listed = async (search: string): Promise<Record<string, string>> => {
		await page.locator('[data-test-id="node-creator-plus-button"]').first().click();
		const bar = page.locator('[data-test-id="node-creator-search-bar"]').first();
		await bar.waitFor();
		await bar.fill(search);
		await page.waitForTimeout(1000);
		const items = await page
			.locator('[data-test-id="node-creator-item-name"]')
			.evaluateAll((names) =>
				names.map((name) => {
					let box = name.parentElement as unknown as Shown | null;
					while (box && !box.querySelector('[data-test-id="node-creator-item-description"]'))
						box = box.parentElement;
					const description = box?.querySelector('[data-test-id="node-creator-item-description"]');
					return [(name as unknown as Shown).innerText.trim(), description?.innerText.trim() ?? ''];
				}),
			);
		await shot(`node-creator-${search.replace(/\W+/g, '-')}`);
		await page.keyboard.press('Escape');
		await page.waitForTimeout(300);
		return Object.fromEntries(items);
	};
	const all = await listed('Microsoft 365');
	for (const [name, description] of Object.entries(expected))
		expect({ name, description: all[name] }).toEqual({ name, description });
	// Under no action node the trigger's own "Starts the workflow …" text.
	expect(Object.values(all).filter((d) => /^Starts the workflow/.test(d))).toEqual([]);
	const mail = await listed('mail');
	expect(mail['Microsoft 365 Mail']).toBe(expected['Microsoft 365 Mail']);
	const calendar = await listed('calendar');
	expect(calendar['Microsoft 365 Calendar']).toBe(expected['Microsoft 365 Calendar']);
});

test('Mail → Send with the app credential: Mailbox (From) is a required locator listing the directory', async () => {
	const app = ctx.state.credentials!['m365-demo-app'];
	const workflow = await ctx.n8n.createWorkflow(
		chain('browser: app-only send', [
			{
				id: 'mail',
				name: 'Mail',
				type: `${P}microsoft365Mail`,
				typeVersion: 1,
				parameters: { authentication: 'app', resource: 'message', operation: 'send' },
				credentials: { [app.type]: { id: app.id, name: app.name } },
			},
		]),
	);
	await page.goto(`${ctx.state.n8nUrl}/workflow/${workflow.id}/mail`);
	await page.locator('[data-test-id="ndv"]').first().waitFor({ timeout: 60_000 });
	await page.waitForTimeout(800);
	const locator = param('mailbox').locator('[data-test-id="rlc-input"]');
	await expect(locator.count()).resolves.toBeGreaterThan(0);
	const item = page
		.locator('[data-test-id="parameter-item"], .parameter-item')
		.filter({ has: param('mailbox') })
		.first();
	// Required and empty: n8n flags the parameter with an issue ("… is required").
	expect(await item.innerText()).toContain('Mailbox (From)');
	await expect(item.locator('[data-test-id="parameter-issues"]').count()).resolves.toBeGreaterThan(
		0,
	);
	await locator.first().click();
	await page
		.locator('[data-test-id="rlc-item"]')
		.filter({ hasText: 'servicedesk@contoso.onmicrosoft.com' })
		.first()
		.waitFor({ timeout: 20_000 });
	await shot('node-mail-send-app');
	await page.keyboard.press('Escape');
});

test('Teams with each credential: the resource stays, and the notice names only visible fields', async () => {
	const delegated = ctx.state.credentials!['m365-demo-delegated'];
	const app = ctx.state.credentials!['m365-demo-app'];
	const workflow = await ctx.n8n.createWorkflow(
		chain('browser: teams credentials', [
			{
				id: 'teams',
				name: 'Teams',
				type: `${P}microsoft365Teams`,
				typeVersion: 1,
				parameters: { authentication: 'delegated', resource: 'chat', operation: 'getMany' },
				credentials: { [delegated.type]: { id: delegated.id, name: delegated.name } },
			},
		]),
	);
	await page.goto(`${ctx.state.n8nUrl}/workflow/${workflow.id}/teams`);
	const ndv = page.locator('[data-test-id="ndv"]').first();
	await ndv.waitFor({ timeout: 60_000 });
	await page.waitForTimeout(800);
	const resource = async () => await param('resource').locator('input').first().inputValue();
	expect(await resource()).toBe('Chat');
	const visibleLabels = async () =>
		await ndv
			.locator('[data-test-id^="parameter-input-"]')
			.evaluateAll((els) =>
				els.map((e) => e.getAttribute('data-test-id')!.replace('parameter-input-', '')),
			);
	// n8n hides the Authentication parameter: the credential choice replaces it.
	expect(await visibleLabels()).not.toContain('authentication');

	const pick = async (name: string) => {
		await page.locator('[data-test-id="node-credentials-select"]').first().click();
		await page
			.locator('[role="option"]:visible, .el-select-dropdown__item:visible')
			.filter({ hasText: name })
			.first()
			.click();
		await page.waitForTimeout(800);
	};
	// To the app credential: no jump to Incoming Webhook → Post Card.
	await pick(app.name);
	expect(await resource()).toBe('Chat');
	await choose('resource', 'Channel Message');
	const notices = async () =>
		await ndv.locator('.n8n-notice, [data-test-id="notice"], [class*="notice"]').allInnerTexts();
	const shown = (await notices()).join('\n');
	expect(shown).toContain('Posting messages is not available with the App-Only credential');
	expect(shown).not.toMatch(/Authentication/);
	expect(await resource()).toBe('Channel Message');
	await shot('node-teams-app');
	// And back: the resource stays, the notice goes.
	await pick(delegated.name);
	expect(await resource()).toBe('Channel Message');
	expect((await notices()).join('\n')).not.toContain('Posting messages is not available');
	await shot('node-teams-delegated');
});

test('canvas: each action node shows a readable subtitle (operation and resource names, no raw values)', async () => {
	const cases = [
		{
			N: Microsoft365Mail,
			type: 'microsoft365Mail',
			resource: 'message',
			operation: 'getAll',
			expected: 'Get Many: Message',
		},
		{
			N: Microsoft365Teams,
			type: 'microsoft365Teams',
			resource: 'channelMessage',
			operation: 'post',
		},
		{
			N: Microsoft365SharePoint,
			type: 'microsoft365SharePoint',
			resource: 'folder',
			operation: 'list',
			expected: 'Get Many: Folder',
		},
		{
			N: Microsoft365EntraId,
			type: 'microsoft365EntraId',
			resource: 'user',
			operation: 'getMany',
			expected: 'Get Many: User',
		},
	];
	/** The option names the node's description gives the resource and the operation. */
	const named = (N: (typeof cases)[number]['N'], resource: string, operation: string) => {
		const properties = new N().description.properties;
		const optionName = (p: (typeof properties)[number] | undefined, value: string) =>
			(p?.options ?? []).find((o) => 'value' in o && o.value === value)?.name;
		const resourceName = optionName(
			properties.find((p) => p.name === 'resource'),
			resource,
		);
		const operationName = optionName(
			properties.find(
				(p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource),
			),
			operation,
		);
		return `${operationName}: ${resourceName}`;
	};
	const workflow = await ctx.n8n.createWorkflow({
		name: 'browser: canvas subtitles',
		nodes: cases.map((c, i) => ({
			id: c.type,
			name: c.type,
			type: `${P}${c.type}`,
			typeVersion: 1,
			position: [320 * i, 0],
			parameters: { authentication: 'delegated', resource: c.resource, operation: c.operation },
		})),
		connections: {},
	});
	await page.goto(`${ctx.state.n8nUrl}/workflow/${workflow.id}`);
	await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 60_000 });
	await page.waitForTimeout(1000);
	const texts = await page
		.locator('[data-test-id="canvas-node"]')
		.evaluateAll((nodes) => nodes.map((n) => (n as unknown as Shown).innerText));
	await shot('canvas-subtitles');
	const all = texts.join('\n');
	for (const c of cases) {
		const subtitle = named(c.N, c.resource, c.operation);
		if (c.expected) expect(subtitle).toBe(c.expected);
		expect({ node: c.type, shown: all.includes(subtitle) }).toEqual({ node: c.type, shown: true });
	}
	// No raw values ("getAll: message", "list: folder", "post: channelMessage").
	expect(all).not.toMatch(/\b(getAll|getMany|list|post): [a-z]/);
	expect(all).not.toMatch(/channelMessage/);
});
