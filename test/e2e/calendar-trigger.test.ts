/**
 * The Microsoft 365 Calendar Trigger in a real n8n, across a restart of that n8n.
 *
 * A second n8n of its own (user folder and database in a temporary directory, the stack's
 * emulator) runs an active workflow "Calendar Trigger → NoOp" on a room's calendar with the
 * Room Booking app credential (Mailbox Restriction: the rooms and the service desk), polling
 * every minute. The first poll (at activation) records the window and emits nothing. Then a
 * single event is created, an existing one updated and one occurrence of a recurring series
 * cancelled by its organizer: the next poll's execution has exactly those 3 items. n8n is
 * stopped (SIGTERM, waited for) and started again on the same user folder: after its polls no
 * execution repeats any of them. One more update is then emitted once, alone. Every count is
 * over all executions of the workflow: each change (occurrence ID and changeType) exactly once.
 *
 * Waits are for outcomes (a delta request in the emulator's request log, an execution), each up
 * to ~150 s: n8n polls at most once a minute.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_TYPE, demoCredentialData } from '../../scripts/e2e/demo';
import {
	freePort,
	linkPackage,
	N8nClient,
	PACKAGE_NAME,
	startN8nProcess,
	waitFor,
	type Execution,
	type N8nProcess,
} from '../../scripts/e2e/stack';
import { e2e, nodeOutput, type LogEntry } from './helpers';

const ctx = e2e();

const ROOM = 'room-4@contoso.onmicrosoft.com';
const TRIGGER = 'Calendar Trigger';
const STEP_MS = 150_000;
const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** A Graph event body on day `dayOffset` from today (UTC) at `hour`:00 UTC, one hour long. */
function eventOnDay(subject: string, dayOffset: number, hour: number, extra: object = {}) {
	const start = new Date(Math.floor(Date.now() / DAY) * DAY + dayOffset * DAY + hour * HOUR);
	const end = new Date(start.getTime() + HOUR);
	const dt = (d: Date) => ({ dateTime: d.toISOString().replace('Z', ''), timeZone: 'UTC' });
	return { subject, start: dt(start), end: dt(end), ...extra };
}

const calendarPath = (path: string) =>
	`calendar/${path}${path.includes('?') ? '&' : '?'}user=${encodeURIComponent(ROOM)}`;

/** The room's calendarView delta requests (the trigger's polls) answered since `mark`. */
async function deltaPolls(mark: number): Promise<LogEntry[]> {
	return (await ctx.logSince(mark)).filter((e) => {
		const url = decodeURIComponent(e.url).toLowerCase();
		return (
			!url.startsWith('/_emulator/') &&
			url.includes('/calendarview/delta') &&
			url.includes(ROOM) &&
			e.handled &&
			e.status === 200
		);
	});
}

async function waitForPolls(what: string, mark: number, count = 1): Promise<LogEntry[]> {
	return await waitFor(
		what,
		async () => {
			const polls = await deltaPolls(mark);
			return polls.length >= count ? polls : undefined;
		},
		STEP_MS,
		1000,
	);
}

const sleep = async (ms: number) => await new Promise((r) => setTimeout(r, ms));

describe('Calendar Trigger in a real n8n: created, updated and a cancelled occurrence, each emitted once across a restart', () => {
	let workDir: string;
	let userFolder: string;
	let n8n: N8nProcess | undefined;
	let client: N8nClient;
	let workflowId = '';
	let active = false;
	const ids: Record<string, string> = {};
	/** (change key) → the changes the test expects so far, each exactly once. */
	const expected = new Map<string, string>();

	async function start(): Promise<void> {
		const port = await freePort();
		let brokerPort = await freePort();
		while (brokerPort === port) brokerPort = await freePort();
		n8n = await startN8nProcess({
			port,
			brokerPort,
			userFolder,
			caFile: ctx.state.caFile,
			logFile: join(workDir, 'n8n.log'),
		});
		const apiKey = client?.apiKey;
		client = new N8nClient(n8n.url);
		client.apiKey = apiKey ?? '';
	}

	/** SIGTERM to n8n's process group, then wait for it to exit by itself (up to 60 s). */
	async function stopGracefully(): Promise<{ code: number | null; signal: string | null }> {
		const child = n8n!.child;
		const exited = new Promise<void>((resolve) => {
			if (child.exitCode !== null || child.signalCode !== null) resolve();
			else child.once('exit', () => resolve());
		});
		process.kill(-child.pid!, 'SIGTERM');
		await Promise.race([exited, sleep(60_000)]);
		const how = { code: child.exitCode, signal: child.signalCode as string | null };
		await n8n!.stop(); // closes the log (and kills the group if it is still there)
		n8n = undefined;
		return how;
	}

	/** Every execution of the workflow (finished), oldest first. */
	async function executions(): Promise<Execution[]> {
		const all: Execution[] = [];
		let cursor: string | undefined;
		do {
			const page = await client.api<{ data: Execution[]; nextCursor?: string | null }>(
				'GET',
				`/executions?workflowId=${workflowId}&includeData=true&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
			);
			all.push(...page.data);
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		return all.sort((a, b) => Number(a.id) - Number(b.id));
	}

	async function waitForExecutions(what: string, count: number): Promise<Execution[]> {
		return await waitFor(
			what,
			async () => {
				const list = await executions();
				const done = list.every((e) => !['new', 'running', 'waiting'].includes(e.status));
				return list.length >= count && done ? list : undefined;
			},
			STEP_MS,
			1000,
		);
	}

	/** Items emitted across all executions, as `changeType:id` → count. */
	function tally(list: Execution[]): Map<string, number> {
		const counts = new Map<string, number>();
		for (const execution of list)
			for (const item of nodeOutput(execution, TRIGGER)) {
				const key = `${String(item.changeType)}:${String(item.id)}`;
				counts.set(key, (counts.get(key) ?? 0) + 1);
			}
		return counts;
	}

	beforeAll(async () => {
		workDir = mkdtempSync(join(tmpdir(), 'm365-calendar-trigger-n8n-'));
		userFolder = join(workDir, 'n8n');
		linkPackage(userFolder, ctx.state.staged.dir);
		await start();
		await client.setupOwner();
		await client.createApiKey();

		// Seeded before activation: part of the baseline.
		const admin = ctx.admin;
		ids.toUpdate = (
			await admin('POST', calendarPath('events'), eventOnDay('e2e trigger: to update', 2, 10))
		).id;
		await admin('POST', calendarPath('events'), eventOnDay('e2e trigger: kept', 2, 12));
		const seriesStart = eventOnDay('e2e trigger: daily series', 3, 8);
		const master = await admin('POST', calendarPath('events'), {
			...seriesStart,
			recurrence: {
				pattern: { type: 'daily', interval: 1 },
				range: {
					type: 'numbered',
					startDate: seriesStart.start.dateTime.slice(0, 10),
					numberOfOccurrences: 5,
				},
			},
		});
		ids.master = master.id;
		const from = new Date(Math.floor(Date.now() / DAY) * DAY).toISOString();
		const to = new Date(Math.floor(Date.now() / DAY) * DAY + 31 * DAY).toISOString();
		const view = await admin<{ events: Array<{ id: string; seriesMasterId?: string }> }>(
			'GET',
			calendarPath(`view?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`),
		);
		const occurrences = view.events.filter((e) => e.seriesMasterId === master.id);
		expect(occurrences).toHaveLength(5);
		ids.occurrence = occurrences[2].id;

		const data = (await demoCredentialData(ctx))['m365-demo-room-booking'];
		expect(String(data.mailboxRestriction)).toContain(ROOM);
		const credential = await client.createCredential(
			'calendar trigger: Room Booking (rooms)',
			APP_TYPE,
			data,
		);
		const created = await client.rest<{ id: string; versionId: string }>('POST', '/workflows', {
			name: 'e2e: Calendar Trigger (room-4) → NoOp',
			settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
			active: false,
			nodes: [
				{
					id: 'trigger',
					name: TRIGGER,
					type: `${PACKAGE_NAME}.microsoft365CalendarTrigger`,
					typeVersion: 1,
					position: [0, 0],
					parameters: {
						authentication: 'app',
						mailbox: { __rl: true, mode: 'address', value: ROOM },
						calendar: { __rl: true, mode: 'list', value: '' },
						events: ['created', 'updated', 'cancelled'],
						lookBackDays: 1,
						lookAheadDays: 30,
						pollTimes: { item: [{ mode: 'everyMinute' }] },
						options: {},
					},
					credentials: { [APP_TYPE]: { id: credential.id, name: credential.name } },
				},
				{
					id: 'noop',
					name: 'NoOp',
					type: 'n8n-nodes-base.noOp',
					typeVersion: 1,
					position: [240, 0],
					parameters: {},
				},
			],
			connections: { [TRIGGER]: { main: [[{ node: 'NoOp', type: 'main', index: 0 }]] } },
		});
		workflowId = created.id;
	}, 400_000);

	afterAll(async () => {
		if (n8n && active)
			await client
				.rest('POST', `/workflows/${workflowId}/deactivate`, {})
				.catch((error) => process.stderr.write(`deactivate: ${String(error)}\n`));
		await n8n?.stop();
		if (workDir && !/^(1|true)$/i.test(process.env.M365_E2E_KEEP ?? ''))
			rmSync(workDir, { recursive: true, force: true, maxRetries: 3 });
	}, 120_000);

	test('activation: the first poll (a calendarView delta of the window) records it and emits nothing', async () => {
		const mark = await ctx.mark();
		await client.rest('POST', `/workflows/${workflowId}/activate`, {
			versionId: (await client.rest<{ versionId: string }>('GET', `/workflows/${workflowId}`))
				.versionId,
		});
		active = true;
		const [first] = await waitForPolls('the first poll', mark);
		// The window's first round: startDateTime and endDateTime, no token yet.
		expect(decodeURIComponent(first.url)).toMatch(/startDateTime=.*endDateTime=/);
		expect(first.auth).toMatchObject({ scheme: 'application' });
		// A scheduled poll after it (the baseline is in memory): still nothing emitted.
		const next = await ctx.mark();
		await waitForPolls('a scheduled poll after the first', next);
		expect(await executions()).toEqual([]);
	});

	test('created, updated and a cancelled occurrence: the next poll emits exactly these 3', async () => {
		// Right after a poll, so that all three land before the next one (a minute later).
		const mark = await ctx.mark();
		await waitForPolls('a poll to start the changes after', mark);
		const admin = ctx.admin;
		ids.created = (
			await admin('POST', calendarPath('events'), eventOnDay('e2e trigger: created', 4, 14))
		).id;
		await admin('PATCH', calendarPath(`events/${encodeURIComponent(ids.toUpdate)}`), {
			subject: 'e2e trigger: updated',
		});
		await admin('POST', calendarPath(`events/${encodeURIComponent(ids.occurrence)}/cancel`), {
			comment: 'not this day',
		});

		const list = await waitForExecutions('the execution of the changes', 1);
		expect(list).toHaveLength(1);
		expect(list[0].status).toBe('success');
		const items = nodeOutput(list[0], TRIGGER);
		const byId = new Map(items.map((i) => [String(i.id), i]));
		expect(items).toHaveLength(3);
		expect(byId.get(ids.created)).toMatchObject({
			changeType: 'created',
			subject: 'e2e trigger: created',
		});
		expect(byId.get(ids.toUpdate)).toMatchObject({
			changeType: 'updated',
			subject: 'e2e trigger: updated',
		});
		// Cancelled by its organizer (the room): Graph removes the occurrence from the organizer's
		// calendar (`@removed`), which the trigger reports as "deleted" (trigger/sync.ts).
		expect(byId.get(ids.occurrence)).toEqual({
			changeType: 'deleted',
			id: ids.occurrence,
			removedReason: 'deleted',
		});
		// The NoOp got them too: the workflow ran through.
		expect(nodeOutput(list[0], 'NoOp')).toHaveLength(3);
		for (const item of items) expected.set(`${item.changeType}:${item.id}`, item.changeType);

		// The poll after it emits nothing (the same changes are not read twice).
		const after = await ctx.mark();
		await waitForPolls('the poll after the changes', after);
		await sleep(3000);
		expect(await executions()).toHaveLength(1);
	});

	test('n8n stopped (SIGTERM) and started again on the same folder: nothing is emitted again', async () => {
		expect(expected.size).toBe(3);
		const how = await stopGracefully();
		// It ended by itself on SIGTERM (not killed after the grace period).
		expect(how.signal).not.toBe('SIGKILL');
		expect(how.code !== null || how.signal !== null).toBe(true);

		const mark = await ctx.mark();
		await start();
		await client.login();
		// The workflow is active again after the restart.
		const workflow = await client.rest<{ active?: boolean; activeVersionId?: string | null }>(
			'GET',
			`/workflows/${workflowId}`,
		);
		expect(workflow.active === true || Boolean(workflow.activeVersionId)).toBe(true);
		// The poll at activation after the start and a scheduled one.
		const polls = await waitForPolls('two polls after the restart', mark, 2);
		// The state survived: incremental reads of the stored deltaLink, no new round of the window.
		for (const poll of polls) expect(decodeURIComponent(poll.url)).toMatch(/deltatoken/i);
		await sleep(3000);

		const list = await executions();
		expect(list).toHaveLength(1);
		const counts = tally(list);
		expect([...counts.keys()].sort()).toEqual([...expected.keys()].sort());
		for (const key of expected.keys()) expect([key, counts.get(key)]).toEqual([key, 1]);
	});

	test('one more update after the restart: the next poll emits exactly it, once', async () => {
		const mark = await ctx.mark();
		await waitForPolls('a poll to start the change after', mark);
		await ctx.admin('PATCH', calendarPath(`events/${encodeURIComponent(ids.created)}`), {
			subject: 'e2e trigger: created, then renamed',
		});
		const list = await waitForExecutions('the execution of the update', 2);
		expect(list).toHaveLength(2);
		expect(list[1].status).toBe('success');
		const items = nodeOutput(list[1], TRIGGER);
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({
			changeType: 'updated',
			id: ids.created,
			subject: 'e2e trigger: created, then renamed',
		});
		expected.set(`updated:${ids.created}`, 'updated');

		// Across every execution of the workflow: each change exactly once, nothing else.
		const after = await ctx.mark();
		await waitForPolls('the poll after the update', after);
		await sleep(3000);
		const all = await executions();
		expect(all).toHaveLength(2);
		const counts = tally(all);
		expect([...counts.keys()].sort()).toEqual([...expected.keys()].sort());
		for (const key of expected.keys()) expect([key, counts.get(key)]).toEqual([key, 1]);
	});
});
