/**
 * 1. Send 1,000 mails (no attachments) and 2. send 50 mails with a 10 MB attachment, app-only
 * from one mailbox: n8n's Microsoft Outlook v2 (Service Principal credential) against our
 * Microsoft 365 Mail node (app credential), the same app registration (Bulk Mailer: Mail.Send,
 * and Mail.ReadWrite for the drafts large attachments need).
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateItems, readFiles, rl } from '../lib/workflow';
import { measuredNode, planWith, type BenchContext, type Scenario, type SideName } from './types';

const BATCH = 20;
const ATTACHMENT_BYTES = 10 * 1024 * 1024;
/** Outlook's attachment upload sessions take at most 4 MiB per request. */
const ATTACHMENT_CHUNK = 4 * 1024 * 1024;

const sendCount = (ctx: BenchContext) => (ctx.quick ? 200 : 1000);
const attachmentCount = (ctx: BenchContext) => (ctx.quick ? 10 : 50);

function plan(ctx: BenchContext, side: SideName, attachment: boolean) {
	const common = { subject: '=Benchmark {{ $itemIndex }}', toRecipients: ctx.ids.recipient };
	const node =
		side === 'built-in'
			? measuredNode(ctx, 'Send', {
					type: 'n8n-nodes-base.microsoftOutlook',
					typeVersion: 2,
					credential: 'builtin-mail',
					parameters: {
						...common,
						authentication: 'microsoftEntraServicePrincipalApi',
						mailbox: rl(ctx.ids.mailbox),
						resource: 'message',
						operation: 'send',
						bodyContent: 'Benchmark message',
						additionalFields: attachment
							? { attachments: { attachments: [{ binaryPropertyName: 'data' }] } }
							: {},
					},
				})
			: measuredNode(ctx, 'Send', {
					type: 'microsoft365Mail',
					typeVersion: 1,
					credential: 'ours-mail',
					parameters: {
						...common,
						authentication: 'app',
						resource: 'message',
						operation: 'send',
						mailbox: ctx.ids.mailbox,
						bodyType: 'text',
						body: 'Benchmark message',
						additionalFields: attachment ? { attachments: 'data' } : {},
						options: {},
					},
				});
	const source = attachment
		? readFiles(join(ctx.bench.dataDir, 'attachments', '*.bin'))
		: generateItems(sendCount(ctx));
	return planWith(attachment ? 'attachments' : 'send', side, node, [source], true);
}

export const sendMail: Scenario = {
	id: 'send',
	title: 'Send 1,000 mails',
	items: sendCount,
	timeoutMs: 15 * 60_000,
	plan: (ctx, side) => plan(ctx, side, false),
	limit(ctx) {
		const n = sendCount(ctx);
		const { requestMs: l, mailProcessingMs: p, mailConcurrency: c } = ctx.latency;
		const requests = Math.ceil(n / BATCH);
		return {
			ms: requests * l + (n * p) / c,
			formula: `${requests} batches x ${l} ms + ${n} x ${p} ms / ${c}`,
		};
	},
	target: '>= 8x faster than the built-in, <= 60 requests',
};

/** Share of sendMail calls (batch members included) answered with a transient 429. */
const FAULT_RATIO = 0.2;

export const sendWithFaults: Scenario = {
	id: 'send-faults',
	title: 'Send 1,000 mails, 20% transient faults',
	items: sendCount,
	timeoutMs: 15 * 60_000,
	async prepare(ctx) {
		// 20% of the sendMail calls answered 429 (Retry-After: 0, so the row measures the
		// requests and rounds the faults cost, not a wait Graph asked for).
		await ctx.bench.admin('POST', 'faults', {
			kind: 'status',
			status: 429,
			code: 'ApplicationThrottled',
			retryAfter: 0,
			ratio: FAULT_RATIO,
			path: '^/v1\\.0/users/[^/]+/sendMail',
		});
	},
	async cleanup(ctx) {
		await ctx.bench.admin('DELETE', 'faults');
	},
	plan: (ctx, side) =>
		side === 'ours'
			? plan(ctx, side, false)
			: { unavailable: 'compared with our fault-free run (row 1), not with the built-in' },
	limit: (ctx) => sendMail.limit(ctx),
	target: '<= 1.3x the fault-free run (exactly once each is proven in test/mail/bulk.test.ts)',
};

export const sendAttachments: Scenario = {
	id: 'attachments',
	title: 'Send 50 mails with a 10 MB attachment',
	items: attachmentCount,
	bytes: (ctx) => attachmentCount(ctx) * ATTACHMENT_BYTES,
	timeoutMs: 15 * 60_000,
	async prepare(ctx) {
		const dir = join(ctx.bench.dataDir, 'attachments');
		mkdirSync(dir, { recursive: true });
		const block = randomBytes(1024 * 1024);
		for (let i = 0; i < attachmentCount(ctx); i++) {
			const out = createWriteStream(join(dir, `report-${String(i).padStart(2, '0')}.bin`));
			for (let m = 0; m < ATTACHMENT_BYTES / block.length; m++)
				if (!out.write(block)) await once(out, 'drain');
			out.end();
			await once(out, 'close');
		}
	},
	plan: (ctx, side) => plan(ctx, side, true),
	notes: {
		'built-in':
			"n8n's node can't: it puts attachments inline in one sendMail, and Graph takes at most 4 MB per request",
	},
	limit(ctx) {
		const n = attachmentCount(ctx);
		const { requestMs: l, mailProcessingMs: p, mailConcurrency: c } = ctx.latency;
		// Drafts, upload sessions and sends batched 20 at a time; attachment bytes in 4 MiB PUTs.
		const batched = 3 * Math.ceil(n / BATCH);
		const puts = n * Math.ceil(ATTACHMENT_BYTES / ATTACHMENT_CHUNK);
		const bytes = n * ATTACHMENT_BYTES;
		const transfer = ctx.loopbackBytesPerSecond ? (bytes / ctx.loopbackBytesPerSecond) * 1000 : 0;
		return {
			ms: (batched + puts) * l + (n * p) / c + transfer,
			formula: `(${batched} batches + ${puts} chunk PUTs) x ${l} ms + ${n} x ${p} ms / ${c}${
				transfer ? ` + ${Math.round(bytes / 1048576)} MiB at loopback speed` : ''
			}`,
		};
	},
};
