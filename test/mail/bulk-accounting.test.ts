/**
 * Every item of a bulk send is accounted for (issue "Trust", item 3): 30 sends, the one in the
 * middle (item 14, from Carol's mailbox) refused with 403 every time.
 * - "continue (using error output)": 29 results on the success output, item 14's error on the
 *   error output, each recipient exactly one message;
 * - no Continue On Fail: one error that says 29 of 30 were done and item 14 failed with 403;
 * - Retry On Fail (3 tries): the 29 are sent once, not three times; the refused one is tried on
 *   each try (it was not sent), and the $batch envelopes are those of one run.
 * A send whose answer was lost (the connection reset after Graph ran it) is reported as "may have
 * been sent" and never sent again, not by the transport and not by n8n's retries.
 * Requests are counted from the emulator's log, not only outcomes.
 */
import type { INodeExecutionData } from 'n8n-workflow';
import { useEmulator } from '../helpers/emulator';
import { appCredential, CAROL, REPORTS, runMail, type Auth } from './helpers';

const emulator = useEmulator();
const COUNT = 30;
const FAILING = 14;
let recipients: string[] = [];

beforeAll(() => {
	recipients = emulator()
		.directory.home.seedUsers(COUNT, 'acct')
		.map((u) => u.userPrincipalName);
});

afterEach(() => emulator().faults.clear());

async function send(subject: string, settings: Record<string, unknown> = {}) {
	const emu = emulator();
	const auth: Auth = { kind: 'app', data: appCredential(emu) };
	return await runMail(
		auth,
		{
			operation: 'send',
			mailbox: '={{ $json.from }}',
			toRecipients: '={{ $json.to }}',
			subject,
			body: 'Statement attached',
		},
		recipients.map((to, i) => ({ json: { to, from: i === FAILING ? CAROL : REPORTS } })),
		{ node: settings as never },
	);
}

function received(subject: string): number[] {
	const emu = emulator();
	return recipients.map((r) => emu.mail.messages(r).filter((m) => m.subject === subject).length);
}

const carolSends = (entries: Array<{ method: string; url: string }>) =>
	entries.filter((e) => e.method === 'POST' && /\/users\/carol[^/]*\/sendMail/i.test(e.url));
const envelopes = (entries: Array<{ url: string; batchSeq?: number }>) =>
	entries.filter((e) => e.url === '/v1.0/$batch' && e.batchSeq === undefined);

function refuseCarol() {
	emulator().addFault({
		kind: 'status',
		status: 403,
		code: 'ErrorAccessDenied',
		retryAfter: null,
		path: '^/v1\\.0/users/carol[^/]*/sendMail',
		count: 1000,
	});
}

/** One message for every recipient but the refused item's. */
const allButFailing = () => recipients.map((_, i) => (i === FAILING ? 0 : 1));

test('error output: 29 sent on the success output, the refused item on the error output', async () => {
	refuseCarol();
	const emu = emulator();
	const mark = emu.mark();
	const r = await send('Accounted (error output)', { onError: 'continueErrorOutput' });
	expect(r.error).toBeUndefined();
	const [ok, failed] = r.output as INodeExecutionData[][];
	expect(ok).toHaveLength(COUNT - 1);
	expect(ok.every((i) => i.json.sent === true)).toBe(true);
	expect(ok.map((i) => (i.pairedItem as { item: number }).item)).toEqual(
		recipients.map((_, i) => i).filter((i) => i !== FAILING),
	);
	expect(failed).toHaveLength(1);
	expect((failed[0].pairedItem as { item: number }).item).toBe(FAILING);
	expect(String(failed[0].json.error)).toMatch(/Forbidden|403/);
	expect(received('Accounted (error output)')).toEqual(allButFailing());
	expect(carolSends(emu.since(mark))).toHaveLength(1);
});

test('without Continue On Fail: one error that counts what was done and names the failed item', async () => {
	refuseCarol();
	const r = await send('Accounted (stop)');
	expect(r.output).toEqual([]);
	expect(r.error?.message).toMatch(
		new RegExp(`^29 of 30 items done; 1 failed \\(item ${FAILING}\\): Forbidden`),
	);
	const description = String((r.error as { description?: string }).description);
	expect(description).toMatch(
		/^Done: items 0, 1, .* and 17 more\. They are not run again when n8n retries/,
	);
	expect(description).toMatch(new RegExp(`Item ${FAILING}: Forbidden`));
	expect(received('Accounted (stop)')).toEqual(allButFailing());
});

test('Retry On Fail (3 tries) sends nothing twice: the 29 once, the refused one tried each time', async () => {
	refuseCarol();
	const emu = emulator();
	const mark = emu.mark();
	const r = await send('Accounted (retry)', {
		retryOnFail: true,
		maxTries: 3,
		waitBetweenTries: 0,
	});
	expect(r.error?.message).toMatch(/^29 of 30 items done; 1 failed/);
	expect(received('Accounted (retry)')).toEqual(allButFailing());
	const log = emu.since(mark);
	// One run's envelopes (29 messages of one mailbox: a batch of 20 and one of 9), not three runs'.
	expect(envelopes(log)).toHaveLength(2);
	// The refused send was not carried out, so each try asks again.
	expect(carolSends(log)).toHaveLength(3);
});

test('a send whose answer was lost is reported as "may have been sent" and never sent again', async () => {
	const emu = emulator();
	emu.addFault({
		kind: 'reset-after',
		method: 'POST',
		path: '^/v1\\.0/users/carol[^/]*/sendMail',
		count: 10,
	});
	const mark = emu.mark();
	const r = await send('Accounted (lost answer)', {
		retryOnFail: true,
		maxTries: 3,
		waitBetweenTries: 0,
	});
	expect(r.error?.message).toMatch(/^29 of 30 items done; 1 failed/);
	expect((r.error as { description?: string }).description).toMatch(
		/may have carried it out; it was not sent again[\s\S]*may have been carried out before the failure/,
	);
	// Graph ran it once (the reset came after the handler): Carol's recipient got exactly one.
	expect(received('Accounted (lost answer)')).toEqual(recipients.map(() => 1));
	expect(carolSends(emu.since(mark))).toHaveLength(1);
});
