/**
 * People named in mentions and chat recipients: by object ID, UPN or mail address, resolved to
 * directory users before anything is posted (an unknown one fails the item, naming it and the
 * field). Results are kept per transport (one execution), so a run looks each person up once.
 */
import { NodeOperationError, type IExecuteFunctions, type INode } from 'n8n-workflow';
import { odataString } from '../shared/odata';
import type { GraphTransport } from '../shared/transport';

export interface DirectoryUser {
	id: string;
	displayName: string;
	userPrincipalName?: string;
	mail?: string | null;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SELECT = 'id,displayName,userPrincipalName,mail';

const cache = new WeakMap<GraphTransport, Map<string, Promise<DirectoryUser | undefined>>>();

async function lookUp(
	transport: GraphTransport,
	ref: string,
	itemIndex: number,
): Promise<DirectoryUser | undefined> {
	if (GUID.test(ref)) {
		const response = await transport.send<DirectoryUser>({
			effect: 'read',
			url: `/users/${ref}`,
			query: { $select: SELECT },
			acceptStatus: [404],
			itemIndex,
		});
		return response.status === 404 ? undefined : response.body;
	}
	// A UPN and a mail address differ for some users: one query finds either.
	const page = await transport.getPage<DirectoryUser>('/users', {
		query: {
			$filter: `userPrincipalName eq ${odataString(ref)} or mail eq ${odataString(ref)}`,
			$select: SELECT,
			$top: 2,
		},
		itemIndex,
	});
	return page.items[0];
}

/** Splits "a@x, b@x; c" into trimmed, non-empty entries. */
export function splitPeople(value: unknown): string[] {
	const list = Array.isArray(value) ? value.map(String) : String(value ?? '').split(/[,;\n]/);
	return list.map((s) => s.trim()).filter(Boolean);
}

/** Resolves people (ID, UPN or mail) to users; throws naming the first unknown one and the field. */
/**
 * The Recipients of an item sent to people (none for an existing chat), checked not to be empty;
 * `note` ends the error's description.
 */
export function readRecipients(
	ctx: IExecuteFunctions,
	itemIndex: number,
	sendTo: 'people' | 'chat',
	note = '',
): string[] {
	if (sendTo !== 'people') return [];
	const people = splitPeople(ctx.getNodeParameter('recipients', itemIndex, ''));
	if (people.length === 0)
		throw new NodeOperationError(ctx.getNode(), 'Recipients is empty', {
			itemIndex,
			description: `Enter the user principal names, mail addresses or object IDs of the people to send to, separated by commas.${note}`,
		});
	return people;
}

export async function resolveUsers(
	transport: GraphTransport,
	node: INode,
	refs: string[],
	field: string,
	itemIndex: number,
): Promise<DirectoryUser[]> {
	let byRef = cache.get(transport);
	if (!byRef) {
		byRef = new Map();
		cache.set(transport, byRef);
	}
	const found = await Promise.all(
		refs.map((ref) => {
			const key = ref.toLowerCase();
			let pending = byRef.get(key);
			if (!pending) {
				pending = lookUp(transport, ref, itemIndex);
				byRef.set(key, pending);
				pending.catch(() => byRef.delete(key));
			}
			return pending;
		}),
	);
	const unknown = refs.filter((_, i) => !found[i]);
	if (unknown.length) {
		throw new NodeOperationError(
			node,
			`${field}: unknown user ${unknown.map((u) => `"${u}"`).join(', ')}`,
			{
				itemIndex,
				description: `No user of the tenant has this object ID, user principal name or mail address. Check the spelling in ${field}; guests are found by their mail address or their #EXT# user principal name. Nothing was posted.`,
			},
		);
	}
	return found as DirectoryUser[];
}

/** The signed-in user (delegated credential). */
export async function signedInUser(
	transport: GraphTransport,
	itemIndex: number,
): Promise<DirectoryUser> {
	let byRef = cache.get(transport);
	if (!byRef) {
		byRef = new Map();
		cache.set(transport, byRef);
	}
	let pending = byRef.get('\u0000me');
	if (!pending) {
		pending = transport.request<DirectoryUser>({
			effect: 'read',
			url: '/me',
			query: { $select: SELECT },
			itemIndex,
		});
		byRef.set('\u0000me', pending);
		pending.catch(() => byRef.delete('\u0000me'));
	}
	return (await pending)!;
}
