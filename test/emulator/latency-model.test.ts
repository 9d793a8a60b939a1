import { graph, mintToken, useEmulator } from '../helpers/emulator';
import { sendingMailbox } from './latency-model';

const emulator = useEmulator({
	latencyModel: { requestMs: 1, mailProcessingMs: 25, mailConcurrency: 2 },
});

const MAILBOX = 'reports@contoso.onmicrosoft.com';

function sendMailMember(id: number, mailbox = MAILBOX) {
	return {
		id: String(id),
		method: 'POST',
		url: `/users/${mailbox}/sendMail`,
		headers: { 'Content-Type': 'application/json' },
		body: {
			message: {
				subject: `Latency model ${id}`,
				body: { contentType: 'Text', content: 'hello' },
				toRecipients: [{ emailAddress: { address: 'alice@contoso.onmicrosoft.com' } }],
			},
			saveToSentItems: false,
		},
	};
}

async function admin(method: string, body?: unknown) {
	const res = await fetch(`${emulator().url}/_emulator/latency-model`, {
		method,
		headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: res.status, body: (await res.json()) as any };
}

describe('sendingMailbox (path matching)', () => {
	test('sendMail and message send/reply/forward, by user or /me; other paths send nothing', () => {
		expect(sendingMailbox('POST', '/v1.0/users/Bob%40contoso.com/sendMail')).toBe(
			'bob@contoso.com',
		);
		expect(sendingMailbox('POST', '/v1.0/users/abc/messages/AAMk=/send')).toBe('abc');
		expect(sendingMailbox('POST', '/v1.0/users/abc/mailFolders/inbox/messages/x/replyAll')).toBe(
			'abc',
		);
		const payload = Buffer.from(JSON.stringify({ oid: 'user-1' })).toString('base64url');
		expect(sendingMailbox('POST', '/v1.0/me/messages/x/forward', `Bearer h.${payload}.s`)).toBe(
			'me:user-1',
		);
		expect(sendingMailbox('GET', '/v1.0/users/abc/sendMail')).toBeUndefined();
		expect(sendingMailbox('POST', '/v1.0/users/abc/messages')).toBeUndefined();
		expect(sendingMailbox('POST', '/v1.0/users/abc/messages/x/createReply')).toBeUndefined();
	});
});

describe('latency model in the emulator', () => {
	beforeEach(async () => {
		expect((await admin('POST', { resetStats: true })).status).toBe(200);
	});

	test('a $batch of sends is one delayed HTTP request; its sends queue per mailbox at the concurrency limit', async () => {
		const token = mintToken(emulator(), { roles: ['Mail.Send'] });
		const res = await graph(emulator(), 'POST', '/$batch', token, {
			// Four: Exchange (graph/mail.ts) refuses a fifth concurrent request with 429.
			requests: [1, 2, 3, 4].map((i) => sendMailMember(i)),
		});
		expect(res.body).toHaveProperty('responses');
		// Answers come back in completion order.
		expect(res.body.responses.map((r: { status: number }) => r.status)).toEqual(Array(4).fill(202));
		const { stats } = emulator().latencyModel;
		expect(stats.delayedRequests).toBe(1);
		expect(stats.mailSends).toBe(4);
		expect(stats.maxMailConcurrent).toBe(2);
		expect(stats.maxMailQueue).toBeGreaterThanOrEqual(1);
		expect(stats.mailQueueWaitMs).toBeGreaterThan(0);
	});

	test('each mailbox has its own slots; a refused send costs no processing', async () => {
		const token = mintToken(emulator(), { roles: ['Mail.Send'] });
		const res = await graph(emulator(), 'POST', '/$batch', token, {
			requests: [
				sendMailMember(1, MAILBOX),
				sendMailMember(2, MAILBOX),
				sendMailMember(3, 'alice@contoso.onmicrosoft.com'),
				sendMailMember(4, 'alice@contoso.onmicrosoft.com'),
			],
		});
		expect(res.status).toBe(200);
		const { stats } = emulator().latencyModel;
		expect(stats.mailSends).toBe(4);
		expect(stats.maxMailQueue).toBe(0);
		await admin('POST', { resetStats: true });
		const noRole = mintToken(emulator(), { roles: ['User.Read.All'] });
		const refused = await graph(
			emulator(),
			'POST',
			`/users/${MAILBOX}/sendMail`,
			noRole,
			sendMailMember(9).body,
		);
		expect(refused.status).toBe(403);
		expect(emulator().latencyModel.stats).toMatchObject({ delayedRequests: 1, mailSends: 0 });
	});

	test('admin API: reads and changes the settings, refuses nonsense, turns the model off', async () => {
		const before = await admin('GET');
		expect(before.body.settings).toEqual({
			enabled: true,
			requestMs: 1,
			mailProcessingMs: 25,
			mailConcurrency: 2,
		});
		expect((await admin('POST', { mailConcurrency: 0 })).status).toBe(400);
		expect((await admin('POST', { requestMs: 'slow' })).status).toBe(400);
		const changed = await admin('POST', { enabled: false, mailConcurrency: 3 });
		expect(changed.body.settings).toMatchObject({ enabled: false, mailConcurrency: 3 });
		const token = mintToken(emulator(), { roles: ['User.Read.All'] });
		await admin('POST', { resetStats: true });
		expect((await graph(emulator(), 'GET', '/users?$top=1', token)).status).toBe(200);
		expect(emulator().latencyModel.stats.delayedRequests).toBe(0);
		const defaults = await admin('POST', { defaults: true });
		expect(defaults.body.settings).toEqual({
			enabled: true,
			requestMs: 50,
			mailProcessingMs: 20,
			mailConcurrency: 4,
		});
	});
});
