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
import { validateTenant } from '../credentials/validate';
import { registerSecret } from '../redact';
import { explainAuthError } from './aadsts';
import type { TokenProvider } from './types';

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
	};
	let endpoints: CloudEndpoints;
	let tenant: string;
	try {
		endpoints = cloudEndpoints(credentials);
		tenant = validateTenant(credentials.tenant, { appOnly: false });
	} catch (error) {
		throw new NodeOperationError(node, error as Error);
	}
	// Custom clouds may set a resource without a trailing slash; the derived values are what
	// n8n signed in with.
	const derived = delegatedSettings(credentials);
	const resource = credentials.resource === 'outlook' ? 'outlook' : 'graph';
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
		async getToken(request = {}) {
			const wanted = request.resource ?? 'graph';
			if (wanted !== resource) {
				throw new NodeOperationError(
					node,
					resource === 'outlook'
						? 'This credential signs in for Outlook (IMAP, POP, SMTP): Graph operations need a Microsoft 365 (Delegated OAuth2) credential with Resource "Microsoft Graph"'
						: 'This credential signs in for Microsoft Graph: IMAP, POP and SMTP need a Microsoft 365 (Delegated OAuth2) credential with Resource "Outlook Legacy Protocols"',
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
