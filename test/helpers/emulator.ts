/**
 * Test helpers: one emulator per test file, checked after the file's last test for bodies that
 * broke the Graph CSDL contract, and tokens minted by its token service for Graph-only tests.
 */
import { randomUUID } from 'node:crypto';
import { Emulator, EmulatorOptions, startEmulator } from '../emulator/emulator';
import type { ResourceName } from '../emulator/tokens';

export function useEmulator(options: EmulatorOptions = {}): () => Emulator {
	let emu: Emulator | undefined;
	beforeAll(async () => {
		emu = await startEmulator(options);
	});
	afterAll(async () => {
		if (!emu) return;
		const violations = emu.contractViolations;
		await emu.close();
		expect(violations).toEqual([]);
	});
	return () => {
		if (!emu) throw new Error('emulator not started');
		return emu;
	};
}

export interface MintOptions {
	tenant?: string;
	app?: string;
	/** Delegated: the user (UPN) and scopes. */
	user?: string;
	scopes?: string[];
	/** Application roles. */
	roles?: string[];
	resource?: ResourceName;
	lifetimeSeconds?: number;
}

/** Mints an access token with the emulator's own key (for tests of Graph alone, not of sign-in). */
export function mintToken(emu: Emulator, options: MintOptions = {}): string {
	const tenant = options.tenant ? emu.directory.findTenant(options.tenant)! : emu.directory.home;
	const user = options.user ? tenant.findUser(options.user) : undefined;
	if (options.user && !user) throw new Error(`no user ${options.user}`);
	return emu.tokens.issue({
		tenantId: tenant.id,
		appId: options.app ?? [...tenant.apps.keys()][0],
		resource: options.resource ?? 'graph',
		user,
		scopes: options.scopes,
		roles: options.roles,
		lifetimeSeconds: options.lifetimeSeconds ?? 3600,
	}).token;
}

export interface GraphCall {
	status: number;
	headers: Headers;
	body: any;
}

/** A Graph request over real HTTPS to the emulator. */
export async function graph(
	emu: Emulator,
	method: string,
	path: string,
	token?: string,
	body?: unknown,
	headers: Record<string, string> = {},
): Promise<GraphCall> {
	const url = /^https:/.test(path) ? path : `${emu.graphUrl}${path}`;
	const response = await fetch(url, {
		method,
		headers: {
			...(token ? { Authorization: `Bearer ${token}` } : {}),
			...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
			...headers,
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	let parsed: unknown = text;
	try {
		parsed = text ? JSON.parse(text) : undefined;
	} catch {
		// not JSON
	}
	return { status: response.status, headers: response.headers, body: parsed };
}

/** The demo tenant and its "Report Server" web app (see fixtures/demo-tenant.json). */
export const DEMO = {
	tenant: '9afc4c9b-52ad-5db7-a6ed-ff1ff2d75c8a',
	reportServer: '20165740-cfbc-5244-967a-dc1596e69ece',
	reportServerSecret: 'RsQ8~demo.Report-Server-Secret-Value_0001',
	redirectUri: 'http://localhost:5678/rest/oauth2-credential/callback',
};

/**
 * Signs `user` in with the Report Server app through the emulator's authorize and token
 * endpoints (authorization code, as n8n's OAuth2 flow does) and returns the token response n8n
 * would store as `oauthTokenData`.
 */
export async function signInDelegated(
	emu: Emulator,
	user: string,
	scope: string,
): Promise<Record<string, unknown>> {
	const authority = emu.authority(DEMO.tenant);
	const authorize = await fetch(
		`${authority}/oauth2/v2.0/authorize?${new URLSearchParams({
			response_type: 'code',
			client_id: DEMO.reportServer,
			redirect_uri: DEMO.redirectUri,
			scope,
			state: randomUUID(),
			login_hint: user,
		})}`,
		{ redirect: 'manual' },
	);
	const location = authorize.headers.get('location');
	if (!location) throw new Error(`authorize: ${authorize.status} ${await authorize.text()}`);
	const code = new URL(location).searchParams.get('code');
	if (!code) throw new Error(`authorize redirected without a code: ${location}`);
	const token = await fetch(`${authority}/oauth2/v2.0/token`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			grant_type: 'authorization_code',
			client_id: DEMO.reportServer,
			client_secret: DEMO.reportServerSecret,
			code,
			redirect_uri: DEMO.redirectUri,
			scope,
		}),
	});
	if (token.status !== 200) throw new Error(`sign-in failed: ${await token.text()}`);
	return (await token.json()) as Record<string, unknown>;
}
