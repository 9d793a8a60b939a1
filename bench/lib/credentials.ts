/**
 * The credentials both sides use, created in n8n through its REST API: for each scenario the
 * same app registration (or the same signed-in user) for n8n's built-in node and for ours, each
 * in its own credential type, all on Microsoft's Global-cloud host names (mapped to the emulator).
 */
import { connectOAuth2 } from '../../scripts/e2e/demo';
import { demoApp, type Log, type N8nClient } from '../../scripts/e2e/stack';
import type { Credential } from '../scenarios/types';

const LOGIN = 'https://login.microsoftonline.com';
const GRAPH = 'https://graph.microsoft.com';
/** The signed-in user of the delegated scenarios (the Report Server app's consented user). */
export const DELEGATED_USER = 'reports@contoso.onmicrosoft.com';

function app(name: string) {
	const found = demoApp(name);
	return { clientId: found.appId, clientSecret: found.secrets![0].value };
}

/** n8n 2.41's app-only credential for Outlook v2 and SharePoint v2. */
function servicePrincipal(tenantId: string, appName: string) {
	const { clientId, clientSecret } = app(appName);
	return {
		type: 'microsoftEntraServicePrincipalApi',
		data: {
			authentication: 'clientSecret',
			tenantId,
			clientId,
			clientSecret,
			graphApiBaseUrl: GRAPH,
		},
	};
}

/** Our app credential (Global cloud). */
function ourApp(tenantId: string, appName: string) {
	const { clientId, clientSecret } = app(appName);
	return {
		type: 'microsoft365AppApi',
		data: { cloud: 'global', tenantId, clientId, authentication: 'clientSecret', clientSecret },
	};
}

/** A built-in OAuth2 credential (authorization code) for the Report Server app, signed in. */
function builtinDelegated(name: string, type: string, tenantId: string, scopes: string): Spec {
	return {
		name,
		type,
		data: {
			clientCredentialType: 'clientSecret',
			...app('Report Server'),
			authUrl: `${LOGIN}/${tenantId}/oauth2/v2.0/authorize`,
			accessTokenUrl: `${LOGIN}/${tenantId}/oauth2/v2.0/token`,
			customScopes: true,
			enabledScopes: `openid offline_access User.Read ${scopes}`,
			graphApiBaseUrl: GRAPH,
		},
		signIn: DELEGATED_USER,
	};
}

/** Our delegated credential for the Report Server app, signed in (Global cloud). */
function ourDelegated(name: string, tenantId: string, scopeGroups: string[]): Spec {
	return {
		name,
		type: 'microsoft365OAuth2Api',
		data: {
			cloud: 'global',
			tenant: tenantId,
			...app('Report Server'),
			signInFor: 'graph',
			scopeGroups: ['signIn', ...scopeGroups],
			additionalScopes: '',
		},
		signIn: DELEGATED_USER,
	};
}

interface Spec {
	name: string;
	type: string;
	data: Record<string, unknown>;
	/** Sign a user in through n8n's OAuth2 flow after creating it. */
	signIn?: string;
}

export function credentialSpecs(tenantId: string): Record<string, Spec> {
	return {
		'builtin-mail': {
			name: 'bench built-in: Bulk Mailer',
			...servicePrincipal(tenantId, 'Bulk Mailer'),
		},
		'ours-mail': { name: 'bench ours: Bulk Mailer', ...ourApp(tenantId, 'Bulk Mailer') },
		'builtin-sharepoint': {
			name: 'bench built-in: Document Archive',
			...servicePrincipal(tenantId, 'Document Archive'),
		},
		'ours-sharepoint': {
			name: 'bench ours: Document Archive',
			...ourApp(tenantId, 'Document Archive'),
		},
		// Calendars: the Room Booking app, granted Calendars.Read and Place.Read.All by the calendar
		// scenarios (scenarios/calendar.ts) through the emulator's admin consent route.
		'builtin-calendar': {
			name: 'bench built-in: Room Booking',
			...servicePrincipal(tenantId, 'Room Booking'),
		},
		'ours-calendar': { name: 'bench ours: Room Booking', ...ourApp(tenantId, 'Room Booking') },
		// The Entra ID node only takes its delegated OAuth2 credential (n8n overrides a stored
		// client-credentials grant with the credential's hidden authorization-code default), so this
		// scenario runs delegated on both sides: the same app and signed-in user.
		'builtin-entra': builtinDelegated(
			'bench built-in: Report Server (delegated, directory)',
			'microsoftEntraOAuth2Api',
			tenantId,
			'User.Read.All',
		),
		'ours-entra': ourDelegated('bench ours: Report Server (delegated, directory)', tenantId, [
			'directoryRead',
		]),
		'builtin-teams': builtinDelegated(
			'bench built-in: Report Server (delegated, Teams)',
			'microsoftTeamsOAuth2Api',
			tenantId,
			'Team.ReadBasic.All Channel.ReadBasic.All ChannelMessage.Send',
		),
		'ours-teams': ourDelegated('bench ours: Report Server (delegated, Teams)', tenantId, ['teams']),
	};
}

/** Creates every credential it can; a failure is kept as its reason (that side is left out). */
export async function createCredentials(
	client: N8nClient,
	tenantId: string,
	loadedTypes: Set<string>,
	log: Log,
): Promise<Record<string, Credential | string>> {
	const out: Record<string, Credential | string> = {};
	for (const [key, spec] of Object.entries(credentialSpecs(tenantId))) {
		if (key.startsWith('ours-') && !loadedTypes.size) {
			out[key] = 'our package is not loaded';
			continue;
		}
		try {
			const created = await client.createCredential(spec.name, spec.type, spec.data);
			if (spec.signIn) await connectOAuth2(client, created.id, spec.signIn);
			out[key] = { id: created.id, name: spec.name, type: spec.type };
		} catch (error) {
			out[key] =
				`credential ${spec.type} could not be set up: ${(error as Error).message.slice(0, 200)}`;
			log(`${key}: ${out[key] as string}`);
		}
	}
	return out;
}
