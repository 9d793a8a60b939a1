/** Token acquisition for both credential types: `tokenProviderFor(ctx, credentialType)`. */
import { createAppTokenProvider, type AppProviderOptions } from './app';
import { createDelegatedTokenProvider, DELEGATED_CREDENTIAL, type TokenContext } from './delegated';
import type { AppCredentialData } from '../credentials/validate';
import type { TokenProvider } from './types';

export const APP_CREDENTIAL = 'microsoft365AppApi';
export { DELEGATED_CREDENTIAL };

export type { TokenContext } from './delegated';
export type { AuthScheme, MailboxRestriction, TokenProvider } from './types';
export { createDelegatedTokenProvider } from './delegated';
export {
	appCacheKey,
	authErrorFrom,
	clearAppTokenCache,
	createAppTokenProvider,
	jwtClaims,
	M365AuthError,
} from './app';
export { AADSTS_MESSAGES, aadstsCodeOf, explainAadsts, explainAuthError } from './aadsts';
export { runAppCredentialTest, testAppCredential } from './credential-test';

/**
 * The token provider for the credential a node uses: app-only (`microsoft365AppApi`) or delegated
 * (`microsoft365OAuth2Api`, or any credential type extending it).
 */
export async function tokenProviderFor(
	ctx: TokenContext,
	credentialType: string,
	options: AppProviderOptions = {},
): Promise<TokenProvider> {
	if (credentialType === APP_CREDENTIAL) {
		const data = await ctx.getCredentials<AppCredentialData>(credentialType);
		return createAppTokenProvider(data, ctx.getNode(), options);
	}
	return await createDelegatedTokenProvider(ctx, credentialType);
}
