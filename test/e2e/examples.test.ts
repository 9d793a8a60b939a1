/**
 * Every example workflow (examples/*.json), imported by the same setup as `npm run dev`
 * (scripts/e2e/demo.ts) and run as the editor's "Execute workflow" button does, runs green; its
 * effects are checked in the emulator: messages delivered, files stored with the same bytes,
 * posts made, users read (pseudonymised where asked), SMTP submissions accepted.
 */
import { readExamples } from '../../scripts/e2e/demo';
import { nodeOutput, type Execution } from '../../scripts/e2e/stack';
import { describeExecution, e2e, expectSuccess, MANUAL_TRIGGER } from './helpers';

const ctx = e2e();
const REPORTS_DRIVE = 'contoso.sharepoint.com:/sites/reports/Reports';

async function run(example: string, trigger = MANUAL_TRIGGER): Promise<Execution> {
	const workflow = ctx.state.workflows[example];
	if (!workflow)
		throw new Error(
			`example ${example} was not imported (a node it uses is not built?): ${JSON.stringify(ctx.state.staged.missing)}`,
		);
	const execution = await ctx.n8n.runWorkflow(workflow.id, trigger);
	expectSuccess(execution);
	return execution;
}

const inbox = async (user: string, folder = 'inbox') =>
	(await ctx.admin('GET', `mail/messages?user=${encodeURIComponent(user)}&folder=${folder}`))
		.messages as any[];

test('every example in examples/ was imported into n8n', () => {
	const files = readExamples().map((e) => e.file.replace(/\.json$/, ''));
	expect(files.length).toBeGreaterThanOrEqual(6);
	expect(Object.keys(ctx.state.workflows).sort()).toEqual(files.sort());
});

test('report distribution: one report by Graph mail, as a Teams post with the file, into SharePoint', async () => {
	const execution = await run('report-distribution');
	const mail = (await inbox('alice@contoso.onmicrosoft.com')).find(
		(m) => m.subject === 'Monthly report',
	);
	expect(mail).toBeDefined();
	expect(mail.from.emailAddress.address).toBe('reports@contoso.onmicrosoft.com');
	expect(mail.attachments.map((a: any) => a.name)).toEqual(['monthly-report.csv']);
	const sent = mail.attachments[0];

	const stored = await ctx.admin(
		'GET',
		`drives/item?drive=${encodeURIComponent(REPORTS_DRIVE)}&path=${encodeURIComponent('/Monthly/monthly-report.csv')}`,
	);
	// The same bytes arrived by mail and in SharePoint.
	expect(stored.sha256).toBe(sent.sha256);
	expect(stored.size).toBe(sent.size);
	expect(stored.size).toBeGreaterThan(40);

	const posts = (await ctx.admin('GET', 'teams/messages?team=All%20Staff&channel=Reports'))
		.messages as Array<{ json: any }>;
	const post = posts.find((p) => JSON.stringify(p.json).includes('monthly-report.csv'));
	expect(post).toBeDefined();
	expect(post!.json.from.user.displayName).toBe('Report Server');
	expect(nodeOutput(execution, 'Post to Teams')).toHaveLength(1);
});

test('service-desk mailbox: each branch runs on its own (new mail → reply and mark read; Send Status Now → send)', async () => {
	// Seeded messages are dated a second back: let mail delivered by earlier tests be older.
	await new Promise((resolve) => setTimeout(resolve, 1500));
	await ctx.admin('POST', 'mail/seed', {
		user: 'alice@contoso.onmicrosoft.com',
		count: 2, // the emulator seeds every other message as read: the 2nd is unread
		from: 'bob@contoso.onmicrosoft.com',
	});
	const seeded = (await inbox('alice@contoso.onmicrosoft.com')).find(
		(m) => m.subject === 'Seeded message 2' && !m.isRead,
	);
	expect(seeded).toBeDefined();

	const execution = await run('service-desk-mailbox', 'New Mail');
	// Each branch runs on its own: the mail branch does not send the status message.
	expect(Object.keys(execution.data?.resultData.runData ?? {}).sort()).toEqual(
		['Acknowledge', 'Mark Read', 'New Mail'].sort(),
	);
	const triggered = nodeOutput(execution, 'New Mail');
	expect(triggered.map((m) => m.id)).toContain(seeded.id);
	const acknowledged = nodeOutput(execution, 'Acknowledge');
	expect(acknowledged.length).toBe(triggered.length);

	const after = (await inbox('alice@contoso.onmicrosoft.com')).find((m) => m.id === seeded.id);
	expect(after.isRead).toBe(true);
	const reply = (await inbox('bob@contoso.onmicrosoft.com')).find(
		(m) => m.subject === `RE: ${seeded.subject}`,
	);
	expect(reply).toBeDefined();
	expect(reply.body.content).toContain('we received your request');

	const statusRun = await run('service-desk-mailbox', 'Send Status Now');
	expect(Object.keys(statusRun.data?.resultData.runData ?? {}).sort()).toEqual([
		'Send Status Mail',
		'Send Status Now',
	]);
	const status = (await inbox('bob@contoso.onmicrosoft.com')).find(
		(m) => m.subject === 'Service desk status',
	);
	expect(status?.from.emailAddress.address).toBe('alice@contoso.onmicrosoft.com');
});

test('directory analytics: pseudonymised users and members; mail only from allowed mailboxes', async () => {
	const mark = await ctx.mark();
	const execution = await run('directory-analytics');
	const users = nodeOutput(execution, 'Users (Pseudonymised)');
	const tenants = (await ctx.admin('GET', 'tenants')).tenants;
	expect(users.length).toBe(tenants[0].users);
	const text = JSON.stringify([users, nodeOutput(execution, 'Group Members (Pseudonymised)')]);
	expect(text).not.toMatch(/@contoso\.onmicrosoft\.com/);
	expect(text).not.toContain('Alice Anders');
	// Departments are not identifying and stay readable.
	expect(users.map((u) => u.department)).toContain('Finance');
	expect(nodeOutput(execution, 'Group Members (Pseudonymised)').length).toBe(2);

	const mailCalls = (await ctx.logSince(mark)).filter((e) =>
		/\/v1\.0\/users\/[^/]+\/(mailFolders|messages)/.test(e.url),
	);
	expect(mailCalls.length).toBeGreaterThan(0);
	for (const call of mailCalls) {
		expect(decodeURIComponent(call.url)).toContain('alice@contoso.onmicrosoft.com');
		expect(call.auth?.appId).toBe('0ccb9dd7-4b71-5fb1-939f-5e9d54edbf7d');
	}
});

test('access review: users with their groups and managers exported', async () => {
	const execution = await run('access-review');
	const users = nodeOutput(execution, 'All Users');
	const tenants = (await ctx.admin('GET', 'tenants')).tenants;
	expect(users.length).toBe(tenants[0].users);
	const managers = nodeOutput(execution, 'Manager of User');
	expect(managers.map((m) => m.userPrincipalName)).toContain('alice@contoso.onmicrosoft.com');
	const groups = nodeOutput(execution, 'Groups of User').map((g) => g.displayName);
	expect(groups).toEqual(expect.arrayContaining(['All Staff', 'Finance']));
	for (const file of ['Users CSV', 'Memberships CSV', 'Managers CSV']) {
		const run0 = execution.data!.resultData.runData[file][0];
		const binary = run0.data!.main![0]![0].binary!.data;
		expect(binary.fileName).toMatch(/\.csv$/);
	}
});

test('user and room-mailbox sync: delta trigger → upsert; summary sent as the app', async () => {
	const execution = await run('user-room-sync', 'Directory Changes');
	const changes = nodeOutput(execution, 'Directory Changes');
	expect(changes.map((c) => c.userPrincipalName)).toContain('room-1@contoso.onmicrosoft.com');
	const [summary] = nodeOutput(execution, 'Upsert');
	expect(summary.changes).toBe(changes.length);
	const mail = (await inbox('admin@contoso.onmicrosoft.com')).find(
		(m) => m.subject === `Directory sync: ${changes.length} changes`,
	);
	expect(mail).toBeDefined();
	expect(mail.from.emailAddress.address).toBe('reports@contoso.onmicrosoft.com');
});

test('legacy SMTP with OAuth2: submitted over STARTTLS + XOAUTH2 as the signed-in user', async () => {
	const before = (await ctx.admin('GET', 'smtp/messages')).messages.length;
	await run('legacy-smtp-oauth2');
	const messages = (await ctx.admin('GET', 'smtp/messages')).messages as any[];
	expect(messages.length).toBe(before + 1);
	const sent = messages[messages.length - 1];
	expect(sent.user).toBe('reports@contoso.onmicrosoft.com');
	expect(sent.scheme).toBe('delegated');
	expect(sent.rcptTo).toEqual(['carol@contoso.onmicrosoft.com']);
	expect(sent.headers.subject).toBe('Sent over SMTP with OAuth2');
});

afterAll(async () => {
	const { violations } = await ctx.admin('GET', 'contract-violations');
	expect(violations).toEqual([]);
	void describeExecution;
});
