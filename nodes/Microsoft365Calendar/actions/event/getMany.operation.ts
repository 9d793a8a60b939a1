import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { returnAllAndLimit } from '../../../shared/fields';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';
import type { GraphTransport } from '../../../shared/transport';
import { eventOutputFor, shapeEvent, type EventOutput } from '../../events';
import { resolveCalendarPath, resolveOwner } from '../../owner';
import { CALENDAR_VIEW_MAX_DAYS, preferTimeZone, readWindow, readZone, utcText } from '../../times';
import { readListings, type Listing } from '../../views';
import { calendarField, metadataOnlyOption, outputTimeZoneOption } from './fields';

const properties: INodeProperties[] = [
	calendarField,
	{
		displayName: 'Return',
		name: 'view',
		type: 'options',
		options: [
			{
				name: 'Occurrences in a Time Window (Calendar View)',
				value: 'calendarView',
				description:
					'Every occurrence between Start and End: recurring series expanded into their occurrences, exceptions included',
			},
			{
				name: 'Events as Stored (Series Not Expanded)',
				value: 'events',
				description:
					'Single events and series masters as stored, a series once (with its recurrence), not its occurrences',
			},
		],
		default: 'calendarView',
	},
	{
		displayName: 'Start',
		name: 'start',
		type: 'dateTime',
		default: '',
		required: true,
		description: `Start of the window (read in the output time zone unless it carries an offset). The window may span at most ${CALENDAR_VIEW_MAX_DAYS} days.`,
		displayOptions: { show: { view: ['calendarView'] } },
	},
	{
		displayName: 'End',
		name: 'end',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'End of the window',
		displayOptions: { show: { view: ['calendarView'] } },
	},
	...returnAllAndLimit(),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [metadataOnlyOption, outputTimeZoneOption],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['event'], operation: ['getMany'] } },
	properties,
);

// https://learn.microsoft.com/en-us/graph/api/user-list-calendarview
// https://learn.microsoft.com/en-us/graph/api/user-list-events
export const graphCalls = declareGraphCalls([
	// Every listing needs the same permission: the calendar view is declared as always made.
	{ method: 'GET', path: '/users/{id}/calendarView' },
	{
		method: 'GET',
		path: '/users/{id}/calendars/{id}/calendarView',
		when: 'Return is Calendar View and a Calendar is chosen',
	},
	{ method: 'GET', path: '/users/{id}/events', when: 'Return is Events as Stored' },
	{
		method: 'GET',
		path: '/users/{id}/calendars/{id}/events',
		when: 'Return is Events as Stored and a Calendar is chosen',
	},
	{ method: 'GET', path: '/users/{id}/calendars', when: 'the calendar is named by name' },
	{
		method: 'GET',
		path: '/me/calendarView',
		scheme: 'delegated',
		when: 'Calendar Owner is Me',
		// user-list-calendarview documents GET /me/calendarView; the catalogue lists only
		// /me/calendar/calendarView, with the same permissions.
		catalogueAs: '/me/calendar/calendarView',
	},
]);

/**
 * Events per page (`$top`): Outlook's largest page, 1,000 (documented for messages, "within the
 * range of 1 and 1000", https://learn.microsoft.com/en-us/graph/api/user-list-messages; assumed
 * the same for events). Fewer round trips: a year of 2,000 occurrences is 2 pages, not 20.
 */
const PAGE_SIZE = 1000;

interface Prepared {
	listing: Listing;
	output: EventOutput;
}

async function prepare(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	itemIndex: number,
): Promise<Prepared> {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const zone = readZone(
		ctx,
		options.outputTimeZone,
		'Output Time Zone',
		ctx.getTimezone(),
		itemIndex,
	);
	const view = ctx.getNodeParameter('view', itemIndex, 'calendarView') as string;
	const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (ctx.getNodeParameter('limit', itemIndex, 50) as number);
	const query: Record<string, string | number | undefined> = {};
	if (view === 'calendarView') {
		// Graph refuses windows over 1825 days (see times.ts); checked here, before any request.
		const { start, end } = readWindow(
			ctx,
			ctx.getNodeParameter('start', itemIndex, ''),
			ctx.getNodeParameter('end', itemIndex, ''),
			zone,
			{ maxDays: CALENDAR_VIEW_MAX_DAYS, limitNote: 'a calendar view spans', itemIndex },
		);
		query.startDateTime = utcText(start);
		query.endDateTime = utcText(end);
		query.$orderby = 'start/dateTime';
	}
	const output = await eventOutputFor(ctx, itemIndex);
	const owner = resolveOwner(ctx, transport, itemIndex);
	const calendar = await resolveCalendarPath(
		ctx,
		transport,
		owner,
		ctx.getNodeParameter('calendar', itemIndex, ''),
		{ itemIndex },
	);
	const base = calendar.id ? calendar.path : owner.path;
	query.$top = limit === undefined ? PAGE_SIZE : Math.min(PAGE_SIZE, Math.max(1, limit));
	return {
		output,
		listing: {
			mailbox: owner.key,
			path: `${base}/${view === 'calendarView' ? 'calendarView' : 'events'}`,
			query,
			headers: { Prefer: preferTimeZone(zone) },
			limit,
			itemIndex,
		},
	};
}

/**
 * Events of each item's calendar. One item: its pages one after another. Several items (e.g.
 * the calendars of many users): one `$batch` round per page, at most 4 requests per mailbox at
 * once (views.ts).
 */
export async function executeMany(
	this: IExecuteFunctions,
	itemIndexes: number[],
): Promise<(ItemResult | Error)[]> {
	const results: (ItemResult | Error)[] = itemIndexes.map(() => []);
	const prepared: Array<{ k: number; p: Prepared; transport: GraphTransport }> = [];
	for (const [k, itemIndex] of itemIndexes.entries()) {
		try {
			const transport = await getTransport(this, itemIndex);
			prepared.push({ k, p: await prepare(this, transport, itemIndex), transport });
		} catch (error) {
			results[k] = error as Error;
		}
	}
	if (prepared.length === 1) {
		const [{ k, p, transport }] = prepared;
		try {
			const events = await transport.collectAll<IDataObject>(p.listing.path, {
				query: p.listing.query,
				headers: p.listing.headers,
				limit: p.listing.limit,
				itemIndex: p.listing.itemIndex,
			});
			results[k] = events.map((e) => shapeEvent(e, p.output));
		} catch (error) {
			results[k] = error as Error;
		}
		return results;
	}
	// Items of one credential share a transport (one per execution and credential).
	const byTransport = new Map<GraphTransport, typeof prepared>();
	for (const entry of prepared)
		byTransport.set(entry.transport, [...(byTransport.get(entry.transport) ?? []), entry]);
	for (const [transport, entries] of byTransport) {
		const answers = await readListings(
			transport,
			entries.map((e) => e.p.listing),
		);
		answers.forEach((answer, n) => {
			const { k, p } = entries[n];
			results[k] = answer instanceof Error ? answer : answer.map((e) => shapeEvent(e, p.output));
		});
	}
	return results;
}
