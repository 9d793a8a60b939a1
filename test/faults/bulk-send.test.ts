/**
 * Bulk mail through `$batch` (20 sendMail members run serially in one envelope) under a fault at
 * every request position — the envelope, and the first, a middle and the last member — for each
 * fault kind, with n8n's Retry On Fail on (2 tries). Every message is delivered exactly once when
 * the fault proves Graph did not act; otherwise at most once, and the items say "may have been
 * carried out" and are not sent again. Requests are counted from the emulator's log.
 */
import { useEmulator } from '../helpers/emulator';
import { appCredential, REPORTS, runMail } from '../mail/helpers';
import { FAULT_KINDS } from './model';

const emulator = useEmulator();
const COUNT = 20;
let recipients: string[] = [];
let run = 0;

beforeAll(() => {
	recipients = emulator()
		.directory.home.seedUsers(COUNT, 'bulkfault')
		.map((u) => u.userPrincipalName);
});
afterEach(() => emulator().faults.clear());

async function send(subject: string) {
	const emu = emulator();
	return await runMail(
		{ kind: 'app', data: appCredential(emu) },
		{
			operation: 'send',
			mailbox: REPORTS,
			toRecipients: '={{ $json.to }}',
			subject,
			body: 'x',
			options: {},
		},
		recipients.map((to) => ({ json: { to } })),
		{ node: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 } as never },
	);
}

const delivered = (subject: string) =>
	recipients.map(
		(r) =>
			emulator()
				.mail.messages(r)
				.filter((m) => m.subject === subject).length,
	);
const sends = (mark: number) =>
	emulator()
		.since(mark)
		.filter((e) => /\/sendMail$/.test(e.url));
const envelopes = (mark: number) =>
	emulator()
		.since(mark)
		.filter((e) => e.url === '/v1.0/$batch' && e.batchSeq === undefined);

const proves = (kind: (typeof FAULT_KINDS)[number]) =>
	kind.rule.kind === 'status' &&
	(kind.rule.status === 429 || (kind.rule.status === 503 && kind.rule.retryAfter !== null));

describe.each(FAULT_KINDS.map((k) => [k.name, k] as const))('envelope, %s', (_name, kind) => {
	test('each message at most once; exactly once when the fault proves Graph did not act', async () => {
		const emu = emulator();
		emu.addFault({
			...kind.rule,
			method: 'POST',
			path: '/v1.0/$batch',
			count: 1,
			batchMembers: false,
		});
		const subject = `bulk envelope ${++run}`;
		const mark = emu.mark();
		const r = await send(subject);
		const got = delivered(subject);
		expect(got.every((n) => n <= 1)).toBe(true);
		if (proves(kind)) {
			expect(r.error).toBeUndefined();
			expect(got).toEqual(recipients.map(() => 1));
			expect(envelopes(mark)).toHaveLength(2);
		} else {
			// Not repeated by the transport, and not by n8n's Retry On Fail either.
			expect(envelopes(mark)).toHaveLength(1);
			expect(r.error?.message).toMatch(/^0 of 20 items done; 20 failed/);
			expect(String((r.error as { description?: string }).description)).toMatch(
				/may have been carried out before the failure; they are not sent again on a retry/,
			);
			// A reset after Graph ran the batch delivered them (once); the others delivered nothing.
			const handled = emu.since(mark).find((e) => e.url === '/v1.0/$batch')?.handled === true;
			expect(got).toEqual(recipients.map(() => (handled ? 1 : 0)));
		}
	});
});

const STATUS_KINDS = FAULT_KINDS.filter((k) => k.rule.kind === 'status');
describe.each(
	[0, 9, 19].flatMap((member) => STATUS_KINDS.map((k) => [member, k.name, k] as const)),
)('member %i, %s', (member, _name, kind) => {
	test('the others are delivered exactly once; the faulted one once or, if unproven, never twice', async () => {
		const emu = emulator();
		emu.addFault({
			...kind.rule,
			method: 'POST',
			path: '^/v1\\.0/users/[^/]+/sendMail',
			skip: member,
			count: 1,
		});
		const subject = `bulk member ${++run}`;
		const mark = emu.mark();
		const r = await send(subject);
		const got = delivered(subject);
		const others = got.filter((_, i) => i !== member);
		expect(others).toEqual(others.map(() => 1));
		if (proves(kind)) {
			expect(r.error).toBeUndefined();
			expect(got[member]).toBe(1);
			// The faulted member went twice: refused, then sent.
			expect(sends(mark)).toHaveLength(COUNT + 1);
		} else {
			expect(got[member]).toBe(0);
			expect(r.error?.message).toMatch(
				new RegExp(`^19 of 20 items done; 1 failed \\(item ${member}\\)`),
			);
			expect(String((r.error as { description?: string }).description)).toMatch(
				/may have been carried out/,
			);
			// Sent once by the first try, never again by the second.
			expect(sends(mark)).toHaveLength(COUNT);
		}
	});
});
