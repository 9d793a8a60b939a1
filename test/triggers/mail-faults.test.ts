/**
 * Mail Trigger (Download Attachments on) under a fault at every request position of a poll
 * round: after the fault clears, each message is emitted exactly once across the polls, the
 * state of a failed round is the state before it, and the requests are the expected ones
 * (the emulator's request log). Also an n8n restart between polls (static data through JSON).
 */
import { createHash } from 'node:crypto';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { useEmulator } from '../helpers/emulator';
import {
	ALICE,
	appCredential,
	BOB,
	delegatedCredential,
	graphRequests,
	locator,
	pollTrigger,
	runMail,
	type Auth,
} from '../mail/helpers';
import { exactPath, FAULT_KINDS, pathOf } from './faults';

const emulator = useEmulator();
let app: Auth;
let alice: Auth;
const params = {
	mailbox: ALICE,
	folder: locator('inbox'),
	options: { downloadAttachments: true },
};

beforeAll(async () => {
	const emu = emulator();
	app = { kind: 'app', data: appCredential(emu) };
	alice = { kind: 'delegated', data: await delegatedCredential(emu, ALICE) };
});

let counter = 0;
/** Bob sends Alice a message with one attachment (unique bytes); returns its subject and hash. */
async function arrive(): Promise<{ subject: string; sha: string }> {
	const subject = `fault-case message ${++counter}`;
	const bytes = Buffer.from(`attachment of ${subject} `.repeat(50));
	const r = await runMail(
		app,
		{
			operation: 'send',
			mailbox: BOB,
			toRecipients: ALICE,
			subject,
			body: subject,
			additionalFields: { attachments: 'data' },
		},
		[{ json: {}, binary: { data: { content: bytes, fileName: 'a.txt', mimeType: 'text/plain' } } }],
	);
	expect(r.error).toBeUndefined();
	return { subject, sha: createHash('sha256').update(bytes).digest('hex') };
}

async function emittedOf(output: INodeExecutionData[][] | null) {
	const out: Array<{ subject: string; sha?: string }> = [];
	for (const item of output?.[0] ?? []) {
		const b = item.binary?.attachment_0;
		out.push({
			subject: String(item.json.subject),
			sha: b ? createHash('sha256').update(Buffer.from(b.data, 'base64')).digest('hex') : undefined,
		});
	}
	return out;
}

interface Logged {
	method: string;
	path: string;
	status?: number;
}
function requests(mark: number): Logged[] {
	return graphRequests(emulator(), mark).map((e) => ({
		method: e.method,
		path: pathOf(e.url),
		status: e.status,
	}));
}

/** A baseline poll, then three messages: the round to fault. */
async function prepareRound() {
	const base = await pollTrigger(alice, params);
	expect(base.error).toBeUndefined();
	expect(base.output).toBeNull();
	const sent = [await arrive(), await arrive(), await arrive()];
	const box = emulator().mail.messages(ALICE);
	const ids = sent.map((s) => box.find((m) => m.subject === s.subject)!.id);
	return { state: base.staticData, sent, ids };
}

/** The round's requests in order, by name: the delta page, then per message its attachment list and file. */
function positionsOf(ids: string[], log: Logged[]): Array<{ name: string; path: string }> {
	const user = encodeURIComponent(ALICE);
	const named: Array<{ name: string; test: (p: string) => boolean }> = [
		{ name: 'delta page', test: (p) => p.endsWith('/messages/delta') },
	];
	ids.forEach((id, i) => {
		const msg = `/v1.0/users/${user}/messages/${encodeURIComponent(id)}`;
		named.push({
			name: `message ${i + 1}: attachment list`,
			test: (p) => p === `${msg}/attachments`,
		});
		named.push({
			name: `message ${i + 1}: attachment download`,
			test: (p) => p.startsWith(`${msg}/attachments/`) && p.endsWith('/$value'),
		});
	});
	return log.map((r) => {
		const found = named.find((n) => n.test(r.path));
		if (!found) throw new Error(`request ${r.method} ${r.path} has no named position`);
		return { name: found.name, path: r.path };
	});
}

const POSITIONS = [
	'delta page',
	...[1, 2, 3].flatMap((i) => [
		`message ${i}: attachment list`,
		`message ${i}: attachment download`,
	]),
];

let reference: Array<{ name: string; path: string }> = [];

test("reference round without faults: one delta page, then each message's attachment list and file; each message once", async () => {
	const { state, sent, ids } = await prepareRound();
	const mark = emulator().mark();
	const r = await pollTrigger(alice, params, state);
	expect(r.error).toBeUndefined();
	expect(await emittedOf(r.output)).toEqual(sent);
	const log = requests(mark);
	expect(log.every((e) => e.status === 200)).toBe(true);
	const named = positionsOf(ids, log);
	// Every request of the round is one named position, each once, in this order.
	expect(named.map((n) => n.name)).toEqual(POSITIONS);
	reference = named;
});

describe.each(POSITIONS.map((p, i) => [p, i] as const))('fault at %s', (position, index) => {
	test.each(FAULT_KINDS.map((k) => [k.name, k] as const))('%s', async (_name, kind) => {
		const emu = emulator();
		expect(reference).toHaveLength(POSITIONS.length);
		const { state, sent, ids } = await prepareRound();
		// This case's request at the position (its message IDs), as an exact path pattern.
		const user = encodeURIComponent(ALICE);
		const esc = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		const msgIndex = /^message (\d)/.exec(position)?.[1];
		const msg = msgIndex
			? esc(`/v1.0/users/${user}/messages/${encodeURIComponent(ids[Number(msgIndex) - 1])}`)
			: '';
		const pattern = !msgIndex
			? exactPath(
					pathOf(reference[index].path).replace(/^\/v1\.0\/users\/[^/]+/, `/v1.0/users/${user}`),
				)
			: position.endsWith('list')
				? `^${msg}/attachments$`
				: `^${msg}/attachments/[^/]+/\\$value$`;
		const atPosition = (p: string) => new RegExp(pattern, 'i').test(p);
		const emitted: Array<{ subject: string; sha?: string }> = [];

		emu.addFault({ ...kind.rule, method: 'GET', path: pattern, count: kind.rule.count ?? 1 });
		const mark = emu.mark();
		const faulted = await pollTrigger(alice, params, state);
		const log = requests(mark);
		emu.faults.clear();
		const atFault = log.filter((e) => atPosition(e.path));
		expect(atFault).toHaveLength(kind.attempts);

		let memory = faulted.staticData;
		if (kind.fails) {
			expect(faulted.error).toBeDefined();
			expect(faulted.output).toBeNull();
			// Nothing after the failed request; the state is exactly the state before the round.
			expect(log.length).toBe(index + kind.attempts);
			expect(log.slice(0, index).map((e) => e.path)).toEqual(
				positionsOf(ids, log.slice(0, index)).map((n) => n.path),
			);
			expect(faulted.staticData).toEqual(state);
			// The re-read: the whole round again, every message once.
			const mark2 = emu.mark();
			const again = await pollTrigger(alice, params, memory);
			expect(again.error).toBeUndefined();
			expect(positionsOf(ids, requests(mark2)).map((n) => n.name)).toEqual(POSITIONS);
			emitted.push(...(await emittedOf(again.output)));
			memory = again.staticData;
		} else {
			expect(faulted.error).toBeUndefined();
			expect(log.length).toBe(POSITIONS.length + kind.attempts - 1);
			emitted.push(...(await emittedOf(faulted.output)));
		}
		expect(emitted).toEqual(sent);

		// The state moved on: the next message alone, then nothing.
		const fourth = await arrive();
		const next = await pollTrigger(alice, params, memory);
		expect(next.error).toBeUndefined();
		emitted.push(...(await emittedOf(next.output)));
		const last = await pollTrigger(alice, params, next.staticData);
		expect(last.output).toBeNull();
		expect(emitted).toEqual([...sent, fourth]);
	});
});

test('n8n restart between polls: only the saved static data (through JSON) survives; nothing lost or repeated', async () => {
	// The baseline poll runs at activation; n8n saves static data after activating.
	const base = await pollTrigger(alice, params);
	let saved = JSON.parse(JSON.stringify(base.staticData)) as IDataObject;
	const emitted: Array<{ subject: string; sha?: string }> = [];

	const a = [await arrive(), await arrive()];
	const p1 = await pollTrigger(alice, params, saved);
	expect(p1.staticDataSaved).toBe(true);
	emitted.push(...(await emittedOf(p1.output)));
	saved = JSON.parse(JSON.stringify(p1.staticData)) as IDataObject;

	// A poll that emits nothing advances the state in memory only (n8n saves on emit).
	const p2 = await pollTrigger(alice, params, p1.staticData);
	expect(p2.output).toBeNull();
	expect(p2.staticDataSaved).toBe(false);

	// A round that fails at an attachment download (the case), then n8n restarts.
	const b = [await arrive(), await arrive()];
	const ids = b.map(
		(s) =>
			emulator()
				.mail.messages(ALICE)
				.find((m) => m.subject === s.subject)!.id,
	);
	emulator().addFault({
		kind: 'status',
		status: 500,
		method: 'GET',
		path: `^/v1\\.0/users/[^/]+/messages/${ids[1].replace(/[=]/g, '%3D')}/attachments/[^/]+/\\$value$`,
	});
	const p3 = await pollTrigger(alice, params, p2.staticData);
	emulator().faults.clear();
	expect(p3.error).toBeDefined();
	expect(p3.staticData).toEqual(p2.staticData);

	// Restart: a fresh run from the saved static data re-reads from the last emit.
	const mark = emulator().mark();
	const p4 = await pollTrigger(alice, params, JSON.parse(JSON.stringify(saved)) as IDataObject);
	expect(p4.error).toBeUndefined();
	emitted.push(...(await emittedOf(p4.output)));
	// One delta page; only the two new messages' attachments are fetched (the first two are in the seen-set).
	const names = requests(mark).map((e) => e.path);
	expect(names.filter((p) => p.endsWith('/messages/delta'))).toHaveLength(1);
	expect(names.filter((p) => p.endsWith('/$value'))).toHaveLength(2);
	const p5 = await pollTrigger(
		alice,
		params,
		JSON.parse(JSON.stringify(p4.staticData)) as IDataObject,
	);
	expect(p5.output).toBeNull();
	expect(emitted).toEqual([...a, ...b]);
});
