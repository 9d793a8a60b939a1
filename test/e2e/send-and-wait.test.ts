/**
 * Send and Wait for Response in a real n8n (2.41), with the two examples and a short-timeout
 * workflow:
 *
 * - Mail (examples/approval-by-mail.json): the execution waits; the approver's mail in the
 *   emulator carries the real signed resume URLs (one per answer, naming the recipient); a link
 *   preview (Teams' user agent) answers nothing; a wrong signature gets n8n's 401; the decline
 *   link resumes the execution, whose Answered output and the downstream node carry the answer
 *   (approved false, respondedBy alice@, respondedAt); a second answer gets n8n's "no action
 *   required" page and does not change the first.
 * - Teams (examples/approval-in-teams.json): the card in the channel carries the form link
 *   (Action.OpenUrl); GET renders the node's form (CSP, escaped), the POST (multipart, as the
 *   page's form sends it; n8n accepts nothing else for a custom form) resumes the execution with
 *   the form's values; a value not in the list is refused (400) and the execution keeps waiting.
 * - Timeout: a wait of 3 s; n8n's wait tracker (it looks about every 60 s) resumes the execution
 *   and the Timed Out output's node runs with the timeout item; Answered's does not.
 */
import { nodeOutput, waitFor, type Execution } from '../../scripts/e2e/stack';
import { describeExecution, e2e, MANUAL_TRIGGER } from './helpers';

const ctx = e2e();
const ALICE = 'alice@contoso.onmicrosoft.com';
const BOB = 'bob@contoso.onmicrosoft.com';
const BROWSER =
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0';
const TEAMS_PREVIEW =
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Teams/1.6.00.1381 Chrome/91.0.4472.164 Electron/13.6.6 Safari/537.36';

const inbox = async (user: string) =>
	(await ctx.admin('GET', `mail/messages?user=${encodeURIComponent(user)}`)).messages as any[];

/** Starts a workflow from its manual trigger (as the editor does); returns the execution ID. */
async function start(workflowId: string): Promise<string> {
	const result = await ctx.n8n.rest<{ executionId?: string }>(
		'POST',
		`/workflows/${workflowId}/run`,
		{
			triggerToStartFrom: { name: MANUAL_TRIGGER },
		},
	);
	if (!result?.executionId) throw new Error(`no execution: ${JSON.stringify(result)}`);
	return result.executionId;
}

async function execution(id: string): Promise<Execution> {
	return await ctx.n8n.api<Execution>('GET', `/executions/${id}?includeData=true`);
}

async function waitForStatus(
	id: string,
	statuses: string[],
	timeoutMs = 60_000,
): Promise<Execution> {
	return await waitFor(
		`execution ${id} ${statuses.join('/')}`,
		async () => {
			const e = await execution(id);
			return statuses.includes(e.status) ? e : undefined;
		},
		timeoutMs,
		300,
	);
}

/** A link as n8n made it, sent to this n8n (the path and query are what n8n signed). */
function onN8n(link: string): string {
	const url = new URL(link);
	return `${ctx.state.n8nUrl}${url.pathname}${url.search}`;
}

function formData(fields: Record<string, string>): FormData {
	const data = new FormData();
	for (const [name, value] of Object.entries(fields)) data.append(name, value);
	return data;
}

async function open(
	link: string,
	init: { method?: string; userAgent?: string; form?: Record<string, string> } = {},
) {
	const response = await fetch(onN8n(link), {
		method: init.method ?? (init.form ? 'POST' : 'GET'),
		redirect: 'manual',
		// A form is sent as the page's form is: multipart/form-data (its boundary set by fetch).
		headers: init.userAgent ? { 'User-Agent': init.userAgent } : {},
		body: init.form ? formData(init.form) : undefined,
	});
	return { status: response.status, headers: response.headers, page: await response.text() };
}

const hrefs = (html: string) =>
	[...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));

describe('Send and Wait for Response in a real n8n', () => {
	test('Mail: waits, previews ignored, a wrong signature 401, the decline answers once; a second answer changes nothing', async () => {
		const workflow = ctx.state.workflows['approval-by-mail'];
		expect(workflow).toBeDefined();
		const id = await start(workflow.id);
		const waiting = await waitForStatus(id, ['waiting', 'error', 'success']);
		expect({ status: waiting.status, why: describeExecution(waiting) }).toMatchObject({
			status: 'waiting',
		});
		const mails = (await inbox(ALICE)).filter(
			(m) => m.subject === 'Purchase request: 3 laptops (EUR 4,200)',
		);
		// The stack is fresh: this run's mail is the only one with this subject.
		expect(mails).toHaveLength(1);
		const mail = mails[0];
		expect(mail).toBeDefined();
		expect(mail.from.emailAddress.address).toBe('reports@contoso.onmicrosoft.com');
		const [approve, decline] = hrefs(mail.body.content);
		for (const [link, approved] of [
			[approve, 'true'],
			[decline, 'false'],
		] as const) {
			const url = new URL(link);
			expect(url.pathname).toBe(`/webhook-waiting/${id}/ask-approver`);
			expect(Object.fromEntries(url.searchParams)).toEqual({
				approved,
				recipient: ALICE,
				signature: expect.stringMatching(/^[0-9a-f]{64}$/),
			});
		}

		// Teams' link preview opens the link: nothing is answered.
		const preview = await open(approve, { userAgent: TEAMS_PREVIEW });
		expect(preview.status).toBe(200);
		expect(preview.page).not.toContain('Got it');
		// The same link with the recipient changed: n8n refuses the signature (401).
		const changed = new URL(decline);
		changed.searchParams.set('recipient', BOB);
		const forged = await open(changed.toString(), { userAgent: BROWSER });
		expect(forged.status).toBe(401);
		const badSignature = new URL(decline);
		badSignature.searchParams.set('signature', '0'.repeat(64));
		expect((await open(badSignature.toString(), { userAgent: BROWSER })).status).toBe(401);
		expect((await execution(id)).status).toBe('waiting');

		const answer = await open(decline, { userAgent: BROWSER });
		expect(answer.status).toBe(200);
		expect(answer.page).toContain('Got it, thanks');
		expect(answer.headers.get('content-security-policy')).toContain("default-src 'none'");
		const done = await waitForStatus(id, ['success', 'error', 'crashed'], 60_000);
		expect({ status: done.status, why: describeExecution(done) }).toMatchObject({
			status: 'success',
		});
		const answered = nodeOutput(done, 'Ask the Approver', 0);
		expect(answered).toEqual([
			{
				data: {
					approved: false,
					respondedBy: ALICE,
					respondedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
				},
			},
		]);
		expect(nodeOutput(done, 'Ask the Approver', 1)).toEqual([]);
		expect(done.data?.resultData.runData['Remind the Requester']).toBeUndefined();
		expect(nodeOutput(done, 'Tell the Requester')[0]).toMatchObject({
			sent: true,
			to: [BOB],
			subject: 'Purchase request declined',
		});
		const told = (await inbox(BOB)).filter((m) => m.subject === 'Purchase request declined');
		expect(told.at(-1).body.content).toContain(
			`declined by ${ALICE} at ${answered[0].data.respondedAt}`,
		);

		// A second answer (the other button): n8n's page for a finished Send and Wait; nothing changes.
		const second = await open(approve, { userAgent: BROWSER });
		expect(second.status).toBe(200);
		expect(second.page).not.toContain('Got it, thanks');
		expect(second.page.toLowerCase()).toMatch(/no action required|already/);
		const after = await execution(id);
		expect(nodeOutput(after, 'Ask the Approver', 0)).toEqual(answered);
		expect((await inbox(BOB)).filter((m) => m.subject === 'Purchase request approved')).toEqual([]);
	});

	test('Teams: the channel card opens the form; the posted form resumes with its values', async () => {
		const workflow = ctx.state.workflows['approval-in-teams'];
		expect(workflow).toBeDefined();
		const messages = async () =>
			(await ctx.admin('GET', 'teams/messages?team=All%20Staff&channel=General')).messages as any[];
		const before = (await messages()).length;
		const id = await start(workflow.id);
		const waiting = await waitForStatus(id, ['waiting', 'error', 'success']);
		expect({ status: waiting.status, why: describeExecution(waiting) }).toMatchObject({
			status: 'waiting',
		});
		const posted = (await messages()).slice(before).map((m) => m.json ?? m);
		expect(posted).toHaveLength(1);
		const attachment = posted[0].attachments[0];
		expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
		const card = JSON.parse(attachment.content);
		expect(card.body.map((b: any) => b.text)).toEqual([
			'Change request CR-42: upgrade the file server on Saturday 06:00-08:00.',
		]);
		expect(card.actions).toEqual([
			{ type: 'Action.OpenUrl', title: 'Respond', url: expect.any(String), style: 'positive' },
		]);
		const link = card.actions[0].url as string;
		expect(new URL(link).pathname).toBe(`/webhook-waiting/${id}/ask-channel`);
		// A channel's card names no recipient.
		expect([...new URL(link).searchParams.keys()]).toEqual(['signature']);

		const form = await open(link, { userAgent: BROWSER });
		expect(form.status).toBe(200);
		expect(form.headers.get('content-security-policy')).toContain("form-action 'self'");
		expect(form.page).toContain('<h1>CR-42: file server upgrade</h1>');
		expect(form.page).toContain('<option value="Reject">Reject</option>');
		expect((await execution(id)).status).toBe('waiting');
		const bad = await open(link, { userAgent: BROWSER, form: { 'field-0': 'Maybe' } });
		expect(bad.status).toBe(400);
		expect((await execution(id)).status).toBe('waiting');
		const sent = await open(link, {
			userAgent: BROWSER,
			form: { 'field-0': 'Approve', 'field-1': 'Go <ahead>' },
		});
		expect(sent.status).toBe(200);
		expect(sent.page).toContain('Got it, thanks');
		const done = await waitForStatus(id, ['success', 'error', 'crashed'], 60_000);
		expect({ status: done.status, why: describeExecution(done) }).toMatchObject({
			status: 'success',
		});
		expect(nodeOutput(done, 'Ask the Channel', 0)).toEqual([
			{
				data: {
					Decision: 'Approve',
					Comment: 'Go <ahead>',
					respondedBy: null,
					respondedAt: expect.any(String),
				},
			},
		]);
		const reply = (await messages())
			.slice(before)
			.map((m) => m.json ?? m)
			.at(-1);
		expect(reply.body.content).toMatch(
			/^CR-42: Approve \(Go (<|&lt;)ahead(>|&gt;)\), answered at /,
		);
	});

	test('timeout: after the wait time the Timed Out output runs with the timeout item', async () => {
		const created = await ctx.n8n.createWorkflow({
			name: 'e2e: send and wait timeout',
			nodes: [
				{
					id: 'trigger',
					name: MANUAL_TRIGGER,
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				{
					id: 'ask',
					name: 'Ask',
					type: 'n8n-nodes-m365.microsoft365Mail',
					typeVersion: 1,
					position: [240, 0],
					parameters: {
						authentication: 'delegated',
						resource: 'message',
						operation: 'sendAndWait',
						toRecipients: `${ALICE}, ${BOB}`,
						subject: 'Timeout check',
						message: 'Nobody will answer this.',
						options: {
							limitWaitTime: {
								values: {
									limitType: 'afterTimeInterval',
									resumeAmount: 0.05,
									resumeUnit: 'minutes',
								},
							},
						},
					},
					credentials: {
						microsoft365OAuth2Api: {
							id: ctx.state.credentials!['m365-demo-delegated'].id,
							name: ctx.state.credentials!['m365-demo-delegated'].name,
						},
					},
				},
				{
					id: 'answered',
					name: 'Answered',
					type: 'n8n-nodes-base.noOp',
					typeVersion: 1,
					position: [480, -100],
					parameters: {},
				},
				{
					id: 'timed-out',
					name: 'Timed Out',
					type: 'n8n-nodes-base.noOp',
					typeVersion: 1,
					position: [480, 100],
					parameters: {},
				},
			],
			connections: {
				[MANUAL_TRIGGER]: { main: [[{ node: 'Ask', type: 'main', index: 0 }]] },
				Ask: {
					main: [
						[{ node: 'Answered', type: 'main', index: 0 }],
						[{ node: 'Timed Out', type: 'main', index: 0 }],
					],
				},
			},
		});
		const started = Date.now();
		const id = await start(created.id);
		const waiting = await waitForStatus(id, ['waiting', 'error', 'success']);
		expect({ status: waiting.status, why: describeExecution(waiting) }).toMatchObject({
			status: 'waiting',
		});
		const done = await waitForStatus(id, ['success', 'error', 'crashed'], 150_000);
		expect({ status: done.status, why: describeExecution(done) }).toMatchObject({
			status: 'success',
		});
		expect(done.data?.resultData.runData.Answered).toBeUndefined();
		expect(nodeOutput(done, 'Ask', 0)).toEqual([]);
		const timedOut = nodeOutput(done, 'Timed Out');
		expect(timedOut).toEqual([
			{
				timedOut: true,
				sentTo: [ALICE, BOB],
				sentAt: expect.any(String),
				waitedUntil: expect.any(String),
			},
		]);
		expect(Date.parse(timedOut[0].waitedUntil) - Date.parse(timedOut[0].sentAt)).toBeLessThan(
			10_000,
		);
		process.stderr.write(
			`send-and-wait e2e: timeout resumed after ${Math.round((Date.now() - started) / 1000)} s\n`,
		);
	}, 200_000);
});
