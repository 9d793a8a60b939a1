/** Resource locator lists: mail folders of the chosen mailbox, searchable, paged by nextLink. */
import { NodeApiError, type ILoadOptionsFunctions, type INodeListSearchResult } from 'n8n-workflow';
import { getTransport, listSearchError } from '../../shared/node-common';
import type { MailboxRestriction } from '../../shared/auth/types';
import { assertMailboxAllowed, isRestricted } from '../../shared/credentials/validate';
import { mailboxOf } from '../mailbox';
import { odataString } from '../../shared/odata';

interface Folder {
	id: string;
	displayName: string;
	totalItemCount?: number;
}

export async function searchFolders(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const transport = await getTransport(this);
	const mailbox = mailboxOf(this.getCurrentNodeParameter('mailbox'));
	if (transport.scheme === 'application') {
		if (!mailbox) return { results: [] };
		assertMailboxAllowed(
			transport.provider.mailboxRestriction,
			mailbox,
			'Mailbox Restriction',
			this.getNode(),
		);
	}
	const base = mailbox ? `/users/${encodeURIComponent(mailbox)}` : '/me';
	const page = await transport.getPage<Folder>(paginationToken ?? `${base}/mailFolders`, {
		pageSize: 100,
		query: {
			$select: 'id,displayName,totalItemCount',
			$filter: filter ? `startswith(displayName,${odataString(filter)})` : undefined,
		},
	});
	return {
		results: page.items.map((f) => ({ name: f.displayName, value: f.id })),
		paginationToken: page.nextLink,
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
 * Mailboxes to send from (app-only): users with a mail address, from the directory, by display
 * name or address prefix, only those within the credential's Mailbox Restriction. Without
 * permission to read the directory (User.Read.All or similar), the restriction's own addresses.
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
