/**
 * Review (issue "Trust", promise 1/2): an SMTP send whose message was fully submitted (DATA
 * received by the server) but whose final reply was lost is a "may have been carried out"
 * failure. README: "items done (or possibly done) in an earlier try of the same execution are
 * not run again". The SMTP path builds a plain NodeOperationError that is never marked
 * `markMayHaveActed`, so the router's ledger does not record it and n8n's Retry On Fail sends
 * the mail again.
 */
import { useEmulator } from '../helpers/emulator';
import { ALICE, appCredential, REPORTS, runMail } from '../mail/helpers';

const emulator = useEmulator({ smtp: true });

type Conn = { session: { id: string }; _socket: { destroy(): void } };

/** The server accepts the message (records it), then the connection drops before "250". */
function loseReplyAfterData(times: number): () => void {
	const smtp = emulator().smtp as unknown as {
		server: {
			onData: (
				s: unknown,
				session: { id: string },
				cb: (e?: Error | null, m?: string) => void,
			) => void;
			connections: Set<Conn>;
		};
	};
	const server = smtp.server;
	const original = server.onData;
	let left = times;
	server.onData = function (stream, session, callback) {
		original.call(this, stream, session, (err, message) => {
			if (left > 0 && !err) {
				left -= 1;
				const conn = [...server.connections].find((c) => c.session?.id === session.id);
				conn?._socket.destroy();
				return;
			}
			callback(err, message);
		});
	};
	return () => {
		server.onData = original;
	};
}

test('SMTP: a message submitted but whose 250 was lost is not sent again by Retry On Fail', async () => {
	const emu = emulator();
	const restore = loseReplyAfterData(1);
	const before = emu.smtp!.received.length;
	let result;
	try {
		result = await runMail(
			{ kind: 'app', data: appCredential(emu) },
			{
				operation: 'send',
				sendVia: 'smtp',
				mailbox: REPORTS,
				toRecipients: ALICE,
				subject: 'review smtp lost reply',
				body: 'once',
			},
			[{ json: {} }],
			{ node: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 } as never },
		);
	} finally {
		restore();
	}
	const got = emu
		.smtp!.received.slice(before)
		.filter((m) => m.headers.subject === 'review smtp lost reply');
	// The first try's message reached the server; the item must not be sent a second time.
	expect(got).toHaveLength(1);
	// And the item's error should say it may have been sent.
	expect(
		String((result.error as { description?: string })?.description ?? result.error?.message),
	).toMatch(/may have been|check/i);
});
