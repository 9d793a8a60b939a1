/**
 * Whose calendar an operation (or the Calendar trigger) acts on, and the paths under it.
 *
 * - Delegated: "Me" (`/me`, the default) or another user's or a room's mailbox
 *   (`/users/{upn-or-id}`, which needs that mailbox's calendar shared with the signed-in user,
 *   Calendars.Read.Shared / Calendars.ReadWrite.Shared).
 * - App-only: there is no signed-in user, so the mailbox is required, and it must be within the
 *   credential's Mailbox Restriction (checked here before any request, and again by the
 *   transport on every `/users/{id}/...` path).
 *
 * Calendars: the owner's default calendar (`/calendar`) or one of its calendars
 * (`/calendars/{id}`), chosen from a list, by ID or by name.
 * https://learn.microsoft.com/en-us/graph/api/resources/calendar
 */
import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeListSearchResult,
	INodeProperties,
	IPollFunctions,
} from 'n8n-workflow';
import { assertMailboxAllowed } from '../shared/credentials/validate';
import { mailboxLocator, mailboxOf } from '../shared/mailbox';
import { getTransport } from '../shared/node-common';
import { odataString } from '../shared/odata';
import type { GraphTransport } from '../shared/transport';
import { inputError } from './errors';

type Ctx = IExecuteFunctions | IPollFunctions;

/** The calendar owner, resolved: the path prefix and a key for per-mailbox limits. */
export interface CalendarOwner {
	/** `/me` or `/users/{encoded}`. */
	path: string;
	/** The mailbox as given (empty for the signed-in user). */
	mailbox: string;
	/** Key for per-mailbox limits (lower case; `me` for the signed-in user). */
	key: string;
}

/**
 * The owner parameters: Authentication decides which are shown. Put them right after the
 * Authentication and Resource parameters (one copy per node; the same names in the trigger).
 */
export function ownerProperties(
	displayOptions: INodeProperties['displayOptions'] = {},
): INodeProperties[] {
	const show = displayOptions.show ?? {};
	return [
		{
			displayName: 'Calendar Owner',
			name: 'calendarOwner',
			type: 'options',
			noDataExpression: true,
			options: [
				{ name: 'Me', value: 'me', description: 'The signed-in user' },
				{
					name: 'Another User or Room',
					value: 'other',
					description:
						"A user's or a room's mailbox whose calendar is shared with you (Calendars.Read.Shared / Calendars.ReadWrite.Shared)",
				},
			],
			default: 'me',
			displayOptions: { ...displayOptions, show: { ...show, authentication: ['delegated'] } },
		},
		mailboxLocator({
			displayName: 'Mailbox',
			name: 'mailbox',
			description: 'The user or room mailbox whose calendar to use',
			displayOptions: {
				...displayOptions,
				show: { ...show, authentication: ['delegated'], calendarOwner: ['other'] },
			},
		}),
		mailboxLocator({
			displayName: 'Mailbox',
			name: 'mailbox',
			description:
				"The user or room mailbox whose calendar the app uses. Only mailboxes within the credential's Mailbox Restriction are listed and accepted.",
			displayOptions: { ...displayOptions, show: { ...show, authentication: ['app'] } },
		}),
	];
}

function parameter(ctx: Ctx, name: string, fallback: unknown, itemIndex?: number): unknown {
	return 'getInputData' in ctx
		? (ctx as IExecuteFunctions).getNodeParameter(name, itemIndex ?? 0, fallback)
		: (ctx as IPollFunctions).getNodeParameter(name, fallback);
}

/** Checks a mailbox (UPN, address or object ID) against the app credential's Mailbox Restriction. */
export function assertOwnerAllowed(
	ctx: Ctx | ILoadOptionsFunctions,
	transport: GraphTransport,
	mailbox: string,
	field: string,
	itemIndex?: number,
): void {
	if (transport.scheme !== 'application') return;
	try {
		assertMailboxAllowed(transport.provider.mailboxRestriction, mailbox, 'Mailbox Restriction');
	} catch (error) {
		throw inputError(ctx.getNode(), field, (error as Error).message, itemIndex);
	}
}

/** The owner from raw parameter values (`calendarOwner`, `mailbox`); no request. */
export function ownerOf(
	ctx: Ctx | ILoadOptionsFunctions,
	transport: GraphTransport,
	choice: unknown,
	rawMailbox: unknown,
	itemIndex?: number,
): CalendarOwner {
	const app = transport.scheme === 'application';
	const mailbox = app || choice === 'other' ? mailboxOf(rawMailbox) : '';
	if (/[\r\n\s/?#]/.test(mailbox)) {
		throw inputError(
			ctx.getNode(),
			'Mailbox',
			`"${mailbox}" is not a mailbox: enter a UPN or address (alice@contoso.com) or an object ID`,
			itemIndex,
		);
	}
	if (!mailbox && (app || choice === 'other')) {
		throw inputError(
			ctx.getNode(),
			'Mailbox',
			app
				? 'app-only (client credentials) access has no signed-in user: choose the user or room mailbox whose calendar to use'
				: 'choose the user or room mailbox whose calendar to use, or set Calendar Owner to "Me"',
			itemIndex,
		);
	}
	if (!mailbox) return { path: '/me', mailbox: '', key: 'me' };
	assertOwnerAllowed(ctx, transport, mailbox, 'Mailbox', itemIndex);
	return { path: `/users/${encodeURIComponent(mailbox)}`, mailbox, key: mailbox.toLowerCase() };
}

/** The calendar owner of an item (action node) or of the poll (trigger); no request. */
export function resolveOwner(
	ctx: Ctx,
	transport: GraphTransport,
	itemIndex?: number,
): CalendarOwner {
	return ownerOf(
		ctx,
		transport,
		parameter(ctx, 'calendarOwner', 'me', itemIndex),
		parameter(ctx, 'mailbox', '', itemIndex),
		itemIndex,
	);
}

/** A calendar ID as a path segment: checked and encoded. */
export function calendarIdSegment(
	ctx: Ctx | ILoadOptionsFunctions,
	id: string,
	field = 'Calendar',
	itemIndex?: number,
): string {
	if (/[\s/?#]/.test(id))
		throw inputError(
			ctx.getNode(),
			field,
			`"${id}" is not a calendar ID (IDs have no spaces or slashes): pick the calendar from the list or switch to "By Name"`,
			itemIndex,
		);
	return encodeURIComponent(id);
}

/**
 * The path of a calendar of the owner: `/me/calendar` (the default calendar, when no ID is
 * given) or `/users/{id}/calendars/{id}`.
 */
export function calendarPath(owner: CalendarOwner, calendarId?: string): string {
	return calendarId
		? `${owner.path}/calendars/${encodeURIComponent(calendarId)}`
		: `${owner.path}/calendar`;
}

/**
 * A calendar resource locator (list / by ID / by name). Not required: empty means the owner's
 * default calendar, unless `required`.
 */
export function calendarLocator(
	fields: Pick<INodeProperties, 'displayName' | 'name' | 'description' | 'displayOptions'> & {
		required?: boolean;
	},
): INodeProperties {
	return {
		...fields,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: fields.required ?? false,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: fields.required ? 'Select a calendar…' : 'Default calendar',
				typeOptions: { searchListMethod: 'searchCalendars', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'AAMkAGI2TGuLAAA=',
				hint: 'The "id" of a calendar from Calendar → Get Many',
			},
			{
				displayName: 'By Name',
				name: 'name',
				type: 'string',
				placeholder: 'Team Holidays',
				hint: "The calendar's name as Outlook shows it (exact, not case-sensitive)",
			},
		],
	};
}

/** A resource locator's mode and value. */
export function locatorValue(raw: unknown): { mode: string; value: string } {
	if (raw && typeof raw === 'object' && 'value' in raw) {
		const rl = raw as { mode?: unknown; value?: unknown };
		return { mode: String(rl.mode ?? 'id'), value: String(rl.value ?? '').trim() };
	}
	return { mode: 'id', value: String(raw ?? '').trim() };
}

/**
 * The calendar a locator names, as a path: empty → the owner's default calendar (unless
 * `required`), by ID / from the list → `/calendars/{id}`, by name → one request listing the
 * owner's calendars with that name (`$filter=name eq '…'`).
 */
export async function resolveCalendarPath(
	ctx: Ctx,
	transport: GraphTransport,
	owner: CalendarOwner,
	raw: unknown,
	options: { field?: string; required?: boolean; itemIndex?: number } = {},
): Promise<{ path: string; id?: string }> {
	const field = options.field ?? 'Calendar';
	const { mode, value } = locatorValue(raw);
	if (!value) {
		if (options.required)
			throw inputError(
				ctx.getNode(),
				field,
				'choose a calendar from the list, or enter its ID or name',
				options.itemIndex,
			);
		return { path: calendarPath(owner) };
	}
	if (mode !== 'name') {
		calendarIdSegment(ctx, value, field, options.itemIndex);
		return { path: calendarPath(owner, value), id: value };
	}
	const page = await transport.request<{ value: IDataObject[] }>({
		effect: 'read',
		method: 'GET',
		url: `${owner.path}/calendars`,
		query: { $filter: `name eq ${odataString(value)}` },
		itemIndex: options.itemIndex,
	});
	const match = page.value.find((c) => String(c.name).toLowerCase() === value.toLowerCase());
	if (!match)
		throw inputError(
			ctx.getNode(),
			field,
			`no calendar named "${value}" in ${owner.mailbox || 'your'} calendars: check the name, or pick the calendar from the list`,
			options.itemIndex,
		);
	const id = String(match.id);
	return { path: calendarPath(owner, id), id };
}

/** Calendars of the chosen owner, for the calendar locators; searchable by name prefix. */
export async function searchCalendars(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const transport = await getTransport(this);
	let choice: unknown = 'me';
	let rawMailbox: unknown = '';
	try {
		choice = this.getCurrentNodeParameter('calendarOwner') ?? 'me';
	} catch {
		// not shown (app-only)
	}
	try {
		rawMailbox = this.getCurrentNodeParameter('mailbox') ?? '';
	} catch {
		// not shown (Me)
	}
	if (transport.scheme === 'application' && !mailboxOf(rawMailbox)) return { results: [] };
	const owner = ownerOf(this, transport, choice, rawMailbox);
	const text = filter?.trim();
	const page = await transport.getPage<{ id: string; name: string; isDefaultCalendar?: boolean }>(
		paginationToken ?? `${owner.path}/calendars`,
		{
			pageSize: paginationToken ? undefined : 100,
			query: paginationToken
				? undefined
				: {
						// No $select: calendars are small, and the emulator's answers to a $select of
						// calendars lack the @odata.etag its own contract check requires.
						$filter: text ? `startswith(name,${odataString(text)})` : undefined,
					},
		},
	);
	return {
		results: page.items.map((c) => ({
			name: c.isDefaultCalendar ? `${c.name} (default)` : c.name,
			value: c.id,
		})),
		paginationToken: page.nextLink,
	};
}
