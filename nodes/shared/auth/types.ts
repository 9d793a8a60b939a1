/** What the Graph transport needs from a credential: where to send requests, and a token. */
import type { CloudEndpoints } from '../clouds';

export type AuthScheme = 'delegated' | 'application';

export interface TokenProvider {
	readonly scheme: AuthScheme;
	readonly endpoints: CloudEndpoints;
	/** Tenant segment the credential signs in to (ID, domain, `common`, `organizations`). */
	readonly tenant: string;
	/** The app registration's client ID (Teams' posting limits are counted per app). */
	readonly clientId?: string;
	/**
	 * A bearer token for `resource` (default: Graph). `forceRefresh` asks for a new one (after a
	 * 401); implementations cache tokens so a credential gets one token per lifetime.
	 */
	getToken(options?: { forceRefresh?: boolean; resource?: 'graph' | 'outlook' }): Promise<string>;
	/** App-only: the mailboxes/users the credential may touch (empty: no restriction). */
	readonly mailboxRestriction?: MailboxRestriction;
}

export interface MailboxRestriction {
	/** UPNs / mail addresses (lower case). */
	addresses: string[];
	/** Object IDs (lower case). */
	objectIds: string[];
	/** Domains (lower case, without `@`). */
	domains: string[];
}
