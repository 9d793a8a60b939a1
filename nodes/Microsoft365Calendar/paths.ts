/** Paths of events under a calendar owner, the IDs checked and encoded. */
import type { IExecuteFunctions } from 'n8n-workflow';
import { inputError } from './errors';
import { isDotSegment, type CalendarOwner } from './owner';

/** `/me/events/{id}` or `/users/{id}/events/{id}` (an event ID is unique in its mailbox). */
export function eventPath(
	ctx: IExecuteFunctions,
	owner: CalendarOwner,
	rawId: unknown,
	itemIndex: number,
	field = 'Event ID',
): string {
	const id = String(rawId ?? '').trim();
	if (!id || /[\s/?#]/.test(id) || isDotSegment(id))
		throw inputError(
			ctx.getNode(),
			field,
			id
				? `"${id}" is not an event ID (IDs have no spaces or slashes)`
				: 'enter the ID of the event (the "id" of an event from Get Many, Create or the trigger)',
			itemIndex,
		);
	return `${owner.path}/events/${encodeURIComponent(id)}`;
}
