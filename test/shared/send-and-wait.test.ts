/**
 * The shared Send and Wait pieces on their own: the link-preview check, the form's reading and
 * its page (escaping, CSP, multipart), the webhook's own signature check with a small mocked
 * context (a changed, repeated or missing parameter refused; no execution to sign for: n8n's
 * check stands), and the webhook itself with a mocked context: no signature 401, a custom form
 * that cannot be built 500 instead of throwing (an error in a waiting webhook would end the
 * execution), an approval's answer item and page headers.
 */
import type { IWebhookFunctions } from 'n8n-workflow';
import { isLinkPreview } from '../../nodes/shared/send-and-wait';
import { formPage, PAGE_CSP } from '../../nodes/shared/send-and-wait/page';
import { readForm, signatureMatches } from '../../nodes/shared/send-and-wait/webhook';
import { BROWSER, callWebhook, signedLink } from '../helpers/send-and-wait';

describe('isLinkPreview', () => {
	test.each([
		[undefined, true],
		['', true],
		[
			'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Teams/24295.605.3225.8804 Chrome/126 Electron/31',
			true,
		],
		['SkypeUriPreview Preview/0.5', true],
		['Microsoft Office Word 2014', true],
		['Twitterbot/1.0', true],
		['WhatsApp/2.23.20.0', true],
		['Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', true],
		['python-requests/2.31.0', true],
		[BROWSER, false],
		[
			'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
			false,
		],
		['Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', false],
	])('%s → %s', (agent, preview) => {
		expect(isLinkPreview(agent)).toBe(preview);
	});
});

describe('the form', () => {
	const fields = [
		{ label: 'Name', type: 'text' as const, options: [], required: true },
		{ label: 'Mail', type: 'email' as const, options: [], required: false },
		{ label: 'When', type: 'date' as const, options: [], required: false },
		{ label: 'OK', type: 'checkbox' as const, options: [], required: true },
	];

	test('reads values by label; names the first problem', () => {
		expect(
			readForm(fields, {
				'field-0': 'Ann',
				'field-1': 'ann@contoso.com',
				'field-2': '2026-12-24',
				'field-3': 'on',
			}),
		).toEqual({
			values: { Name: 'Ann', Mail: 'ann@contoso.com', When: '2026-12-24', OK: true },
			shown: {
				'field-0': 'Ann',
				'field-1': 'ann@contoso.com',
				'field-2': '2026-12-24',
				'field-3': 'on',
			},
		});
		expect(readForm(fields, { 'field-0': '' })).toMatchObject({ error: '"Name" is required.' });
		expect(readForm(fields, { 'field-0': 'A', 'field-1': 'nope' })).toMatchObject({
			error: '"Mail" must be an email address.',
		});
		expect(readForm(fields, { 'field-0': 'A', 'field-2': '24.12.2026' })).toMatchObject({
			error: '"When" must be a date (YYYY-MM-DD).',
		});
		expect(readForm(fields, { 'field-0': 'A' })).toMatchObject({ error: '"OK" must be ticked.' });
		// A repeated field (two values) counts as its first.
		expect(readForm(fields.slice(0, 1), { 'field-0': ['Ann', 'Bob'] })).toMatchObject({
			values: { Name: 'Ann' },
		});
	});

	test('the page escapes every value and runs no script; the form posts multipart to its own URL', () => {
		const html = formPage({
			title: '<script>alert(1)</script>',
			description: '"quoted" & <b>bold</b>',
			buttonLabel: "Send '1'",
			fields: [
				{ label: '<img src=x onerror=alert(1)>', type: 'text', options: [], required: false },
			],
			values: { 'field-0': '"><script>x</script>' },
			error: '<i>bad</i>',
		});
		expect(html).not.toMatch(/<script|<img|<b>|<i>/);
		expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
		expect(html).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
		expect(html).toContain('<form method="POST" enctype="multipart/form-data">');
		expect(html).not.toContain('action=');
		expect(PAGE_CSP).toBe(
			"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
		);
	});
});

describe("the webhook's own signature check", () => {
	const base = 'http://localhost:5678/webhook-waiting/7/node-1';
	/** A context whose signer signs by joining the query (stands in for n8n's HMAC). */
	const ctx = (signer?: (params: Record<string, string>) => string) =>
		({
			getSignedResumeUrl(params: Record<string, string>) {
				if (!signer) throw new Error('Execution id is missing');
				return `${base}?${new URLSearchParams({ ...params, signature: signer(params) })}`;
			},
		}) as unknown as IWebhookFunctions;
	const sign = (params: Record<string, string>) =>
		Buffer.from(new URLSearchParams(params).toString()).toString('hex');
	const query = (params: Record<string, string>, signature: string) =>
		new URLSearchParams({ ...params, signature });

	test('the link as signed matches; a changed, added or repeated parameter or no signature does not', () => {
		const params = { approved: 'true', recipient: 'alice@contoso.com' };
		expect(signatureMatches(ctx(sign), query(params, sign(params)))).toBe(true);
		expect(
			signatureMatches(ctx(sign), query({ ...params, recipient: 'bob@contoso.com' }, sign(params))),
		).toBe(false);
		expect(signatureMatches(ctx(sign), query({ ...params, extra: '1' }, sign(params)))).toBe(false);
		const repeated = query(params, sign(params));
		repeated.append('recipient', 'bob@contoso.com');
		expect(signatureMatches(ctx(sign), repeated)).toBe(false);
		expect(signatureMatches(ctx(sign), new URLSearchParams(params))).toBe(false);
	});

	test("without an execution to sign for, n8n's own check (before the webhook) stands", () => {
		expect(signatureMatches(ctx(), query({ approved: 'true' }, 'abc'))).toBe(true);
	});
});

describe('the webhook with a small mocked context', () => {
	const signer = (pathAndQuery: string) => Buffer.from(pathAndQuery).toString('base64url');
	const base = 'http://localhost:5678/webhook-waiting/9/node-under-test';

	test('a link without a signature is refused (401) and resumes nothing', async () => {
		const answer = await callWebhook({
			link: `${base}?approved=true`,
			userAgent: BROWSER,
			signer,
			parameters: {},
		});
		expect(answer).toMatchObject({ status: 401, data: undefined });
	});

	test('a custom form that cannot be built answers 500: it does not throw (that would end the execution) or resume', async () => {
		const answer = await callWebhook({
			link: signedLink(base, { recipient: 'alice@contoso.com' }, signer),
			userAgent: BROWSER,
			signer,
			parameters: { responseType: 'customForm', formFields: { values: [{ fieldLabel: '' }] } },
		});
		expect(answer.status).toBe(500);
		expect(answer.page).toContain('Form Fields: field 1 has no label');
		expect(answer.data).toBeUndefined();
	});

	test('approval: the answer carries approved, respondedBy and respondedAt; the page is sent with the CSP', async () => {
		const answer = await callWebhook({
			link: signedLink(base, { approved: 'false', recipient: 'alice@contoso.com' }, signer),
			userAgent: BROWSER,
			signer,
			parameters: { responseType: 'approval', recipientsOnly: true },
		});
		expect(answer.status).toBe(200);
		expect(answer.headers).toMatchObject({
			'content-security-policy': PAGE_CSP,
			'content-type': 'text/html; charset=utf-8',
			'cache-control': 'no-store',
		});
		expect(answer.result.noWebhookResponse).toBe(true);
		expect(answer.result.workflowData).toEqual([
			[
				{
					json: {
						data: {
							approved: false,
							respondedBy: 'alice@contoso.com',
							respondedAt: expect.any(String),
						},
					},
				},
			],
		]);
	});
});
