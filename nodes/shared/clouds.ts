import { UserError } from 'n8n-workflow';

/**
 * Microsoft 365 clouds and the endpoints derived from them. Users pick a cloud and a tenant;
 * login, token and Graph URLs are derived here, never typed by hand (except the Custom cloud,
 * for sovereign or test deployments such as the project's emulator).
 */

export type CloudName = 'global' | 'usGovL4' | 'usGovL5' | 'china' | 'custom';

export interface CloudEndpoints {
	/** Login service origin, e.g. `https://login.microsoftonline.com`. */
	login: string;
	/** Graph origin requests go to, e.g. `https://graph.microsoft.com`. */
	graph: string;
	/** Resource identifier that prefixes Graph scopes (`<resource>/.default`). */
	graphResource: string;
	/** Resource identifier of Exchange Online's legacy protocols (IMAP, POP, SMTP) for delegated scopes. */
	outlookResource: string;
	/** Resource identifier for app-only SMTP/IMAP tokens (`<resource>/.default`). */
	outlookAppResource: string;
	/**
	 * SMTP submission endpoint (STARTTLS on 587): the only host the Outlook token is sent to over
	 * SMTP. Fixed per cloud; for Custom endpoints the credential's SMTP Endpoint.
	 */
	smtpHost: string;
	smtpPort: number;
}

export const CLOUDS: Record<
	Exclude<CloudName, 'custom'>,
	CloudEndpoints & { displayName: string }
> = {
	global: {
		displayName: 'Global (Microsoft 365)',
		login: 'https://login.microsoftonline.com',
		graph: 'https://graph.microsoft.com',
		graphResource: 'https://graph.microsoft.com',
		outlookResource: 'https://outlook.office.com',
		outlookAppResource: 'https://outlook.office365.com',
		smtpHost: 'smtp.office365.com',
		smtpPort: 587,
	},
	usGovL4: {
		displayName: 'US Government L4 (GCC High)',
		login: 'https://login.microsoftonline.us',
		graph: 'https://graph.microsoft.us',
		graphResource: 'https://graph.microsoft.us',
		outlookResource: 'https://outlook.office365.us',
		outlookAppResource: 'https://outlook.office365.us',
		smtpHost: 'smtp.office365.us',
		smtpPort: 587,
	},
	usGovL5: {
		displayName: 'US Government L5 (DoD)',
		login: 'https://login.microsoftonline.us',
		graph: 'https://dod-graph.microsoft.us',
		graphResource: 'https://dod-graph.microsoft.us',
		outlookResource: 'https://outlook-dod.office365.us',
		outlookAppResource: 'https://outlook-dod.office365.us',
		smtpHost: 'smtp-dod.office365.us',
		smtpPort: 587,
	},
	china: {
		displayName: 'China (operated by 21Vianet)',
		login: 'https://login.chinacloudapi.cn',
		graph: 'https://microsoftgraph.chinacloudapi.cn',
		graphResource: 'https://microsoftgraph.chinacloudapi.cn',
		outlookResource: 'https://partner.outlook.cn',
		outlookAppResource: 'https://partner.outlook.cn',
		smtpHost: 'smtp.partner.outlook.cn',
		smtpPort: 587,
	},
};

/** Credential fields that select the cloud (shared by both credential types). */
export interface CloudSettings {
	cloud?: CloudName;
	customLoginUrl?: string;
	customGraphUrl?: string;
	customGraphResource?: string;
	customOutlookResource?: string;
	customSmtpHost?: string;
}

function origin(url: string, field: string): string {
	if (!URL.canParse(url)) {
		throw new UserError(
			`${field} "${url}" is not a URL: enter an https:// address such as https://login.microsoftonline.com`,
		);
	}
	const parsed = new URL(url);
	if (parsed.protocol !== 'https:') {
		throw new UserError(
			`${field} must use https:// (Microsoft's login service and Graph accept nothing else)`,
		);
	}
	return `${parsed.protocol}//${parsed.host}`;
}

/** The endpoints for the credential's cloud; Custom takes the user's URLs (https only). */
export function cloudEndpoints(settings: CloudSettings): CloudEndpoints {
	const cloud = settings.cloud ?? 'global';
	if (cloud !== 'custom') {
		const known = CLOUDS[cloud];
		if (!known)
			throw new UserError(
				`Cloud "${String(cloud)}" is unknown: choose Global, US Government L4, US Government L5, China or Custom`,
			);
		return known;
	}
	const login = origin(settings.customLoginUrl ?? '', 'Login Endpoint');
	const graph = origin(settings.customGraphUrl ?? '', 'Graph Endpoint');
	return {
		login,
		graph,
		graphResource: (settings.customGraphResource || CLOUDS.global.graphResource).replace(
			/\/+$/,
			'',
		),
		outlookResource: (settings.customOutlookResource || CLOUDS.global.outlookResource).replace(
			/\/+$/,
			'',
		),
		outlookAppResource: (
			settings.customOutlookResource || CLOUDS.global.outlookAppResource
		).replace(/\/+$/, ''),
		...smtpEndpoint(settings.customSmtpHost),
	};
}

/** A Custom cloud's SMTP Endpoint, `host` or `host:port` (default: Global's, port 587). */
function smtpEndpoint(value: string | undefined): { smtpHost: string; smtpPort: number } {
	const text = String(value ?? '').trim();
	if (!text) return { smtpHost: CLOUDS.global.smtpHost, smtpPort: 587 };
	const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(text);
	const port = Number(match?.[2] ?? 587);
	if (!match || port < 1 || port > 65535) {
		throw new UserError(
			`SMTP Endpoint "${text}" is not a host name with an optional port: enter it like smtp.office365.com:587 (no scheme, no path)`,
		);
	}
	return { smtpHost: match[1].replace(/^\[|\]$/g, ''), smtpPort: port };
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** The authority URL for a tenant segment (ID, verified domain, `common`, `organizations`). */
export function authorityUrl(endpoints: CloudEndpoints, tenant: string): string {
	return `${endpoints.login}/${encodeURIComponent(tenant.trim())}`;
}
