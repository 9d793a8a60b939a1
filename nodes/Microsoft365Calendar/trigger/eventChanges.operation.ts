/**
 * The Calendar trigger's poll: changes to the events (occurrences) of a rolling window of a
 * calendar, through Graph's calendarView delta (trigger/sync.ts), state in the node's static
 * data so that neither a restart nor a failure loses or repeats a change.
 *
 * - First poll (no state, or another calendar): a full sync of the window, pages streamed,
 *   keeping one short record per occurrence; nothing is emitted (the baseline).
 * - Later polls: the changes since the previous poll, one item per changed occurrence with
 *   `changeType` (`created`, `updated`, `cancelled`, `deleted`) and the event's fields (a deleted
 *   one: `id` and `removedReason`). The window moves at midnight UTC: see sync.ts.
 * - "Test step" / "Fetch Test Event" (manual mode): the most recently modified event of the
 *   window as a sample; the state is neither read nor written.
 *
 * State is committed like the Mail and Entra ID triggers commit it: after every item of the round
 * is built, in one synchronous block with no await after it. A failure anywhere before (any
 * page of any read) throws with the static data untouched, and the next poll reads the same
 * changes again. In n8n's legacy static data a throwing poll's in-memory mutations survive, and
 * static data reaches the database only when a poll emits; with durable poll cursors a throwing
 * poll's snapshot is discarded. Written last, the state is right either way; an advance lost to
 * a restart (a poll that emitted nothing) is read again, and the records drop what was emitted.
 */
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { getTransport } from '../../shared/node-common';
import { declareGraphCalls } from '../../shared/operations';
import { readPseudonymKey } from '../../shared/pseudonym';
import { shapeEvent, type EventOutput } from '../events';
import { resolveCalendarPath, resolveOwner } from '../owner';
import { readZone } from '../times';
import { DEFAULT_LOOK_AHEAD_DAYS, DEFAULT_LOOK_BACK_DAYS } from './description';
import { runRound, type CalendarState, type Change, type Window } from './sync';

export const operationInfo = {
	node: 'Microsoft 365 Calendar Trigger',
	resource: 'event',
	operation: 'event changes (poll)',
};

export const graphCalls = declareGraphCalls([
	{ method: 'GET', path: '/me/calendarView/delta', scheme: 'delegated' },
	{ method: 'GET', path: '/users/{id}/calendarView/delta' },
	{
		method: 'GET',
		path: '/users/{id}/calendars/{id}/calendarView/delta',
		when: 'a calendar other than the default is chosen',
	},
	{ method: 'GET', path: '/users/{id}/calendars', when: 'the calendar is given by name' },
	{ method: 'GET', path: '/users/{id}/calendarView', when: 'Test step (manual run)' },
]);

const STATE_KEY = 'calendarDelta';
const DAY = 24 * 3600_000;

/** Whole UTC days: today - lookBack .. today + lookAhead + 1 (exclusive). */
export function windowAt(now: number, lookBackDays: number, lookAheadDays: number): Window {
	const today = Math.floor(now / DAY) * DAY;
	const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');
	return { start: iso(today - lookBackDays * DAY), end: iso(today + (lookAheadDays + 1) * DAY) };
}

function days(ctx: IPollFunctions, name: string, fallback: number, max: number): number {
	const value = Number(ctx.getNodeParameter(name, fallback));
	return Number.isFinite(value) ? Math.min(Math.max(Math.floor(value), 0), max) : fallback;
}

const WANTED: Record<Change['changeType'], string> = {
	created: 'created',
	updated: 'updated',
	cancelled: 'cancelled',
	deleted: 'cancelled',
};

export async function poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const transport = await getTransport(this);
	// Checked before any request: app-only needs the mailbox, within the Mailbox Restriction.
	const owner = resolveOwner(this, transport);
	const wanted = this.getNodeParameter('events', []) as string[];
	const options = this.getNodeParameter('options', {}) as IDataObject;
	const window = windowAt(
		Date.now(),
		days(this, 'lookBackDays', DEFAULT_LOOK_BACK_DAYS, 365),
		days(this, 'lookAheadDays', DEFAULT_LOOK_AHEAD_DAYS, 1459),
	);
	// Checked before any request (Graph would refuse an unknown zone on every poll).
	const timeZone = readZone(
		this,
		options.outputTimeZone,
		'Output Time Zone',
		this.getTimezone(),
	).name;
	// The key is checked before any request, like the owner.
	const output: EventOutput = {
		metadataOnly: options.metadataOnly === true,
		pseudonymKey: this.getNodeParameter('pseudonymise', false)
			? await readPseudonymKey(this)
			: undefined,
	};
	const calendar = await resolveCalendarPath(
		this,
		transport,
		owner,
		this.getNodeParameter('calendar', ''),
	);
	// The default calendar's view is the owner's (`/me/calendarView`), another calendar's is its own.
	const viewPath = calendar.id ? `${calendar.path}/calendarView` : `${owner.path}/calendarView`;
	const shape = (changeType: string, event: IDataObject): INodeExecutionData => ({
		json: {
			changeType,
			// A deleted occurrence is only its ID: nothing to shape (Metadata Only would add
			// attendee and location counts of 0 it does not know).
			...(changeType === 'deleted' ? { id: event.id } : shapeEvent(event, output)),
			...(event.removedReason !== undefined ? { removedReason: event.removedReason } : {}),
		},
	});

	if (this.getMode() === 'manual') {
		const page = await transport.getPage<IDataObject>(viewPath, {
			pageSize: 1,
			query: {
				startDateTime: window.start,
				endDateTime: window.end,
				$orderby: 'lastModifiedDateTime desc',
			},
			headers: { Prefer: `outlook.timezone="${timeZone.replace(/"/g, '')}"` },
		});
		const event = page.items[0];
		if (!event) return null;
		const changeType =
			event.isCancelled === true
				? 'cancelled'
				: event.createdDateTime === event.lastModifiedDateTime
					? 'created'
					: 'updated';
		return [[shape(changeType, event)]];
	}

	const staticData = this.getWorkflowStaticData('node');
	const state = (staticData[STATE_KEY] ?? {}) as CalendarState;
	const key = `${owner.key}/${calendar.id ?? 'default'}`;
	const round = await runRound(
		{ transport, deltaPath: `${viewPath}/delta`, timeZone },
		state,
		window,
		key,
	);
	if (round.mode === 'resynced')
		this.logger.warn(
			'Graph no longer has the change state of the stored calendarView delta link (expired or reset); the trigger synced the window again and emits only what differs from the events it recorded',
			{ node: this.getNode().name },
		);
	const items = round.changes
		.filter((c) => wanted.includes(WANTED[c.changeType]))
		.map((c) => shape(c.changeType, c.event));

	// Commit: every item is built; no await from here to the return.
	staticData[STATE_KEY] = round.state as IDataObject;
	return items.length ? [items] : null;
}
