/**
 * Delegated tokens: n8n holds them (the credential extends oAuth2Api). The provider reads
 * `oauthTokenData.access_token`; when it has expired, or after a 401 (`forceRefresh`), it asks
 * n8n-core's `refreshOAuth2Token` helper, which redeems the stored refresh token and persists
 * the new tokens.
 */
import {
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type IAllExecuteFunctions,
	type IExecuteFunctions,
	type INode,
} from 'n8n-workflow';
import { cloudEndpoints, type CloudEndpoints } from '../clouds';
import { delegatedSettings, type DelegatedFields } from '../scopes';
import { validateClientId, validateTenant } from '../credentials/validate';
import { registerSecret } from '../redact';
import { explainAuthError } from './aadsts';
import type { TokenProvider } from './types';

/**
 * A credential saved by version 0.1.0 has a field named `resource` (its token data may carry one
 * too): n8n sends it to the login service as an RFC 8707 `resource` parameter on every sign-in and
 * token refresh, and Microsoft's v2.0 endpoints refuse it (AADSTS901002). Such a credential is
 * refused before any request, with what to do.
 */
function legacyResource(credentials: {
	resource?: unknown;
	oauthTokenData?: { resource?: unknown };
}): unknown {
	return credentials.resource ?? credentials.oauthTokenData?.resource;
}

const LEGACY_MESSAGE =
	'This Microsoft 365 Delegated OAuth2 credential was saved by n8n-nodes-m365 0.1.0 and cannot sign in: create a new one';
const LEGACY_DESCRIPTION =
	'It stores a field named "resource", which n8n sends to Microsoft\'s sign-in as a "resource" parameter, and Microsoft refuses it (AADSTS901002: The \'resource\' request parameter is not supported). n8n keeps that value with the stored token, so editing this credential does not remove it. Create a new Microsoft 365 Delegated OAuth2 credential (same Tenant, Client ID and Client Secret; choose "Sign In For"), click "Connect my account", select it in your nodes, then delete the old one.';

export const DELEGATED_CREDENTIAL = 'microsoft365OAuth2Api';

/** What the providers need from an n8n execution context. */
export interface TokenContext {
	getCredentials<T extends object = ICredentialDataDecryptedObject>(
		type: string,
		itemIndex?: number,
	): Promise<T>;
	getNode(): INode;
	helpers: Partial<Pick<IExecuteFunctions['helpers'], 'refreshOAuth2Token'>>;
}

interface OAuthTokenData {
	access_token?: string;
	refresh_token?: string;
	expires_in?: number | string;
	/** Set by n8n when it stored the token (ms since epoch, as a string). */
	n8n_expires_at?: number | string;
	/** Kept by n8n from a credential property named `resource` (0.1.0). */
	resource?: unknown;
}

/** Refresh this long before n8n's recorded expiry. */
const EXPIRY_MARGIN_MS = 60_000;

function expiresAt(data: OAuthTokenData): number | undefined {
	const at = Number(data.n8n_expires_at);
	return Number.isFinite(at) && at > 0 ? at : undefined;
}

export async function createDelegatedTokenProvider(
	ctx: TokenContext,
	credentialType: string = DELEGATED_CREDENTIAL,
): Promise<TokenProvider> {
	const node = ctx.getNode();
	const credentials = (await ctx.getCredentials(credentialType)) as DelegatedFields & {
		oauthTokenData?: OAuthTokenData;
		resource?: unknown;
	};
	let endpoints: CloudEndpoints;
	let tenant: string;
	try {
		endpoints = cloudEndpoints(credentials);
		tenant = validateTenant(credentials.tenant, { appOnly: false });
		// A mistyped Client ID fails only at the next refresh otherwise, with a generic error.
		validateClientId((credentials as { clientId?: unknown }).clientId);
	} catch (error) {
		throw new NodeOperationError(node, error as Error);
	}
	// Custom clouds may set a resource without a trailing slash; the derived values are what
	// n8n signed in with.
	const derived = delegatedSettings(credentials);
	const legacy = legacyResource(credentials);
	if (legacy !== undefined)
		throw new NodeOperationError(node, LEGACY_MESSAGE, { description: LEGACY_DESCRIPTION });
	const resource = credentials.signInFor === 'outlook' ? 'outlook' : 'graph';
	let tokenData: OAuthTokenData = credentials.oauthTokenData ?? {};
	let refreshing: Promise<string> | undefined;

	const refresh = async (): Promise<string> => {
		const helper = ctx.helpers.refreshOAuth2Token;
		if (!helper) {
			throw new NodeOperationError(
				node,
				'This n8n version cannot refresh OAuth2 tokens from a node: reconnect the credential',
			);
		}
		try {
			const data = (await helper.call(
				ctx as unknown as IAllExecuteFunctions,
				credentialType,
			)) as OAuthTokenData;
			if (!data?.access_token)
				throw new Error('The token refresh returned no access token: reconnect the credential');
			tokenData = { ...tokenData, ...data };
			registerSecret(data.refresh_token);
			return data.access_token;
		} catch (error) {
			throw new NodeOperationError(node, explainAuthError(error).message);
		}
	};

	return {
		scheme: 'delegated',
		endpoints: {
			...endpoints,
			graphResource: derived.graphResource,
			outlookResource: derived.outlookResource,
		},
		tenant,
		clientId: String((credentials as { clientId?: unknown }).clientId ?? '').trim() || undefined,
		async getToken(request = {}) {
			const wanted = request.resource ?? 'graph';
			if (wanted !== resource) {
				throw new NodeOperationError(
					node,
					resource === 'outlook'
						? 'This credential signs in for Outlook (IMAP, POP, SMTP): Graph operations need a Microsoft 365 (Delegated OAuth2) credential with Sign In For "Microsoft Graph"'
						: 'This credential signs in for Microsoft Graph: IMAP, POP and SMTP need a Microsoft 365 (Delegated OAuth2) credential with Sign In For "Outlook Legacy Protocols"',
				);
			}
			const at = expiresAt(tokenData);
			const stale = at !== undefined && at - EXPIRY_MARGIN_MS <= Date.now();
			if (!request.forceRefresh && !stale && tokenData.access_token) return tokenData.access_token;
			if (!tokenData.access_token && !tokenData.refresh_token) {
				throw new NodeOperationError(
					node,
					'The Microsoft 365 credential is not connected: open it and click "Connect my account"',
				);
			}
			refreshing ??= refresh().finally(() => {
				refreshing = undefined;
			});
			return await refreshing;
		},
	};
}
