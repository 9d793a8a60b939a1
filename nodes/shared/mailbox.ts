/**
 * Naming a mailbox (a user's or a room's): the app-only Mailbox resource locator (from the
 * directory, by address, by ID), its list method, and reading the parameter back. Shared by the
 * Mail node (Mailbox (From)) and the Calendar node and trigger (the calendar owner).
 */
import {
	NodeApiError,
	type ILoadOptionsFunctions,
	type INodeListSearchResult,
	type INodeProperties,
} from 'n8n-workflow';
import type { MailboxRestriction } from './auth/types';
import { assertMailboxAllowed, isRestricted } from './credentials/validate';
import { getTransport, listSearchError } from './node-common';
import { odataString } from './odata';

/**
 * The mailbox a parameter names: a plain string (a string field, or a locator saved before it
 * became one) or a resource locator value (`{ __rl, mode, value }`).
 */
export function mailboxOf(raw: unknown): string {
	if (raw && typeof raw === 'object' && 'value' in raw)
		return String((raw as { value?: unknown }).value ?? '').trim();
	return String(raw ?? '').trim();
}

/**
 * A required mailbox resource locator: from the directory (`searchMailboxes`, within the
 * credential's Mailbox Restriction), by address, or by object ID.
 */
export function mailboxLocator(
	fields: Pick<INodeProperties, 'displayName' | 'name' | 'description' | 'displayOptions'>,
): INodeProperties {
	return {
		...fields,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchMailboxes', searchable: true },
			},
			{
				displayName: 'By Address',
				name: 'address',
				type: 'string',
				placeholder: 'mailbox@your-domain',
				hint: "The mailbox's email address or user principal name",
				validation: [
					{
						type: 'regex',
						properties: {
							regex: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
							errorMessage: 'Enter an email address such as name@your-domain',
						},
					},
				],
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: '00000000-0000-0000-0000-000000000000',
				hint: "The user's object ID (Entra admin center → Users → the user → Overview)",
				validation: [
					{
						type: 'regex',
						properties: {
							regex:
								'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
							errorMessage: 'Enter an object ID (a GUID)',
						},
					},
				],
			},
		],
	};
}

interface DirectoryUser {
	id: string;
	displayName?: string;
	mail?: string | null;
	userPrincipalName?: string;
}

function allowed(restriction: MailboxRestriction | undefined, user: DirectoryUser): boolean {
	if (!isRestricted(restriction)) return true;
	for (const candidate of [user.mail, user.userPrincipalName, user.id]) {
		if (!candidate) continue;
		try {
			assertMailboxAllowed(restriction, candidate);
			return true;
		} catch {
			// next
		}
	}
	return false;
}

/**
 * Mailboxes (users and rooms with a mail address) from the directory, by display name or
 * address prefix, only those within the credential's Mailbox Restriction. Without permission
 * to read the directory (User.Read.All or similar), the restriction's own addresses.
 */
export async function searchMailboxes(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const transport = await getTransport(this);
	const restriction =
		transport.scheme === 'application' ? transport.provider.mailboxRestriction : undefined;
	const text = filter?.trim();
	try {
		const page = await transport.getPage<DirectoryUser>(paginationToken ?? '/users', {
			pageSize: paginationToken ? undefined : 100,
			query: paginationToken
				? undefined
				: {
						$select: 'id,displayName,mail,userPrincipalName',
						$filter: text
							? `startswith(displayName,${odataString(text)}) or startswith(mail,${odataString(text)})`
							: undefined,
					},
		});
		return {
			results: page.items
				.filter((u) => !!u.mail && allowed(restriction, u))
				.map((u) => ({
					name: `${u.displayName ?? u.mail} (${u.mail})`,
					value: String(u.mail),
				})),
			paginationToken: page.nextLink,
		};
	} catch (error) {
		const status = error instanceof NodeApiError ? Number(error.httpCode) : 0;
		if (status === 403 && restriction && restriction.addresses.length) {
			return {
				results: restriction.addresses
					.filter((a) => !text || a.startsWith(text.toLowerCase()))
					.map((a) => ({ name: a, value: a })),
			};
		}
		throw listSearchError(this.getNode(), 'mailboxes', error);
	}
}
