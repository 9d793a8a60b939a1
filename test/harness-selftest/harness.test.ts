/**
 * The test harness itself, with node and credential types defined here: binary data in both of
 * n8n's modes (a 50 MB file streamed, never held in memory), credentials with defaults and
 * expressions, an OAuth2 token refresh against the emulator's login service persisted through
 * updateCredentialsOauthTokenData, "continue on fail", a polling trigger's static data across
 * polls, listSearch / loadOptions and credential tests.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import {
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type ICredentialTestFunctions,
	type ICredentialType,
	type ICredentialsDecrypted,
	type IDataObject,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';
import { graph, mintToken, useEmulator } from '../helpers/emulator';
import {
	runCredentialTest,
	runListSearch,
	runLoadOptions,
	runNode,
	runPoll,
	type RunNodeOptions,
} from '../harness';

const CONTOSO = '9afc4c9b-52ad-5db7-a6ed-ff1ff2d75c8a';
const REPORT_SERVER = '20165740-cfbc-5244-967a-dc1596e69ece';
const REPORT_SECRET = 'RsQ8~demo.Report-Server-Secret-Value_0001';
const REDIRECT = 'http://localhost:5678/rest/oauth2-credential/callback';
const SCOPE =
	'openid offline_access https://graph.microsoft.com/User.Read https://graph.microsoft.com/User.Read.All';

const emulator = useEmulator({ accessTokenLifetime: 3600 });

// ---------------------------------------------------------------------------------------------
// Test-only credential and node types

/** Delegated OAuth2 to the emulator; the token URL is an expression over the other fields. */
class TestOAuth2Api implements ICredentialType {
	name = 'testOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Test OAuth2 API';

	properties: ICredentialType['properties'] = [
		{ displayName: 'Login URL', name: 'loginUrl', type: 'string', default: '' },
		{ displayName: 'Tenant', name: 'tenant', type: 'string', default: 'organizations' },
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'authorizationCode' },
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: '={{$self.loginUrl}}/{{$self.tenant}}/oauth2/v2.0/authorize',
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: '={{$self.loginUrl}}/{{$self.tenant}}/oauth2/v2.0/token',
		},
		{ displayName: 'Scope', name: 'scope', type: 'hidden', default: SCOPE },
		{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'body' },
	];
}

/** A bearer token with a declarative test request (as n8n's credential dialog runs it). */
class TestBearerApi implements ICredentialType {
	name = 'testBearerApi';

	displayName = 'Test Bearer API';

	properties: ICredentialType['properties'] = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
	];

	authenticate: ICredentialType['authenticate'] = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
	};

	test: ICredentialType['test'] = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/me' },
	};
}

/** Tested by a node's `methods.credentialTest` instead of a request. */
class TestFunctionTestedApi implements ICredentialType {
	name = 'testFunctionTestedApi';

	displayName = 'Test Function-Tested API';

	properties: ICredentialType['properties'] = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
	];
}

const credentialTypes = [new TestOAuth2Api(), new TestBearerApi(), new TestFunctionTestedApi()];

function description(overrides: Partial<INodeTypeDescription>): INodeTypeDescription {
	return {
		displayName: 'Test',
		name: 'test',
		group: ['transform'],
		version: 1,
		description: 'Harness self-test node',
		defaults: { name: 'Test' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
		...overrides,
	};
}

/** Hashes a binary property, as a stream (filesystem mode) or buffer, and writes a new file. */
class HashNode implements INodeType {
	description = description({
		displayName: 'Hash',
		name: 'hash',
		defaults: { name: 'Hash' },
		properties: [
			{ displayName: 'Property', name: 'binaryPropertyName', type: 'string', default: 'data' },
		],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const output: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const property = this.getNodeParameter('binaryPropertyName', i) as string;
			const binary = this.helpers.assertBinaryData(i, property);
			const hash = createHash('sha256');
			let chunks = 0;
			let largestChunk = 0;
			let metadata: IDataObject | undefined;
			if (binary.id) {
				const stream = await this.helpers.getBinaryStream(binary.id);
				for await (const chunk of stream) {
					hash.update(chunk as Buffer);
					chunks++;
					largestChunk = Math.max(largestChunk, (chunk as Buffer).length);
				}
				metadata = { ...(await this.helpers.getBinaryMetadata(binary.id)) };
			} else {
				const buffer = await this.helpers.getBinaryDataBuffer(i, property);
				hash.update(buffer);
				chunks = 1;
				largestChunk = buffer.length;
			}
			const digest = hash.digest('hex');
			const receipt = await this.helpers.prepareBinaryData(
				Buffer.from(`sha256 ${digest}\n`),
				'receipt.txt',
				'text/plain',
			);
			output.push({
				json: {
					sha256: digest,
					bytes: binary.bytes ?? null,
					fileName: binary.fileName ?? null,
					mimeType: binary.mimeType,
					id: binary.id ?? null,
					data: binary.data.length > 64 ? `${binary.data.length} chars` : binary.data,
					chunks,
					largestChunk,
					metadata: metadata ?? null,
					receiptText: (
						await this.helpers.binaryToBuffer(
							receipt.id
								? await this.helpers.getBinaryStream(receipt.id)
								: Buffer.from(receipt.data, 'base64'),
						)
					).toString(),
				},
				binary: { receipt },
				pairedItem: { item: i },
			});
		}
		return [output];
	}
}

/** Reads its credential, calls Graph with it, or refreshes its token. */
class GraphNode implements INodeType {
	description = description({
		displayName: 'Graph',
		name: 'graph',
		defaults: { name: 'Graph' },
		credentials: [{ name: 'testOAuth2Api', required: true }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				options: [
					{ name: 'Credential', value: 'credential' },
					{ name: 'Me', value: 'me' },
					{ name: 'Refresh', value: 'refresh' },
					{ name: 'User', value: 'user' },
				],
				default: 'me',
			},
			{ displayName: 'Graph URL', name: 'graphUrl', type: 'string', default: '' },
			{ displayName: 'User', name: 'user', type: 'string', default: '={{ $json.upn }}' },
		],
	});

	methods = {
		listSearch: {
			async searchUsers(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string) {
				const graphUrl = this.getNodeParameter('graphUrl') as string;
				const url =
					paginationToken ??
					`${graphUrl}/users?$top=2&$select=displayName,userPrincipalName${
						filter ? `&$filter=${encodeURIComponent(`startswith(displayName,'${filter}')`)}` : ''
					}`;
				const page = (await this.helpers.httpRequestWithAuthentication.call(this, 'testOAuth2Api', {
					url,
					json: true,
				})) as { value: IDataObject[]; '@odata.nextLink'?: string };
				return {
					results: page.value.map((u) => ({
						name: u.displayName as string,
						value: u.userPrincipalName as string,
					})),
					paginationToken: page['@odata.nextLink'],
				};
			},
		},
		loadOptions: {
			async operationsForGraph(this: ILoadOptionsFunctions) {
				const current = this.getCurrentNodeParameter('operation') as string;
				const credentials = await this.getCredentials('testOAuth2Api');
				return [
					{ name: `current: ${current}`, value: current },
					{ name: `token url: ${credentials.accessTokenUrl as string}`, value: 'url' },
				];
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const output: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			const operation = this.getNodeParameter('operation', i) as string;
			const graphUrl = this.getNodeParameter('graphUrl', i) as string;
			try {
				let json: IDataObject;
				if (operation === 'credential') {
					json = { ...(await this.getCredentials('testOAuth2Api', i)) };
				} else if (operation === 'refresh') {
					json = (await this.helpers.refreshOAuth2Token.call(this, 'testOAuth2Api')) as IDataObject;
				} else {
					const user = this.getNodeParameter('user', i) as string;
					const url = operation === 'me' ? `${graphUrl}/me` : `${graphUrl}/users/${user}`;
					json = (await this.helpers.httpRequestWithAuthentication.call(this, 'testOAuth2Api', {
						url,
						json: true,
					})) as IDataObject;
				}
				output.push({ json, pairedItem: { item: i } });
			} catch (error) {
				const nodeError =
					error instanceof NodeApiError || error instanceof NodeOperationError
						? error
						: new NodeApiError(this.getNode(), error, { itemIndex: i });
				if (this.continueOnFail()) {
					output.push({ json: { error: nodeError.message }, pairedItem: { item: i } });
					continue;
				}
				throw nodeError;
			}
		}
		return [output];
	}
}

/** Tests TestFunctionTestedApi with a function, over CredentialTestContext's request helper. */
class FunctionTesterNode implements INodeType {
	description = description({
		displayName: 'Function Tester',
		name: 'functionTester',
		defaults: { name: 'Function Tester' },
		credentials: [{ name: 'testFunctionTestedApi', required: true, testedBy: 'meTest' }],
	});

	methods = {
		credentialTest: {
			async meTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted) {
				const { baseUrl, accessToken } = credential.data as {
					baseUrl: string;
					accessToken: string;
				};
				try {
					// CredentialTestContext offers only the legacy `request` helper.
					// eslint-disable-next-line @n8n/community-nodes/no-deprecated-workflow-functions
					const me = (await this.helpers.request({
						uri: `${baseUrl}/me`,
						headers: { Authorization: `Bearer ${accessToken}` },
						json: true,
					})) as IDataObject;
					return {
						status: 'OK' as const,
						message: `Signed in as ${me.userPrincipalName as string}`,
					};
				} catch (error) {
					return { status: 'Error' as const, message: `HTTP ${error.statusCode as number}` };
				}
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

/** Emits source records newer than the cursor kept in the node's static data. */
const pollSource: Array<{ id: number; subject: string }> = [];

class PollNode implements INodeType {
	description = description({
		displayName: 'Poller',
		name: 'poller',
		group: ['trigger'],
		defaults: { name: 'Poller' },
		inputs: [],
		polling: true,
	});

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const staticData = this.getWorkflowStaticData('node');
		const lastId = (staticData.lastId as number | undefined) ?? 0;
		staticData.polls = ((staticData.polls as number | undefined) ?? 0) + 1;
		const fresh = pollSource.filter((record) => record.id > lastId);
		if (fresh.length === 0) return null;
		if (this.getMode() !== 'manual') staticData.lastId = fresh[fresh.length - 1].id;
		return [this.helpers.returnJsonArray(fresh)];
	}
}

const nodeTypes = {
	'test.hash': new HashNode(),
	'test.graph': new GraphNode(),
	'test.functionTester': new FunctionTesterNode(),
	'test.poller': new PollNode(),
};

// ---------------------------------------------------------------------------------------------

describe('binary data', () => {
	const hashRun = (
		binaryDataMode: RunNodeOptions['binaryDataMode'],
		content: Buffer | { path: string },
	) =>
		runNode({
			nodeTypes,
			node: { type: 'test.hash' },
			binaryDataMode,
			input: [
				{
					json: { n: 1 },
					binary: { data: { content, fileName: 'report.csv', mimeType: 'text/csv' } },
				},
			],
		});

	test('default mode: files travel base64-encoded in the items', async () => {
		const content = Buffer.from('a,b\n1,2\n');
		const { output, error } = await hashRun('default', content);
		expect(error).toBeUndefined();
		const [item] = output[0];
		expect(item.json).toMatchObject({
			sha256: createHash('sha256').update(content).digest('hex'),
			bytes: content.length,
			fileName: 'report.csv',
			mimeType: 'text/csv',
			id: null,
			data: content.toString('base64'),
			receiptText: `sha256 ${createHash('sha256').update(content).digest('hex')}\n`,
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.binary!.receipt).toMatchObject({ fileName: 'receipt.txt', mimeType: 'text/plain' });
		expect(item.binary!.receipt.id).toBeUndefined();
	});

	test('filesystem mode: a 50 MB file is streamed from disk to the node, never held in memory', async () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'harness-50mb-'));
		try {
			const file = path.join(dir, 'big.bin');
			const size = 50 * 1024 * 1024;
			const expected = createHash('sha256');
			const out = createWriteStream(file);
			for (let written = 0; written < size; written += 1024 * 1024) {
				const chunk = randomBytes(1024 * 1024);
				expected.update(chunk);
				if (!out.write(chunk)) await once(out, 'drain');
			}
			out.end();
			await once(out, 'finish');
			// Loading a stream into memory goes through Buffer.concat (n8n's binaryToBuffer) or
			// readFile: watch both.
			const concat = jest.spyOn(Buffer, 'concat');
			const readFile = jest.spyOn(fsPromises, 'readFile');

			const { output, error } = await hashRun('filesystem', { path: file });
			const largestConcat = Math.max(
				0,
				...concat.mock.results.map((r) => (r.value as Buffer).length),
			);
			concat.mockRestore();
			readFile.mockRestore();
			expect(largestConcat).toBeLessThan(1024 * 1024);
			expect(readFile).not.toHaveBeenCalled();
			expect(error).toBeUndefined();
			const json = output[0][0].json;
			expect(json).toMatchObject({
				sha256: expected.digest('hex'),
				bytes: size,
				data: 'filesystem-v2',
				metadata: { fileName: 'report.csv', mimeType: 'text/csv', fileSize: size },
			});
			expect(json.id).toMatch(
				/^filesystem-v2:workflows\/harness-workflow\/executions\/\d+\/binary_data\//,
			);
			// Read in the file stream's 64 KiB chunks, not as one buffer.
			expect(json.largestChunk).toBeLessThanOrEqual(64 * 1024);
			expect(json.chunks).toBeGreaterThanOrEqual(size / (64 * 1024));
			expect(output[0][0].binary!.receipt.id).toMatch(/^filesystem-v2:/);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe('credentials and OAuth2 against the emulator', () => {
	/** Signs in "reports" with the Report Server app, as n8n's OAuth2 callback stores the result. */
	async function connectedCredential(): Promise<IDataObject> {
		const emu = emulator();
		const authorize = await fetch(
			`${emu.authority(CONTOSO)}/oauth2/v2.0/authorize?${new URLSearchParams({
				response_type: 'code',
				client_id: REPORT_SERVER,
				redirect_uri: REDIRECT,
				scope: SCOPE,
				state: randomUUID(),
				login_hint: 'reports@contoso.onmicrosoft.com',
			})}`,
			{ redirect: 'manual' },
		);
		const code = new URL(authorize.headers.get('location')!).searchParams.get('code')!;
		const token = await fetch(`${emu.authority(CONTOSO)}/oauth2/v2.0/token`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({
				grant_type: 'authorization_code',
				client_id: REPORT_SERVER,
				client_secret: REPORT_SECRET,
				code,
				redirect_uri: REDIRECT,
				scope: SCOPE,
			}),
		});
		expect(token.status).toBe(200);
		return {
			loginUrl: emu.url,
			tenant: 'contoso.onmicrosoft.com',
			clientId: REPORT_SERVER,
			clientSecret: REPORT_SECRET,
			oauthTokenData: (await token.json()) as IDataObject,
		};
	}

	const graphRun = async (
		operation: string,
		stored: IDataObject,
		extra: Partial<RunNodeOptions> = {},
	) =>
		await runNode({
			nodeTypes,
			credentialTypes,
			node: {
				type: 'test.graph',
				parameters: { operation, graphUrl: emulator().graphUrl },
				credentials: { testOAuth2Api: { id: 'cred-1', name: 'Contoso reports' } },
			},
			credentialsData: { 'cred-1': stored as never },
			...extra,
		});

	test('getCredentials: stored data completed with defaults (inherited too) and resolved expressions', async () => {
		const stored = await connectedCredential();
		const { output, error, credentialWrites } = await graphRun('credential', stored);
		expect(error).toBeUndefined();
		expect(output[0][0].json).toMatchObject({
			accessTokenUrl: `${emulator().url}/contoso.onmicrosoft.com/oauth2/v2.0/token`,
			authUrl: `${emulator().url}/contoso.onmicrosoft.com/oauth2/v2.0/authorize`,
			scope: SCOPE,
			authentication: 'body',
			grantType: 'authorizationCode',
			clientId: REPORT_SERVER,
			// from oAuth2Api
			useDynamicClientRegistration: false,
			clientCredentialType: 'clientSecret',
			oauthTokenData: { refresh_token: (stored.oauthTokenData as IDataObject).refresh_token },
		});
		// doNotInherit fields of oAuth2Api are not part of an extending type
		expect(output[0][0].json).not.toHaveProperty('ignoreSSLIssues');
		expect(credentialWrites).toEqual([]);
	});

	test('refreshOAuth2Token: the emulator rotates the tokens, n8n persists them', async () => {
		const stored = await connectedCredential();
		const oldTokens = stored.oauthTokenData as IDataObject;
		const grantsBefore = emulator().login.stats.grants.refresh_token;
		const { output, error, updatedCredentials, credentialWrites } = await graphRun(
			'refresh',
			stored,
		);
		expect(error).toBeUndefined();
		expect(emulator().login.stats.grants.refresh_token).toBe(grantsBefore + 1);
		const refreshed = output[0][0].json;
		expect(refreshed.access_token).toEqual(expect.any(String));
		expect(refreshed.access_token).not.toBe(oldTokens.access_token);
		expect(refreshed.refresh_token).not.toBe(oldTokens.refresh_token);

		expect(credentialWrites.map((w) => [w.id, w.type, w.method])).toEqual([
			['cred-1', 'testOAuth2Api', 'updateCredentialsOauthTokenData'],
		]);
		// Only the token data changed in the stored credential: n8n's expiry stamp is added.
		expect(updatedCredentials['cred-1']).toEqual({
			...stored,
			oauthTokenData: { ...refreshed, n8n_expires_at: expect.any(String) },
		});
		expect((await graph(emulator(), 'GET', '/me', refreshed.access_token as string)).status).toBe(
			200,
		);
	});

	test('a 401 from Graph with an expired token: n8n refreshes, retries and persists', async () => {
		const stored = await connectedCredential();
		emulator().tokens.expireAll();
		const { output, error, updatedCredentials } = await graphRun('me', stored);
		expect(error).toBeUndefined();
		expect(output[0][0].json.userPrincipalName).toBe('reports@contoso.onmicrosoft.com');
		const newTokens = updatedCredentials['cred-1'].oauthTokenData as IDataObject;
		expect(newTokens.refresh_token).not.toBe((stored.oauthTokenData as IDataObject).refresh_token);
		expect(emulator().tokens.check(`Bearer ${newTokens.access_token as string}`, 'graph').ok).toBe(
			true,
		);
	});

	test('continue on fail: the failed item becomes an error item paired with its input', async () => {
		const stored = await connectedCredential();
		const input = [
			{ json: { upn: 'alice@contoso.onmicrosoft.com' } },
			{ json: { upn: 'nobody@contoso.onmicrosoft.com' } },
			{ json: { upn: 'bob@contoso.onmicrosoft.com' } },
		];
		const failing = await graphRun('user', stored, { input });
		expect(failing.output).toEqual([]);
		// As n8n stores it in the run data: the error's fields, not the instance.
		expect(failing.error).toMatchObject({
			name: 'NodeApiError',
			httpCode: '404',
			description: expect.stringContaining("'nobody@contoso.onmicrosoft.com' does not exist"),
		});

		const { output, error } = await graphRun('user', stored, { input, continueOnFail: true });
		expect(error).toBeUndefined();
		expect(
			output[0].map((item) => [item.json.userPrincipalName ?? item.json.error, item.pairedItem]),
		).toEqual([
			['alice@contoso.onmicrosoft.com', { item: 0 }],
			[expect.stringMatching(/resource you are requesting could not be found/i), { item: 1 }],
			['bob@contoso.onmicrosoft.com', { item: 2 }],
		]);
	});

	test('listSearch and loadOptions run with LoadOptionsContext and the credential', async () => {
		const stored = await connectedCredential();
		const common = {
			nodeTypes,
			credentialTypes,
			credentialsData: { 'cred-1': stored as never },
			node: {
				type: 'test.graph',
				parameters: { operation: 'user', graphUrl: emulator().graphUrl },
				credentials: { testOAuth2Api: { id: 'cred-1', name: 'Contoso reports' } },
			},
		};
		const first = await runListSearch({ ...common, methodName: 'searchUsers' });
		expect(first.result.results).toHaveLength(2);
		expect(first.result.paginationToken).toEqual(expect.stringContaining('/users?'));
		const second = await runListSearch({
			...common,
			methodName: 'searchUsers',
			paginationToken: first.result.paginationToken as string,
		});
		expect(second.result.results[0].value).not.toBe(first.result.results[0].value);
		const filtered = await runListSearch({ ...common, methodName: 'searchUsers', filter: 'Alice' });
		expect(filtered.result.results.map((r) => r.value)).toContain('alice@contoso.onmicrosoft.com');

		const options = await runLoadOptions({ ...common, methodName: 'operationsForGraph' });
		expect(options.result).toEqual([
			{ name: 'current: user', value: 'user' },
			{
				name: `token url: ${emulator().url}/contoso.onmicrosoft.com/oauth2/v2.0/token`,
				value: 'url',
			},
		]);
	});
});

describe('credential tests', () => {
	test("a credential type's test request, authenticated by its generic `authenticate`", async () => {
		const token = mintToken(emulator(), {
			user: 'alice@contoso.onmicrosoft.com',
			scopes: ['User.Read'],
		});
		const run = (accessToken: string) =>
			runCredentialTest({
				credentialTypes,
				credentialType: 'testBearerApi',
				data: { baseUrl: emulator().graphUrl, accessToken },
			});
		expect(await run(token)).toMatchObject({ status: 'OK', message: 'Connection successful!' });
		expect(await run('not-a-token')).toMatchObject({ status: 'Error', message: 'Unauthorized' });
	});

	test("a node's methods.credentialTest, with CredentialTestContext", async () => {
		const token = mintToken(emulator(), {
			user: 'bob@contoso.onmicrosoft.com',
			scopes: ['User.Read'],
		});
		const run = (accessToken: string) =>
			runCredentialTest({
				nodeTypes,
				credentialTypes,
				credentialType: 'testFunctionTestedApi',
				data: { baseUrl: emulator().graphUrl, accessToken },
			});
		expect(await run(token)).toMatchObject({
			status: 'OK',
			message: 'Signed in as bob@contoso.onmicrosoft.com',
		});
		expect(await run('expired')).toMatchObject({ status: 'Error', message: 'HTTP 401' });
	});

	test('an OAuth2 credential without a test: connected means OK', async () => {
		const run = (data: ICredentialDataDecryptedObject) =>
			runCredentialTest({ nodeTypes, credentialTypes, credentialType: 'testOAuth2Api', data });
		expect(await run({ oauthTokenData: { access_token: 'x' } })).toMatchObject({ status: 'OK' });
		expect(await run({})).toMatchObject({
			status: 'Error',
			message: 'This OAuth2 credential was not connected to an account.',
		});
	});
});

describe('polling trigger', () => {
	beforeEach(() => {
		pollSource.splice(0, pollSource.length, { id: 1, subject: 'a' }, { id: 2, subject: 'b' });
	});

	test('static data carries the cursor from one poll to the next', async () => {
		const first = await runPoll({ nodeTypes, node: { type: 'test.poller' } });
		expect(first.error).toBeUndefined();
		expect(first.output![0].map((i) => i.json.id)).toEqual([1, 2]);
		expect(first.staticData).toEqual({ 'node:Poller': { lastId: 2, polls: 1 } });
		expect(first.staticDataSaved).toBe(true);

		pollSource.push({ id: 3, subject: 'c' });
		const second = await runPoll({
			nodeTypes,
			node: { type: 'test.poller' },
			staticData: first.staticData,
		});
		expect(second.output![0].map((i) => i.json)).toEqual([{ id: 3, subject: 'c' }]);
		expect(second.staticData).toEqual({ 'node:Poller': { lastId: 3, polls: 2 } });

		// Nothing new: no execution, and n8n does not save the static data it changed.
		const third = await runPoll({
			nodeTypes,
			node: { type: 'test.poller' },
			staticData: second.staticData,
		});
		expect(third.output).toBeNull();
		expect(third.staticData).toEqual({ 'node:Poller': { lastId: 3, polls: 3 } });
		expect(third.staticDataSaved).toBe(false);
	});

	test('"Fetch test event": runNode polls once in manual mode', async () => {
		const { output, error, staticData } = await runNode({
			nodeTypes,
			node: { type: 'test.poller' },
			staticData: { 'node:Poller': { lastId: 1 } },
		});
		expect(error).toBeUndefined();
		expect(output[0].map((i) => i.json.id)).toEqual([2]);
		expect(staticData).toEqual({ 'node:Poller': { lastId: 1, polls: 1 } });
	});

	test('a poll that throws is reported as the trigger error', async () => {
		const failing = new PollNode();
		failing.poll = async function (this: IPollFunctions) {
			throw new NodeOperationError(this.getNode(), 'source unavailable');
		};
		const { output, error } = await runPoll({
			nodeTypes: { 'test.poller': failing },
			node: { type: 'test.poller' },
		});
		expect(output).toBeNull();
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error?.message).toBe('source unavailable');
	});
});
