/**
 * Graph calls a channel message makes for its mentions (declared by each posting operation).
 * Posting is delegated only (see ../../guard.ts), so every call is declared for that scheme.
 */
import { declareGraphCalls } from '../../../shared/operations';

export const MENTION_CALLS = declareGraphCalls([
	{ method: 'GET', path: '/users/{id}', scheme: 'delegated', when: 'a mention names a user' },
	{ method: 'GET', path: '/users', scheme: 'delegated', when: 'a mention names a user' },
	{ method: 'GET', path: '/teams/{id}', scheme: 'delegated', when: 'a team mention has no text' },
	{
		method: 'GET',
		path: '/teams/{id}/channels/{id}',
		scheme: 'delegated',
		when: 'a channel mention has no text',
	},
]);
