/**
 * `/applications(appId='...')` and `/applications/{id}`: an app registration's own record, with
 * its secrets (`passwordCredentials`: hint, dates — never the value) and certificates
 * (`keyCredentials`), so the app credential's test can warn about secrets nearing expiry.
 */
import { createHash } from 'node:crypto';
import type { AppFixture, Tenant } from '../tenant';
import { parseSelect, pick } from './odata';
import { GraphContext, GraphError, GraphService } from './service';
import { typeProperties } from '../../contract/contract';

function objectId(appId: string): string {
	const hex = createHash('sha256').update(`application:${appId}`).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function applicationRecord(tenant: Tenant, app: AppFixture): Record<string, unknown> {
	return {
		id: objectId(app.appId),
		appId: app.appId,
		displayName: app.displayName,
		signInAudience: app.signInAudience ?? 'AzureADMyOrg',
		publisherDomain: tenant.defaultDomain,
		createdDateTime: '2024-01-01T00:00:00Z',
		passwordCredentials: (app.secrets ?? []).map((s) => ({
			customKeyIdentifier: null,
			displayName: s.displayName ?? null,
			endDateTime: s.expires,
			hint: s.value.slice(0, 3),
			keyId: s.id,
			secretText: null,
			startDateTime: '2024-01-01T00:00:00Z',
		})),
		keyCredentials: (app.certificates ?? []).map((c) => ({
			customKeyIdentifier: null,
			displayName: c.displayName ?? null,
			endDateTime: c.expires ?? '2030-01-01T00:00:00Z',
			key: null,
			keyId: c.id,
			startDateTime: '2024-01-01T00:00:00Z',
			type: 'AsymmetricX509Cert',
			usage: 'Verify',
		})),
	};
}

function answer(ctx: GraphContext, app: AppFixture | undefined, key: string) {
	if (!app || app.homeTenantId) {
		throw new GraphError(
			404,
			'Request_ResourceNotFound',
			`Resource '${key}' does not exist or one of its queried reference-property objects are not present.`,
		);
	}
	const select = parseSelect(ctx, typeProperties('application') ?? [], 'application');
	const record = applicationRecord(ctx.tenant, app);
	return {
		status: 200,
		body: {
			'@odata.context': `${ctx.root}/$metadata#applications${select ? `(${select.join(',')})` : ''}/$entity`,
			...pick(record, select, Object.keys(record)),
		},
		contractType: 'application',
	};
}

export function registerApplications(graph: GraphService): void {
	graph.route('GET', /^\/applications\(appId='(?<appId>[^']*)'\)$/i, (ctx) =>
		answer(
			ctx,
			ctx.tenant.apps.get(decodeURIComponent(ctx.params.appId).toLowerCase()),
			ctx.params.appId,
		),
	);
	graph.route('GET', '/applications/:id', (ctx) =>
		answer(
			ctx,
			[...ctx.tenant.apps.values()].find((a) => objectId(a.appId) === ctx.params.id.toLowerCase()),
			ctx.params.id,
		),
	);
}
