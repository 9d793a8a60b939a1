/**
 * Message → Send and Wait for Response through n8n's engine (the harness) against the emulator,
 * and the answer through the node's webhook (test/helpers/send-and-wait.ts): the mail each
 * recipient gets (one per recipient, links signed and naming them), the waiting execution with
 * its Timed Out entry, the answer of each kind (approval single/double, free text, custom form)
 * with respondedBy and respondedAt, link previews ignored, a changed link refused, and bad input
 * refused before any request.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { useEmulator } from '../helpers/emulator';
import { BROWSER, callWebhook, linksIn, queryOf } from '../helpers/send-and-wait';
import type { RunNodeResult } from '../harness';
import {
	ALICE,
	BOB,
	CAROL,
	delegatedCredential,
	errorText,
	expectValidBodies,
	graphRequests,
	runMail,
	type Auth,
} from './helpers';

const emulator = useEmulator();
let delegated: Auth;

beforeAll(async () => {
	delegated = { kind: 'delegated', data: await delegatedCredential(emulator()) };
});

const params = (extra: IDataObject): INodeParameters =>
	({
		operation: 'sendAndWait',
		toRecipients: ALICE,
		subject: 'Approve the Q3 budget',
		message: 'Please approve <the> budget.\nThanks',
		...extra,
	}) as INodeParameters;

/** The newest message in a mailbox's inbox with this subject. */
function lastMail(user: string, subject: string) {
	const found = emulator()
		.mail.messages(user)
		.filter((m) => m.subject === subject);
	return found.at(-1);
}

function waiting(result: RunNodeResult) {
	expect(result.error).toBeUndefined();
	expect(result.run.waitTill).toBeInstanceOf(Date);
	const entry = result.run.data.executionData!.nodeExecutionStack[0];
	return { entry, waitTill: result.run.waitTill! };
}

describe('Send and Wait: approval', () => {
	test('two recipients: one message each, approve and decline links naming the recipient; each answer says whose link', async () => {
		const emu = emulator();
		const subject = `Budget ${Date.now()}`;
		const parameters = params({
			// Alice twice (another case): one message to her.
			toRecipients: `${ALICE}, ${BOB}, ${ALICE.toUpperCase()}`,
			subject,
			approvalOptions: {
				values: { approvalType: 'double', approveLabel: 'Yes', disapproveLabel: 'No' },
			},
			options: {
				limitWaitTime: {
					values: { limitType: 'afterTimeInterval', resumeAmount: 2, resumeUnit: 'hours' },
				},
			},
		});
		const mark = emu.mark();
		const received = emu.mail.received.length;
		const result = await runMail(delegated, parameters);
		const { entry, waitTill } = waiting(result);
		// Both sendMail bodies are valid against Graph's CSDL.
		expect(expectValidBodies(emu, received)).toHaveLength(2);
		// Exactly two sendMail requests, nothing else.
		expect(graphRequests(emu, mark).map((e) => `${e.method} ${e.url.split('?')[0]}`)).toEqual([
			'POST /v1.0/me/sendMail',
			'POST /v1.0/me/sendMail',
		]);
		expect(waitTill.getTime() - Date.now()).toBeGreaterThan(2 * 3600_000 - 60_000);
		// While waiting: the node's output; the stack entry holds the Timed Out item on output 1.
		expect(result.output[0][0].json).toMatchObject({ waiting: true, sentTo: [ALICE, BOB] });
		expect(entry.metadata?.forwardAllOutputs).toBe(true);
		expect(entry.data.main[0]).toEqual([]);
		expect(entry.data.main[1]![0]).toMatchObject({
			json: { timedOut: true, sentTo: [ALICE, BOB], waitedUntil: waitTill.toISOString() },
			pairedItem: { item: 0 },
		});
		const toAlice = lastMail(ALICE, subject)!;
		const toBob = lastMail(BOB, subject)!;
		expect(toAlice.toRecipients.map((r) => r.emailAddress.address)).toEqual([ALICE]);
		expect(toBob.toRecipients.map((r) => r.emailAddress.address)).toEqual([BOB]);
		expect(toAlice.body.contentType).toBe('html');
		expect(toAlice.body.content).toContain('Please approve &lt;the&gt; budget.<br>Thanks');
		expect(toAlice.body.content).toMatch(/>Yes<\/a>[\s\S]*>No<\/a>/);
		const aliceLinks = linksIn(toAlice.body.content);
		const bobLinks = linksIn(toBob.body.content);
		expect(aliceLinks.map(queryOf)).toEqual([
			{ approved: 'true', recipient: ALICE, signature: expect.stringMatching(/^[0-9a-f]{64}$/) },
			{ approved: 'false', recipient: ALICE, signature: expect.stringMatching(/^[0-9a-f]{64}$/) },
		]);
		expect(bobLinks.map((l) => queryOf(l).recipient)).toEqual([BOB, BOB]);
		expect(new URL(aliceLinks[0]).pathname).toMatch(/^\/webhook-waiting\/\d+\/node-under-test$/);

		const bobDeclines = await callWebhook({ link: bobLinks[1], userAgent: BROWSER, parameters });
		expect(bobDeclines.status).toBe(200);
		expect(bobDeclines.headers['content-security-policy']).toContain("default-src 'none'");
		expect(bobDeclines.page).toContain('Got it');
		expect(bobDeclines.data).toEqual({
			approved: false,
			respondedBy: BOB,
			respondedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
		});
		const aliceApproves = await callWebhook({
			link: aliceLinks[0],
			userAgent: BROWSER,
			parameters,
		});
		expect(aliceApproves.data).toMatchObject({ approved: true, respondedBy: ALICE });
	});

	test('approve only: one link; a link preview or robot opening it answers nothing', async () => {
		const subject = `Single ${Date.now()}`;
		const parameters = params({ subject });
		waiting(await runMail(delegated, parameters));
		const links = linksIn(lastMail(ALICE, subject)!.body.content);
		expect(links).toHaveLength(1);
		expect(queryOf(links[0])).toMatchObject({ approved: 'true', recipient: ALICE });
		for (const userAgent of [
			undefined, // Teams' preview service sends none
			'',
			'Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Teams/1.6.00.1381 Chrome/91.0 Electron/13.6.6 Safari/537.36',
			'SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com',
			'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
			'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
			'Microsoft Office Existence Discovery',
			'curl/8.5.0',
		]) {
			const preview = await callWebhook({ link: links[0], userAgent, parameters });
			expect({ userAgent, status: preview.status, data: preview.data }).toEqual({
				userAgent,
				status: 200,
				data: undefined,
			});
			expect(preview.result.noWebhookResponse).toBe(true);
		}
		const person = await callWebhook({ link: links[0], userAgent: BROWSER, parameters });
		expect(person.data).toMatchObject({ approved: true, respondedBy: ALICE });
	});

	test('a link whose recipient or answer was changed is refused (401), and resumes nothing', async () => {
		const subject = `Tamper ${Date.now()}`;
		const parameters = params({
			subject,
			toRecipients: `${ALICE}, ${BOB}`,
			approvalOptions: { values: { approvalType: 'double' } },
		});
		waiting(await runMail(delegated, parameters));
		const [approve, decline] = linksIn(lastMail(ALICE, subject)!.body.content);
		const otherRecipient = new URL(approve);
		otherRecipient.searchParams.set('recipient', BOB);
		const otherAnswer = new URL(decline);
		otherAnswer.searchParams.set('approved', 'true');
		const noSignature = new URL(approve);
		noSignature.searchParams.delete('signature');
		const extra = new URL(approve);
		extra.searchParams.append('recipient', BOB);
		for (const link of [otherRecipient, otherAnswer, noSignature, extra]) {
			const refused = await callWebhook({ link: link.toString(), userAgent: BROWSER, parameters });
			expect({ link: link.search, status: refused.status, data: refused.data }).toEqual({
				link: link.search,
				status: 401,
				data: undefined,
			});
		}
	});

	test('Accept Answers Only From Recipients off: one message to all, links naming nobody', async () => {
		const subject = `Shared ${Date.now()}`;
		const parameters = params({ subject, toRecipients: `${ALICE}, ${BOB}`, recipientsOnly: false });
		const result = await runMail(delegated, parameters);
		waiting(result);
		const mail = lastMail(ALICE, subject)!;
		expect(mail.toRecipients.map((r) => r.emailAddress.address)).toEqual([ALICE, BOB]);
		const [link] = linksIn(mail.body.content);
		expect(queryOf(link).recipient).toBeUndefined();
		const answer = await callWebhook({ link, userAgent: BROWSER, parameters });
		expect(answer.data).toMatchObject({ approved: true, respondedBy: null });
		// With the option on, a link that names nobody is not accepted.
		const strict = await callWebhook({
			link,
			userAgent: BROWSER,
			parameters: { ...parameters, recipientsOnly: true },
		});
		expect(strict.status).toBe(403);
		expect(strict.data).toBeUndefined();
	});
});

describe('Send and Wait: forms', () => {
	test('free text: the link opens a form (escaped, CSP); its answer is the text, by the recipient', async () => {
		const subject = `Free text ${Date.now()}`;
		const parameters = params({
			subject,
			responseType: 'freeText',
			options: { messageButtonLabel: 'Reply here', responseFormTitle: 'Your <comments>' },
		});
		waiting(await runMail(delegated, parameters));
		const mail = lastMail(ALICE, subject)!;
		expect(mail.body.content).toContain('>Reply here</a>');
		const [link] = linksIn(mail.body.content);
		expect(queryOf(link)).toEqual({ recipient: ALICE, signature: expect.any(String) });
		const form = await callWebhook({ link, userAgent: BROWSER, parameters });
		expect(form.status).toBe(200);
		expect(form.data).toBeUndefined();
		expect(form.headers['content-security-policy']).toContain("form-action 'self'");
		expect(form.page).toContain('<h1>Your &lt;comments&gt;</h1>');
		expect(form.page).toContain('Please approve &lt;the&gt; budget.');
		expect(form.page).toMatch(
			/<form method="POST" enctype="multipart\/form-data">[\s\S]*<textarea id="field-0" name="field-0" required>/,
		);
		expect(form.page).not.toContain('<script');
		const empty = await callWebhook({
			link,
			method: 'POST',
			body: { 'field-0': ' ' },
			userAgent: BROWSER,
			parameters,
		});
		expect(empty.status).toBe(400);
		expect(empty.data).toBeUndefined();
		const posted = await callWebhook({
			link,
			method: 'POST',
			body: { 'field-0': 'Fine by me, <b>ship it</b>' },
			userAgent: BROWSER,
			parameters,
		});
		expect(posted.data).toEqual({
			text: 'Fine by me, <b>ship it</b>',
			respondedBy: ALICE,
			respondedAt: expect.any(String),
		});
	});

	test('custom form: the fields as defined; values by label (number, list, checkbox); bad values shown again', async () => {
		const subject = `Form ${Date.now()}`;
		const parameters = params({
			subject,
			responseType: 'customForm',
			formFields: {
				values: [
					{ fieldLabel: 'Amount', fieldType: 'number', requiredField: true },
					{
						fieldLabel: 'Decision',
						fieldType: 'dropdown',
						fieldOptions: 'Yes, No, Later',
						requiredField: true,
					},
					{ fieldLabel: 'Urgent', fieldType: 'checkbox' },
					{ fieldLabel: 'Note "<x>"', fieldType: 'textarea' },
					{ fieldLabel: 'respondedBy', fieldType: 'text' },
				],
			},
		});
		waiting(await runMail(delegated, parameters));
		const [link] = linksIn(lastMail(ALICE, subject)!.body.content);
		const form = await callWebhook({ link, userAgent: BROWSER, parameters });
		expect(form.page).toContain('<label for="field-3">Note &quot;&lt;x&gt;&quot;</label>');
		expect(form.page).toContain('<option value="Later">Later</option>');
		expect(form.page).toContain(
			'<input type="number" id="field-0" name="field-0" value="" step="any" required>',
		);
		const bad = await callWebhook({
			link,
			method: 'POST',
			body: { 'field-0': 'lots', 'field-1': 'Yes' },
			userAgent: BROWSER,
			parameters,
		});
		expect(bad.status).toBe(400);
		expect(bad.page).toContain('&quot;Amount&quot; must be a number.');
		expect(bad.page).toContain('value="lots"');
		const notListed = await callWebhook({
			link,
			method: 'POST',
			body: { 'field-0': '12', 'field-1': 'Maybe' },
			userAgent: BROWSER,
			parameters,
		});
		expect(notListed.status).toBe(400);
		const ok = await callWebhook({
			link,
			method: 'POST',
			body: {
				'field-0': '1250.5',
				'field-1': 'Later',
				'field-2': 'on',
				'field-3': 'call me',
				'field-4': 'mallory@evil.example',
			},
			userAgent: BROWSER,
			parameters,
		});
		expect(ok.data).toEqual({
			Amount: 1250.5,
			Decision: 'Later',
			Urgent: true,
			'Note "<x>"': 'call me',
			// The recipient of the link: a form field of the same name does not replace it.
			respondedBy: ALICE,
			respondedAt: expect.any(String),
		});
		// A multipart form (as n8n parses one) reads the same.
		const multipart = await callWebhook({
			link,
			method: 'POST',
			body: { data: { 'field-0': '3', 'field-1': 'No' }, files: {} },
			userAgent: BROWSER,
			parameters,
		});
		expect(multipart.data).toMatchObject({ Amount: 3, Decision: 'No', Urgent: false });
	});
});

describe('Send and Wait: bad input is refused before any request', () => {
	const cases: Array<[string, IDataObject, RegExp]> = [
		[
			'wait time 0',
			{
				options: {
					limitWaitTime: {
						values: { limitType: 'afterTimeInterval', resumeAmount: 0, resumeUnit: 'minutes' },
					},
				},
			},
			/^Limit Wait Time: Amount must be more than 0/,
		],
		[
			'negative wait time',
			{
				options: {
					limitWaitTime: {
						values: { limitType: 'afterTimeInterval', resumeAmount: -5, resumeUnit: 'hours' },
					},
				},
			},
			/^Limit Wait Time: Amount must be more than 0 \(it is -5\)/,
		],
		[
			'a date in the past',
			{
				options: {
					limitWaitTime: {
						values: { limitType: 'atSpecifiedTime', maxDateAndTime: '2020-01-01T00:00:00Z' },
					},
				},
			},
			/^Limit Wait Time: Max Date and Time 2020-01-01T00:00:00.000Z is in the past/,
		],
		[
			'a date that is not one',
			{
				options: {
					limitWaitTime: {
						values: { limitType: 'atSpecifiedTime', maxDateAndTime: 'next tuesday' },
					},
				},
			},
			/^Limit Wait Time: Max Date and Time "next tuesday" is not a date/,
		],
		// An expression that gives no address (an empty To is refused by n8n itself, "required").
		['no recipient', { toRecipients: '={{ "" }}' }, /^To: no recipient/],
		['a bad address', { toRecipients: 'alice' }, /^To: "alice" is not a valid email address/],
		[
			'a custom form without fields',
			{ responseType: 'customForm' },
			/^Form Fields: add at least one field/,
		],
		[
			'two fields with one label',
			{
				responseType: 'customForm',
				formFields: { values: [{ fieldLabel: 'A' }, { fieldLabel: 'a' }] },
			},
			/^Form Fields: two fields are labelled "a"/,
		],
		[
			'a list without options',
			{
				responseType: 'customForm',
				formFields: { values: [{ fieldLabel: 'Pick', fieldType: 'dropdown' }] },
			},
			/^Form Fields: the list "Pick" has no options/,
		],
	];
	test.each(cases)('%s', async (_name, extra, message) => {
		const emu = emulator();
		const mark = emu.mark();
		const sent = emu.mail.received.length;
		const result = await runMail(delegated, params(extra));
		expect(result.error?.message).toMatch(message);
		expect(errorText(result)).toContain('nothing was sent');
		expect(result.run.waitTill).toBeUndefined();
		expect(graphRequests(emu, mark)).toEqual([]);
		expect(emu.mail.received.length).toBe(sent);
	});
});

describe('Send and Wait: the wait time ends', () => {
	test("n8n's resume at the wait time sends the timeout item out of output 1 (Timed Out), nothing out of Answered", async () => {
		const subject = `Timeout ${Date.now()}`;
		const result = await runMail(
			delegated,
			params({
				subject,
				toRecipients: `${ALICE}, ${BOB}`,
				options: {
					limitWaitTime: {
						values: { limitType: 'afterTimeInterval', resumeAmount: 5, resumeUnit: 'minutes' },
					},
				},
			}),
			undefined,
			{ resumeAfterWait: 'timeout' },
		);
		expect(result.error).toBeUndefined();
		expect(result.run.waitTill).toBeUndefined();
		expect(result.run.status).toBe('success');
		expect(result.output).toHaveLength(2);
		expect(result.output[0]).toEqual([]);
		expect(result.output[1]).toEqual([
			{
				json: {
					timedOut: true,
					sentTo: [ALICE, BOB],
					sentAt: expect.any(String),
					waitedUntil: expect.any(String),
				},
				// n8n links a forwarded item to the input it came in on (input 1), whose source is
				// input 0's: the Input node's item 0.
				pairedItem: { item: 0, input: 1 },
			},
		]);
		const source = result.taskData?.source;
		expect(source?.[1]).toEqual(source?.[0]);
		expect(source?.[0]).toMatchObject({ previousNode: 'Input', previousNodeOutput: 0 });
		// Sent once: the resume does not run the node again.
		expect(
			emulator()
				.mail.messages(ALICE)
				.filter((m) => m.subject === subject),
		).toHaveLength(1);
	});
});

describe('Send and Wait: a send whose answer is lost', () => {
	test('is not sent again: each recipient has one message; the error says who has it; the execution does not wait; Retry On Fail does not resend', async () => {
		const emu = emulator();
		const subject = `Lost answer ${Date.now()}`;
		// The second sendMail is carried out, then its connection drops without an answer.
		const fault = emu.addFault({
			kind: 'reset-after',
			method: 'POST',
			path: '^/v1\\.0/me/sendMail',
			skip: 1,
			count: 1,
		});
		try {
			const result = await runMail(
				delegated,
				params({ subject, toRecipients: `${ALICE}, ${BOB}, ${CAROL}` }),
				undefined,
				{ node: { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 } as never },
			);
			expect(result.run.waitTill).toBeUndefined();
			expect(result.error?.message).toMatch(
				new RegExp(`^Sent to ${ALICE}; the message to ${BOB} failed: `),
			);
			expect(errorText(result)).toContain(`Not attempted: ${CAROL}.`);
			expect(errorText(result)).toContain('not run again by Retry On Fail');
		} finally {
			emu.faults.remove(fault);
		}
		const count = (user: string) =>
			emu.mail.messages(user).filter((m) => m.subject === subject).length;
		expect([count(ALICE), count(BOB), count(CAROL)]).toEqual([1, 1, 0]);
	});
});
