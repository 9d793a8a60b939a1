/**
 * The app credential's secretless kinds in a real n8n against the emulator: n8n runs as on an App
 * Service with a managed identity (IDENTITY_ENDPOINT / IDENTITY_HEADER point at the emulator's
 * endpoint, scripts/e2e/up.ts) and in a pod with workload identity (AZURE_FEDERATED_TOKEN_FILE).
 * A Managed Identity credential and a Workload Identity Federation credential each pass n8n's
 * credential test and run the directory example (examples/access-review.json: users, their
 * groups and managers); the federated token file is read by n8n's process, and a rotated token is
 * what n8n's next token request carries. No token, assertion or header in any execution.
 */
import { writeFileSync } from 'node:fs';
import { APP_TYPE, readExamples } from '../../scripts/e2e/demo';
import { demoTenant, nodeOutput, type Execution, type WorkflowJson } from '../../scripts/e2e/stack';
import { e2e, expectSuccess, MANUAL_TRIGGER } from './helpers';

const ctx = e2e();
const CONTOSO = '9afc4c9b-52ad-5db7-a6ed-ff1ff2d75c8a';
const ACCESS_REVIEW = 'd03e7662-c26d-5d18-9ebc-adaac07f27a6';
/** The demo tenant's system-assigned identity ("n8n-host": User.Read.All, Directory.Read.All). */
const SYSTEM_MI = '6c1f0e3a-5b2d-4e8f-9a71-2d3c4b5a6e01';
const secrets: string[] = [];

const cloud = () => ({
	cloud: 'custom',
	customLoginUrl: ctx.emulatorUrl,
	customGraphUrl: ctx.emulatorUrl,
});

/** The access review example with its package nodes bound to `credential`. */
function accessReview(credential: { id: string; name: string }, name: string): WorkflowJson {
	const { workflow } = readExamples().find((e) => e.file === 'access-review.json')!;
	const copy = structuredClone(workflow);
	copy.name = name;
	for (const node of copy.nodes) {
		if (node.credentials?.microsoft365AppApi) node.credentials.microsoft365AppApi = credential;
	}
	return copy;
}

async function runExample(
	credential: { id: string; name: string },
	name: string,
): Promise<Execution> {
	const created = await ctx.n8n.createWorkflow(accessReview(credential, name));
	const execution = await ctx.n8n.runWorkflow(created.id, MANUAL_TRIGGER);
	expectSuccess(execution);
	const users = nodeOutput(execution, 'All Users');
	expect(users.length).toBe((await ctx.admin('GET', 'tenants')).tenants[0].users);
	const managers = nodeOutput(execution, 'Manager of User');
	expect(managers.map((m) => m.userPrincipalName)).toContain('alice@contoso.onmicrosoft.com');
	return execution;
}

function expectNoSecrets(execution: Execution): void {
	const text = JSON.stringify(execution);
	for (const secret of secrets) expect(text).not.toContain(secret);
	expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{6,}\.eyJ[A-Za-z0-9_-]{6,}\./);
}

test('n8n was started with the managed identity endpoint and a federated token file', () => {
	expect(ctx.state.managedIdentityEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/msi\/token$/);
	expect(ctx.state.federatedTokenFile).toBeTruthy();
	void demoTenant;
});

test("Managed Identity (system-assigned, App Service endpoint): n8n's credential test and the access review example", async () => {
	const mi = await ctx.admin('GET', 'managed-identity');
	secrets.push(mi.identityHeader);
	const data = { ...cloud(), authentication: 'managedIdentity', managedIdentity: 'system' };
	const credential = await ctx.n8n.createCredential('e2e managed identity', APP_TYPE, data);

	const tested = await ctx.n8n.testCredential(credential.id, APP_TYPE, data);
	expect(tested).toEqual(
		expect.objectContaining({
			status: 'OK',
			message: expect.stringContaining(`Connected to tenant ${CONTOSO} as managed identity`),
		}),
	);

	const before = (await ctx.admin('GET', 'managed-identity')).requests;
	const mark = await ctx.mark();
	const execution = await runExample(credential, 'e2e access review (managed identity)');
	const graph = (await ctx.logSince(mark)).filter((e) => e.url.startsWith('/v1.0/'));
	expect(graph.length).toBeGreaterThan(2);
	for (const entry of graph)
		expect(entry.auth).toMatchObject({ scheme: 'application', appId: SYSTEM_MI });
	// One token for the whole run (and the credential test's forced one before it was cached).
	expect((await ctx.admin('GET', 'managed-identity')).requests - before).toBeLessThanOrEqual(1);
	expectNoSecrets(execution);
});

test("Workload Identity Federation (AZURE_FEDERATED_TOKEN_FILE): n8n's credential test, the access review example, a rotated token used by the next token request", async () => {
	const file = ctx.state.federatedTokenFile!;
	const first = (await ctx.admin('POST', 'oidc/k8s/token', { serviceAccount: 'n8n' })).token;
	secrets.push(first);
	writeFileSync(file, first);
	// Federated Token File left empty: n8n's AZURE_FEDERATED_TOKEN_FILE is used.
	const data = {
		...cloud(),
		tenantId: CONTOSO,
		clientId: ACCESS_REVIEW,
		authentication: 'workloadIdentityFederation',
	};
	const credential = await ctx.n8n.createCredential('e2e federated', APP_TYPE, data);
	const tested = await ctx.n8n.testCredential(credential.id, APP_TYPE, data);
	expect(tested).toEqual(
		expect.objectContaining({
			status: 'OK',
			message: expect.stringContaining(`Connected to tenant ${CONTOSO} with a federated token`),
		}),
	);

	const mark = await ctx.mark();
	const execution = await runExample(credential, 'e2e access review (federated)');
	const graph = (await ctx.logSince(mark)).filter((e) => e.url.startsWith('/v1.0/'));
	expect(graph.length).toBeGreaterThan(2);
	for (const entry of graph)
		expect(entry.auth).toMatchObject({ scheme: 'application', appId: ACCESS_REVIEW });
	expectNoSecrets(execution);

	// Rotation: a token the app does not trust is written, Graph tokens are expired; n8n's next
	// token request carries it and the emulator refuses it by its subject.
	const rotated = 'system:serviceaccount:n8n:rotated-e2e';
	const second = (await ctx.admin('POST', 'oidc/k8s/token', { subject: rotated })).token;
	secrets.push(second);
	writeFileSync(file, second);
	await ctx.admin('POST', 'tokens/expire');
	const refusedBefore = (await ctx.admin('GET', 'login/stats')).errors['700213'] ?? 0;
	const created = await ctx.n8n.createWorkflow(
		accessReview(credential, 'e2e access review (rotated)'),
	);
	const refused = await ctx.n8n.runWorkflow(created.id, MANUAL_TRIGGER);
	expect(refused.status).toBe('error');
	expect(JSON.stringify(refused)).toContain(rotated);
	expect((await ctx.admin('GET', 'login/stats')).errors['700213']).toBe(refusedBefore + 1);
	expectNoSecrets(refused);

	// A trusted token again (the worker's service account): the same credential works.
	const third = (await ctx.admin('POST', 'oidc/k8s/token', { serviceAccount: 'n8n-worker' })).token;
	secrets.push(third);
	writeFileSync(file, third);
	const again = await runExample(credential, 'e2e access review (federated, rotated back)');
	expectNoSecrets(again);
});
