/** Resource locator lists: mail folders of the chosen mailbox, searchable, paged by nextLink. */
import { type ILoadOptionsFunctions, type INodeListSearchResult } from 'n8n-workflow';
import { getTransport } from '../../shared/node-common';
import { assertMailboxAllowed } from '../../shared/credentials/validate';
import { mailboxOf } from '../../shared/mailbox';
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

export { searchMailboxes } from '../../shared/mailbox';
