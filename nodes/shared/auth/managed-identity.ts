/**
 * Managed identity tokens from @azure/msal-node's `ManagedIdentityApplication`: the identity of the
 * Azure host n8n runs on (VM or scale set through IMDS, App Service / Functions / Container Apps
 * through IDENTITY_ENDPOINT + IDENTITY_HEADER, Azure Arc through its local agent). msal-node picks
 * the source from the n8n process's environment, once per process, in this order: Service Fabric,
 * App Service (IDENTITY_ENDPOINT and IDENTITY_HEADER), Machine Learning, Cloud Shell, Azure Arc
 * (IDENTITY_ENDPOINT and IMDS_ENDPOINT, or its agent installed), else IMDS
 * (http://169.254.169.254, or AZURE_POD_IDENTITY_AUTHORITY_HOST).
 *
 * Network: these endpoints are local to the host (a link-local address, loopback, or a sidecar),
 * so their requests do NOT go through n8n's proxy (HTTPS_PROXY would send the App Service
 * header, a secret, to the proxy, and a proxy cannot reach 169.254.169.254 of this host). They are
 * sent directly, each bounded by a timeout, and one token acquisition by a total deadline: msal
 * retries IMDS answers 404/408/410/429/5xx (up to 7 times 10 s for 410) and an unanswered request
 * would otherwise hang for the operating system's TCP timeout. The token the identity gets is then
 * sent to Graph through the proxy like every other token.
 *
 * Clouds: a managed identity signs in to its own tenant, in the cloud its Azure host runs in
 * (Azure Government for US Government L4/L5, Azure operated by 21Vianet for China); Microsoft
 * offers it neither across tenants
 * (https://learn.microsoft.com/en-us/entra/identity/managed-identities-azure-resources/managed-identities-faq)
 * nor across clouds
 * (https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation-config-app-trust-managed-identity:
 * "Accessing resources in another cloud is not supported"). The resource asked for is the Cloud's
 * Graph resource; Graph permissions are app role assignments on the identity's service principal
 * (https://learn.microsoft.com/en-us/entra/identity/managed-identities-azure-resources/how-to-assign-app-role-managed-identity).
 *
 * Cache: msal-node keeps managed identity tokens in one store per process (keyed by identity and
 * resource) and renews them before expiry; one application per credential identity is kept here,
 * as for client credentials, so a credential costs one token request per token lifetime.
 */
import {
	ClientAuthError,
	ClientAuthErrorCodes,
	ManagedIdentityApplication,
	type INetworkModule,
	type ManagedIdentityIdParams,
	type NetworkRequestOptions,
	type NetworkResponse,
} from '@azure/msal-node';
import { redact, registerSecret } from '../redact';
import type { AppClientAuth } from '../credentials/validate';

type Identity = Extract<AppClientAuth, { kind: 'managedIdentity' }>['identity'];

/** Limits of one token acquisition (tests pass shorter ones). */
export interface ManagedIdentityTimeouts {
	/** One request to the endpoint. */
	requestMs: number;
	/** One acquisition, msal's retries included. */
	totalMs: number;
}

export const MANAGED_IDENTITY_TIMEOUTS: ManagedIdentityTimeouts = {
	requestMs: 10_000,
	totalMs: 30_000,
};

/** A failure to reach the endpoint: the message names it (never the query's or header's values). */
export class ManagedIdentityUnreachable extends ClientAuthError {
	constructor(
		readonly endpoint: string,
		detail: string,
	) {
		super(ClientAuthErrorCodes.networkError, '', detail);
		// msal's error constructors set their own prototype: restore this class's.
		Object.setPrototypeOf(this, new.target.prototype);
		this.name = 'ManagedIdentityUnreachable';
	}
}

/** The endpoint without its query (resource, IDs): what messages name. */
export function endpointOf(url: string): string {
	try {
		const u = new URL(url);
		return `${u.protocol}//${u.host}${u.pathname.replace(/(.)\/+$/, '$1')}`;
	} catch {
		return 'the managed identity endpoint';
	}
}

function causeOf(error: unknown): string {
	const messages: string[] = [];
	let current: unknown = error;
	for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
		const e = current as Error & { code?: string };
		const text = [e.code, e.message].filter(Boolean).join(' ');
		if (text && !messages.includes(text)) messages.push(text);
		current = (current as { cause?: unknown }).cause;
	}
	return messages.length ? redact(messages.join(': ')) : 'unknown error';
}

/**
 * msal's network module for managed identity endpoints: direct (no proxy), a timeout per request
 * and a deadline per acquisition (`begin()` starts one).
 */
export class ManagedIdentityNetwork implements INetworkModule {
	private deadline = 0;

	constructor(private readonly timeouts: ManagedIdentityTimeouts) {}

	/** Starts the deadline of one acquisition (concurrent ones share the latest). */
	begin(): void {
		this.deadline = Math.max(this.deadline, Date.now() + this.timeouts.totalMs);
	}

	async sendGetRequestAsync<T>(
		url: string,
		options?: NetworkRequestOptions,
	): Promise<NetworkResponse<T>> {
		return await this.send<T>('GET', url, options);
	}

	async sendPostRequestAsync<T>(
		url: string,
		options?: NetworkRequestOptions,
	): Promise<NetworkResponse<T>> {
		return await this.send<T>('POST', url, options);
	}

	private async send<T>(
		method: 'GET' | 'POST',
		url: string,
		options?: NetworkRequestOptions,
	): Promise<NetworkResponse<T>> {
		const endpoint = endpointOf(url);
		const left = (this.deadline || Date.now() + this.timeouts.totalMs) - Date.now();
		if (left <= 0) {
			throw new ManagedIdentityUnreachable(
				endpoint,
				`no token within ${Math.round(this.timeouts.totalMs / 1000)} s (the endpoint kept answering with errors msal retries)`,
			);
		}
		const timeout = Math.min(this.timeouts.requestMs, left);
		const headers = new Headers();
		for (const [name, value] of Object.entries(options?.headers ?? {})) {
			// App Service's X-IDENTITY-HEADER and Arc's Authorization are secrets.
			if (/identity-header|authorization|secret/i.test(name)) registerSecret(value);
			headers.append(name, value);
		}
		let response: Response | undefined;
		let failure: ManagedIdentityUnreachable | undefined;
		try {
			// The global fetch, deliberately: no proxy for host-local endpoints (see the header).
			response = await fetch(url, {
				method,
				headers,
				signal: AbortSignal.timeout(timeout),
				...(method === 'POST' ? { body: options?.body ?? '' } : {}),
			});
		} catch (error) {
			const name = (error as Error)?.name;
			failure = new ManagedIdentityUnreachable(
				endpoint,
				name === 'TimeoutError' || name === 'AbortError'
					? `no answer within ${Math.round(timeout / 1000)} s`
					: causeOf(error),
			);
		}
		// msal passes its own (AuthError) errors on unchanged; thrown outside the catch block.
		if (failure || !response)
			throw failure ?? new ManagedIdentityUnreachable(endpoint, 'no answer');
		const out: Record<string, string> = {};
		response.headers.forEach((value, name) => {
			out[name] = value;
		});
		const text = await response.text().catch(() => '');
		let body: unknown;
		try {
			body = text ? JSON.parse(text) : {};
		} catch {
			// Not JSON (a proxy page, a plain-text error): keep a short, redacted excerpt.
			body = { error: `http_${response.status}`, error_description: redact(text.slice(0, 200)) };
		}
		return { headers: out, body: body as T, status: response.status };
	}
}

/** msal's `managedIdentityIdParams` for the credential's identity. */
export function identityParams(identity: Identity): ManagedIdentityIdParams | undefined {
	switch (identity.type) {
		case 'clientId':
			return { userAssignedClientId: identity.id };
		case 'objectId':
			return { userAssignedObjectId: identity.id };
		case 'resourceId':
			return { userAssignedResourceId: identity.id };
		default:
			return undefined;
	}
}

/** How a source is named in messages, with the environment that selected it. */
export function describeSource(source: string): string {
	switch (source) {
		case 'AppService':
			return 'App Service / Functions / Container Apps (IDENTITY_ENDPOINT, IDENTITY_HEADER)';
		case 'AzureArc':
			return 'Azure Arc (IDENTITY_ENDPOINT, IMDS_ENDPOINT)';
		case 'ServiceFabric':
			return 'Service Fabric';
		case 'CloudShell':
			return 'Cloud Shell';
		case 'MachineLearning':
			return 'Azure Machine Learning';
		default:
			return process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST
				? 'IMDS (AZURE_POD_IDENTITY_AUTHORITY_HOST)'
				: 'IMDS (Azure VM / scale set instance metadata service)';
	}
}

/** The token endpoint msal will ask, from the same environment it reads. */
export function expectedEndpoint(source: string): string {
	const env = process.env;
	if ((source === 'AppService' || source === 'AzureArc') && env.IDENTITY_ENDPOINT)
		return endpointOf(env.IDENTITY_ENDPOINT);
	if (source === 'AzureArc') return 'http://127.0.0.1:40342/metadata/identity/oauth2/token';
	if (source === 'ServiceFabric' || source === 'CloudShell' || source === 'MachineLearning')
		return endpointOf(env.IDENTITY_ENDPOINT ?? env.MSI_ENDPOINT ?? '');
	const host =
		env.AZURE_POD_IDENTITY_AUTHORITY_HOST?.replace(/\/+$/, '') ?? 'http://169.254.169.254';
	return `${host}/metadata/identity/oauth2/token`;
}

export function buildManagedIdentityApp(
	identity: Identity,
	network: INetworkModule,
): ManagedIdentityApplication {
	const params = identityParams(identity);
	return new ManagedIdentityApplication({
		...(params ? { managedIdentityIdParams: params } : {}),
		system: { networkClient: network },
	});
}
