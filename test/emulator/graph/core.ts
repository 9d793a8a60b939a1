/** Graph core: /me, /organization, /users (list and get). */
import { typeProperties } from '../../contract/contract';
import type { Tenant, User } from '../tenant';
import { listResponse, parseSelect, pick } from './odata';
import { safeDecode } from '../http';
import { GraphContext, GraphError, GraphService } from './service';

/** The properties Graph returns for a user when no $select is given. */
export const USER_DEFAULT_PROPERTIES = [
	'businessPhones',
	'displayName',
	'givenName',
	'jobTitle',
	'mail',
	'mobilePhone',
	'officeLocation',
	'preferredLanguage',
	'surname',
	'userPrincipalName',
	'id',
];

let userPropertyNames: string[] | undefined;
export function userProperties(): string[] {
	userPropertyNames ??= typeProperties('user') ?? [];
	return userPropertyNames;
}

/** A user's full representation (every property the emulator stores). */
export function userRecord(user: User): Record<string, unknown> {
	const { managerId: _m, sendAs: _s, mailbox: _b, extra, ...core } = user;
	void _m;
	void _s;
	void _b;
	return {
		...core,
		...extra,
		onPremisesExtensionAttributes: {
			...NO_EXTENSION_ATTRIBUTES,
			...((extra.onPremisesExtensionAttributes as Record<string, unknown> | undefined) ?? {}),
		},
	};
}

/** Graph returns all fifteen `extensionAttributeN` (null when unset) when the property is selected. */
const NO_EXTENSION_ATTRIBUTES: Record<string, null> = Object.fromEntries(
	Array.from({ length: 15 }, (_, i) => [`extensionAttribute${i + 1}`, null]),
);

export function projectUser(user: User, select: string[] | undefined): Record<string, unknown> {
	return pick(userRecord(user), select, USER_DEFAULT_PROPERTIES);
}

/** `/users/{id|upn}`, but not the collection's functions (`delta`, `$count`). */
export const USER_BY_ID = /^\/users\/(?<id>(?!(?:microsoft\.graph\.)?delta$|\$count$)[^/]+)\/?$/i;

export function findUserOr404(tenant: Tenant, idOrUpn: string): User {
	const user = tenant.findUser(idOrUpn);
	if (!user) {
		throw new GraphError(
			404,
			'Request_ResourceNotFound',
			`Resource '${idOrUpn}' does not exist or one of its queried reference-property objects are not present.`,
		);
	}
	return user;
}

function me(ctx: GraphContext): User {
	if (ctx.auth.scheme !== 'delegated' || !ctx.auth.userId) {
		throw new GraphError(
			400,
			'BadRequest',
			'/me request is only valid with delegated authentication flow.',
		);
	}
	return findUserOr404(ctx.tenant, ctx.auth.userId);
}

function getUser(ctx: GraphContext, user: User) {
	const select = parseSelect(ctx, userProperties(), 'user');
	return {
		status: 200,
		body: {
			'@odata.context': `${ctx.root}/$metadata#users${select ? `(${select.join(',')})` : ''}/$entity`,
			...projectUser(user, select),
		},
		contractType: 'user',
	};
}

export function registerGraphCore(graph: GraphService): void {
	graph.route('GET', '/me', (ctx) => getUser(ctx, me(ctx)));
	// `/users/delta` and `/users/$count` are functions of the collection (graph/directory.ts).
	graph.route('GET', USER_BY_ID, (ctx) =>
		getUser(ctx, findUserOr404(ctx.tenant, safeDecode(ctx.params.id))),
	);
	graph.route('GET', '/users', (ctx) =>
		listResponse(ctx, ctx.tenant.users, {
			context: 'users',
			type: 'user',
			defaultTop: 100,
			maxTop: 999,
			properties: userProperties(),
			searchable: [
				'displayName',
				'mail',
				'userPrincipalName',
				'givenName',
				'surname',
				'mailNickname',
			],
			advancedQueryNeedsConsistency: true,
			project: projectUser,
			record: userRecord,
		}),
	);
	graph.route('GET', '/organization', (ctx) => ({
		status: 200,
		body: {
			'@odata.context': `${ctx.root}/$metadata#organization`,
			value: [
				{
					id: ctx.tenant.id,
					displayName: ctx.tenant.displayName,
					createdDateTime: ctx.tenant.createdDateTime,
					tenantType: 'AAD',
					verifiedDomains: ctx.tenant.domains.map((name, i) => ({
						capabilities: 'Email, OfficeCommunicationsOnline',
						isDefault: i === (ctx.tenant.domains.length > 1 ? 1 : 0),
						isInitial: i === 0,
						name,
						type: 'Managed',
					})),
				},
			],
		},
		contractType: 'Collection(organization)',
	}));
}
