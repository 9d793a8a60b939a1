/**
 * Free/busy through `calendar: getSchedule`
 * (https://learn.microsoft.com/en-us/graph/api/calendar-getschedule): one POST for up to 100
 * users or rooms (assumed: the limit of Exchange's availability service, which getSchedule
 * uses; Graph's page does not state one), a window of at most 62 days, an availability view
 * in slots of 5 to 1,440 minutes. The view is also turned into a list of free/busy slots.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { GraphTransport } from '../shared/transport';
import { assertAddressesAllowed } from './events';
import { inputError } from './errors';
import type { CalendarOwner } from './owner';
import { graphDateTime, isoInZone, preferTimeZone, type Instant, type Zone } from './times';

export const MAX_SCHEDULES = 100;
export const MIN_INTERVAL = 5;
export const MAX_INTERVAL = 1440;

/** availabilityView digits (https://learn.microsoft.com/en-us/graph/api/resources/scheduleinformation). */
const STATUS: Record<string, string> = {
	'0': 'free',
	'1': 'tentative',
	'2': 'busy',
	'3': 'oof',
	'4': 'workingElsewhere',
};

export interface ScheduleRequest {
	owner: CalendarOwner;
	schedules: string[];
	start: Instant;
	end: Instant;
	interval: number;
	zone: Zone;
	itemIndex: number;
}

/** Checks the request (count, interval, Mailbox Restriction of every address): no request made. */
export function checkScheduleRequest(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	request: ScheduleRequest,
	field: string,
): void {
	const { schedules, interval, itemIndex } = request;
	if (!schedules.length)
		throw inputError(ctx.getNode(), field, 'enter at least one user or room address', itemIndex);
	if (schedules.length > MAX_SCHEDULES)
		throw inputError(
			ctx.getNode(),
			field,
			`${schedules.length} addresses; one free/busy request takes at most ${MAX_SCHEDULES}: split them over several items`,
			itemIndex,
		);
	if (!Number.isInteger(interval) || interval < MIN_INTERVAL || interval > MAX_INTERVAL)
		throw inputError(
			ctx.getNode(),
			'Interval (Minutes)',
			`${interval} is outside ${MIN_INTERVAL} to ${MAX_INTERVAL} minutes (Graph's availabilityViewInterval)`,
			itemIndex,
		);
	// getSchedule reads other mailboxes' calendars: with the app credential, every address must be
	// within the Mailbox Restriction (the transport checks only the path's mailbox).
	assertAddressesAllowed(ctx, transport, schedules, field, itemIndex);
}

/** One getSchedule call: the scheduleInformation of every address, in the order Graph gives. */
export async function getSchedule(
	transport: GraphTransport,
	request: ScheduleRequest,
): Promise<IDataObject[]> {
	const answer = await transport.request<{ value?: IDataObject[] }>({
		// A POST that only reads.
		effect: 'read',
		method: 'POST',
		url: `${request.owner.path}/calendar/getSchedule`,
		headers: { Prefer: preferTimeZone(request.zone) },
		body: {
			schedules: request.schedules,
			startTime: graphDateTime(request.start, request.zone),
			endTime: graphDateTime(request.end, request.zone),
			availabilityViewInterval: request.interval,
		},
		itemIndex: request.itemIndex,
	});
	return Array.isArray(answer.value) ? answer.value : [];
}

export interface Slot {
	status: string;
	start: string;
	end: string;
}

/**
 * The availability view as slots: runs of the same digit merged, each with its start and end in
 * the zone (ISO 8601 with offset; DST changes inside the window are counted in real minutes).
 */
export function slotsOf(
	view: string,
	start: Instant,
	end: Instant,
	interval: number,
	zone: Zone,
): Slot[] {
	const slots: Slot[] = [];
	const step = interval * 60_000;
	let i = 0;
	while (i < view.length) {
		let j = i;
		while (j < view.length && view[j] === view[i]) j++;
		const from = start + i * step;
		const to = Math.min(end, start + j * step);
		if (from >= end) break;
		slots.push({
			status: STATUS[view[i]] ?? 'unknown',
			start: isoInZone(from, zone.iana),
			end: isoInZone(to, zone.iana),
		});
		i = j;
	}
	return slots;
}

/** Whether a schedule is free for the whole window: every slot free, no error. */
export function isFree(info: IDataObject): boolean {
	if (info.error) return false;
	const view = String(info.availabilityView ?? '');
	return view.length > 0 && /^0+$/.test(view);
}
