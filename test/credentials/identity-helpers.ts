/**
 * Shared set-up of the Managed Identity and Workload Identity Federation credential tests: the
 * Entra ID node's User → Get Many through n8n-core's engine with an app credential's data, the
 * emulator's admin API, and a scan of everything a run produced for secrets.
 */
import type { IDataObject } from 'n8n-workflow';
import type { Emulator } from '../emulator/emulator';
import { runNode, type RunNodeResult } from '../harness';
import { credentialTypes, NODE, nodeTypes } from '../entra/helpers';

export const CONTOSO = '9afc4c9b-52ad-5db7-a6ed-ff1ff2d75c8a';
/** "Access Review": federated credentials for system:serviceaccount:n8n:n8n and :n8n-worker on the k8s issuer. */
export const ACCESS_REVIEW = 'd03e7662-c26d-5d18-9ebc-adaac07f27a6';

/** The demo tenant's managed identities (fixtures/demo-tenant.json). */
export const SYSTEM_MI = {
	clientId: '6c1f0e3a-5b2d-4e8f-9a71-2d3c4b5a6e01',
	objectId: 'a4e2d9c7-3f1b-4c6a-8e5d-7b9f0a1c2d03',
};
export const USER_MI = {
	clientId: 'e8b7a6c5-d4e3-4f2a-9b1c-0d9e8f7a6b52',
	objectId: 'f1e2d3c4-b5a6-4978-8a6b-5c4d3e2f1a63',
	resourceId:
		'/subscriptions/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e/resourceGroups/n8n-demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/n8n-graph-reader',
};

/** Custom endpoints pointing at the emulator (Graph resource https://graph.microsoft.com). */
export function cloud(emu: Emulator): IDataObject {
	return { cloud: 'custom', customLoginUrl: emu.url, customGraphUrl: emu.url };
}

/** User → Get Many (5 users, ID and display name) with an app credential's data. */
export async function getManyUsers(credential: IDataObject): Promise<RunNodeResult> {
	return await runNode({
		nodeTypes,
		credentialTypes,
		node: {
			type: NODE,
			parameters: {
				authentication: 'app',
				resource: 'user',
				operation: 'getMany',
				returnAll: false,
				limit: 5,
				fields: ['id', 'displayName'],
			} as never,
			credentials: { microsoft365AppApi: { id: 'app', name: 'App' } },
		},
		credentialsData: { app: credential } as never,
	});
}

export function errorText(result: RunNodeResult): string {
	const e = result.error as (Error & { description?: string }) | undefined;
	return e ? `${e.message} ${e.description ?? ''}` : '';
}

/** Graph requests (not login, not admin) logged since `mark`. */
export function graphRequests(emu: Emulator, mark: number) {
	return emu.since(mark).filter((e) => e.url.startsWith('/v1.0'));
}

/** Requests to the login service (discovery, token) since `mark`. */
export function loginRequests(emu: Emulator, mark: number) {
	return emu
		.since(mark)
		.filter((e) => !e.url.startsWith('/v1.0') && !e.url.startsWith('/_emulator'));
}

export async function admin(
	emu: Emulator,
	method: string,
	path: string,
	body?: unknown,
): Promise<any> {
	const r = await fetch(`${emu.url}/_emulator/${path}`, {
		method,
		headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	if (r.status !== 200) throw new Error(`admin ${method} ${path}: HTTP ${r.status}`);
	return await r.json();
}

/**
 * The secrets scan for these credentials: none of `secrets` (assertions, managed identity tokens,
 * the App Service header) appears in any text the runs produced, nor any JWT.
 */
export function expectNoSecrets(texts: unknown[], secrets: string[]): void {
	const all = texts.map((t) => (typeof t === 'string' ? t : JSON.stringify(t ?? null))).join('\n');
	for (const secret of secrets.filter((s) => s && s.length >= 8)) expect(all).not.toContain(secret);
	expect(all).not.toMatch(/eyJ[A-Za-z0-9_-]{6,}\.eyJ[A-Za-z0-9_-]{6,}\./);
}
