/**
 * Bulk mode: 1,000 items sent through `$batch` (20 per request, each batch serial — Graph's
 * documented "serial" dependsOn pattern — and 4 batches at a time per mailbox) — every recipient gets exactly one message, at most 60 HTTP requests,
 * never more than 4 requests in flight for the mailbox; under 30% injected 429 still exactly one
 * each. Also: the emulator's MailboxConcurrency limit itself, and the pacing helper.
 */
import { useEmulator, graph, mintToken } from '../helpers/emulator';
import { Pacer, planGroups, batchMembers } from '../../nodes/Microsoft365Mail/bulk';
import type { PreparedSend } from '../../nodes/Microsoft365Mail/graph-send';
import { appCredential, expectValidBodies, REPORTS, runMail, type Auth } from './helpers';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../nodes/shared/transport/retry';

const emulator = useEmulator();
const COUNT = 1000;
let recipients: string[] = [];

beforeAll(() => {
	const emu = emulator();
	recipients = emu.directory.home.seedUsers(COUNT, 'bulk').map((u) => u.userPrincipalName);
	emu.mail.processingMs = 3;
});

async function sendAll(subject: string) {
	const emu = emulator();
	const auth: Auth = { kind: 'app', data: appCredential(emu) };
	return await runMail(
		auth,
		{
			operation: 'send',
			mailbox: REPORTS,
			toRecipients: '={{ $json.to }}',
			subject,
			body: '={{ "Hello " + $json.to }}',
		},
		recipients.map((to) => ({ json: { to } })),
	);
}

function expectExactlyOneEach(subject: string) {
	const emu = emulator();
	const counts = recipients.map(
		(r) => emu.mail.messages(r).filter((m) => m.subject === subject).length,
	);
	expect(counts.filter((c) => c !== 1)).toEqual([]);
}

test('1,000 items: one message each, at most 60 requests, at most 4 in flight per mailbox', async () => {
	const emu = emulator();
	const mark = emu.mark();
	const received = emu.mail.received.length;
	const throttled = emu.mail.throttled;
	const { output, error } = await sendAll('Bulk run');
	expect(error).toBeUndefined();
	expect(output[0]).toHaveLength(COUNT);
	// Results in input order, each on its own item.
	expect(output[0].map((i) => (i.json.to as string[])[0])).toEqual(recipients);
	expect(output[0].every((i) => i.json.sent === true && i.json.transport === 'batch')).toBe(true);
	expectExactlyOneEach('Bulk run');
	const requests = emu.since(mark).filter((e) => e.batchSeq === undefined);
	expect(requests.length).toBeLessThanOrEqual(60);
	expect(requests.filter((e) => e.url === '/v1.0/$batch')).toHaveLength(50);
	expect(emu.mail.maxConcurrency(REPORTS)).toBeLessThanOrEqual(4);
	expect(emu.mail.maxConcurrency(REPORTS)).toBeGreaterThan(1);
	expect(emu.mail.throttled).toBe(throttled);
	const bodies = expectValidBodies(emu, received);
	expect(bodies).toHaveLength(COUNT);
	expect(bodies.every((b) => b.type === 'action:sendMail')).toBe(true);
});

test('under 30% injected 429 on the members: still exactly one message each', async () => {
	const emu = emulator();
	// 30% independent 429s is harsher than Graph: with the default 6 attempts a member runs out
	// with probability 0.3^6 (0.07%), likely somewhere among 1,000 (and then that item fails,
	// truthfully: test/mail/bulk-accounting.test.ts). This test is about exactly once under
	// heavy throttling, so members get 12 attempts here.
	const policy = DEFAULT_RETRY_POLICY as RetryPolicy;
	const attempts = policy.maxAttempts;
	policy.maxAttempts = 12;
	const fault = emu.addFault({
		kind: 'status',
		status: 429,
		code: 'ApplicationThrottled',
		retryAfter: 0,
		ratio: 0.3,
		path: '^/v1\\.0/users/[^/]+/sendMail',
	});
	try {
		const { output, error } = await sendAll('Bulk under throttling');
		expect(error).toBeUndefined();
		expect(output[0].every((i) => i.json.sent === true)).toBe(true);
	} finally {
		emu.faults.remove(fault);
		policy.maxAttempts = attempts;
	}
	expectExactlyOneEach('Bulk under throttling');
	expect(emu.mail.maxConcurrency(REPORTS)).toBeLessThanOrEqual(4);
});

test('the emulator: 20 independent sendMail members for one mailbox get 429 MailboxConcurrency', async () => {
	const emu = emulator();
	const token = mintToken(emu, {
		app: '7d3c1f52-8a4e-5b6f-9c2d-3e4f5a6b7c8d',
		roles: ['Mail.Send'],
	});
	const requests = Array.from({ length: 20 }, (_, i) => ({
		id: String(i),
		method: 'POST',
		url: `/users/${REPORTS}/sendMail`,
		headers: { 'Content-Type': 'application/json' },
		body: {
			message: { subject: `c${i}`, toRecipients: [{ emailAddress: { address: recipients[i] } }] },
		},
	}));
	const r = await graph(emu, 'POST', '/$batch', token, { requests });
	const throttled = r.body.responses.filter((m: any) => m.status === 429);
	expect(throttled.length).toBeGreaterThan(0);
	expect(throttled[0].body.error).toMatchObject({
		code: 'ApplicationThrottled',
		message: 'Application is over its MailboxConcurrency limit.',
	});
	expect(r.body.responses.filter((m: any) => m.status === 202).length).toBe(20 - throttled.length);
});

describe('helpers', () => {
	const job = (size: number) =>
		({
			size,
			target: { path: '/me', key: 'me', mailbox: '' },
			body: {},
		}) as unknown as PreparedSend;

	test('groups: 20 members at most, and under 4 MB of bodies', () => {
		expect(planGroups(Array.from({ length: 45 }, () => job(100))).map((g) => g.length)).toEqual([
			20, 20, 5,
		]);
		expect(
			planGroups(Array.from({ length: 5 }, () => job(1_500_000))).map((g) => g.length),
		).toEqual([2, 2, 1]);
	});

	test('members are createOnce sendMail calls without dependsOn of their own (the batch runs them serially)', () => {
		const members = batchMembers(Array.from({ length: 9 }, () => job(1)));
		expect(members.map((m) => [m.method, m.effect, m.dependsOn])).toEqual(
			Array.from({ length: 9 }, () => ['POST', 'createOnce', undefined]),
		);
		expect(members[0].url).toMatch(/\/sendMail$/);
	});

	test('pacing: 45 messages at 30 per minute go out at 0 s, 40 s and 80 s', async () => {
		let now = 0;
		const waits: number[] = [];
		const pacer = new Pacer(30, {
			now: () => now,
			sleep: async (ms) => {
				waits.push(ms);
				now += ms;
			},
		});
		expect(pacer.groupLimit).toBe(20);
		for (const n of [20, 20, 5]) await pacer.take(n);
		expect(waits).toEqual([40_000, 40_000]);
	});
});
