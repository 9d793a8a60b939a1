/**
 * Brings the whole stack up (build → stage → emulator → n8n → owner, API key, demo credentials,
 * example workflows) and down again. Used by `npm run dev` (scripts/dev.ts) and by the end-to-end
 * tests' global setup (test/e2e/global-setup.ts), so the tests check the very setup a newcomer gets.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDemoCredentials, importExamples, seedDemoData, type DemoCredentials } from './demo';
import {
	buildPackage,
	DEFAULT_OWNER,
	ensureRuntime,
	freePort,
	linkPackage,
	N8nClient,
	stagePackage,
	startPort443Forwarder,
	startEmulatorProcess,
	startN8nProcess,
	writeFixture,
	type EmulatorProcess,
	type Log,
	type Managed,
	type N8nProcess,
	type Owner,
	type StagedPackage,
} from './stack';

export interface StackOptions {
	/** Work directory (n8n user folder, logs, staged package); a fresh temp dir by default. */
	workDir?: string;
	/** Remove the work directory on stop (default: only when it was created here). */
	removeWorkDir?: boolean;
	/** n8n port (0: free). */
	n8nPort?: number;
	/** URL the browser uses for n8n (OAuth2 redirect URI base); default http://127.0.0.1:<port>. */
	editorBaseUrl?: string;
	/** Emulator port: a number, 0 for a free one; ignored without the emulator. */
	emulatorPort?: number;
	/** Start the emulator (default true; false for a real tenant). */
	emulator?: boolean;
	/**
	 * Map Microsoft's host names to the emulator in the n8n process: port 443 of a loopback
	 * address of its own is forwarded to the emulator. 'auto': when that port can be taken
	 * (root), else Custom endpoints only.
	 */
	hostMapping?: boolean | 'auto';
	build?: boolean;
	/** Extra n8n environment (e.g. N8N_DEFAULT_BINARY_DATA_MODE). */
	n8nEnv?: NodeJS.ProcessEnv;
	owner?: Owner;
	/** Create the demo credentials and import the example workflows (default true). */
	demo?: boolean;
	/** Echo the processes' output to this process's stdout. */
	echo?: boolean;
	log?: Log;
	/** Changes the emulator's tenant fixture before it starts (the benchmark adds a channel). */
	editFixture?: (fixture: any) => void;
}

export interface StackState {
	workDir: string;
	n8nUrl: string;
	n8nPort: number;
	/** The n8n main process (for memory measurements). */
	n8nPid?: number;
	userFolder: string;
	/** A directory the "Read/Write Files from Disk" node may read (N8N_RESTRICT_FILE_ACCESS_TO). */
	filesDir: string;
	n8nLog: string;
	emulatorUrl?: string;
	emulatorPort?: number;
	/** The emulator's SMTP endpoint (127.0.0.1; also port 587 of the mapped address). */
	smtpPort?: number;
	emulatorLog?: string;
	caFile?: string;
	/**
	 * n8n runs as if on an App Service with a managed identity (IDENTITY_ENDPOINT and IDENTITY_HEADER
	 * point at the emulator's endpoint) and in a pod with workload identity
	 * (AZURE_FEDERATED_TOKEN_FILE is this file; whoever wants a federated credential writes a token).
	 */
	managedIdentityEndpoint?: string;
	federatedTokenFile?: string;
	/** The loopback address Microsoft's host names resolve to in n8n (port 443), if mapped. */
	hostMapping?: string;
	owner: Owner;
	cookie: string;
	apiKey: string;
	staged: StagedPackage;
	credentials?: DemoCredentials;
	workflows: Record<string, { id: string; name: string; file: string }>;
	binaryDataMode: string;
}

export interface Stack {
	state: StackState;
	client: N8nClient;
	emulator?: EmulatorProcess;
	n8n: N8nProcess;
	stop(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
	const log = options.log ?? ((m: string) => console.log(m));
	const createdWorkDir = !options.workDir;
	const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'm365-n8n-'));
	mkdirSync(workDir, { recursive: true });
	const owner = options.owner ?? DEFAULT_OWNER;
	let emulator: EmulatorProcess | undefined;
	let n8n: N8nProcess | undefined;
	let forwarder: (Managed & { address: string }) | undefined;
	const stop = async () => {
		await n8n?.stop();
		await forwarder?.stop();
		await emulator?.stop();
		if (options.removeWorkDir ?? createdWorkDir)
			rmSync(workDir, { recursive: true, force: true, maxRetries: 3 });
	};
	try {
		ensureRuntime(log);
		if (options.build !== false) buildPackage(log);
		const staged = stagePackage(join(workDir, 'package'));
		if (staged.missing.length)
			log(`not built yet, left out of the staged package: ${staged.missing.join(', ')}`);

		const n8nPort = options.n8nPort || (await freePort());
		let brokerPort = await freePort();
		while (brokerPort === n8nPort) brokerPort = await freePort();
		const editorBaseUrl = options.editorBaseUrl ?? `http://127.0.0.1:${n8nPort}`;

		let hostMapping: string | undefined;
		if (options.emulator !== false) {
			const port = options.emulatorPort || (await freePort());
			const callbacks = [
				`${editorBaseUrl}/rest/oauth2-credential/callback`,
				`http://127.0.0.1:${n8nPort}/rest/oauth2-credential/callback`,
				`http://localhost:${n8nPort}/rest/oauth2-credential/callback`,
			];
			const fixture = writeFixture(join(workDir, 'tenant.json'), callbacks, options.editFixture);
			log(`starting the Microsoft 365 emulator on port ${port}`);
			emulator = await startEmulatorProcess({
				port,
				fixture,
				logFile: join(workDir, 'emulator.log'),
				echo: options.echo,
			});
			if (options.hostMapping) {
				forwarder = await startPort443Forwarder({
					targetPort: port,
					smtpPort: emulator.smtpPort,
					logFile: join(workDir, 'forward.log'),
				});
				if (forwarder) {
					hostMapping = forwarder.address;
					log(`Microsoft's host names map to ${forwarder.address}:443 (forwarded to the emulator)`);
				} else if (options.hostMapping === true) {
					throw new Error('host-name mapping needs port 443 on a loopback address (root)');
				} else {
					log('port 443 is not available: Microsoft host names stay unmapped (Custom endpoints)');
				}
			}
		}

		// Managed Identity and Workload Identity Federation credentials work in this n8n: the
		// emulator's App Service-style endpoint and a token file path in its environment.
		let identityEnv: NodeJS.ProcessEnv = {};
		let managedIdentityEndpoint: string | undefined;
		const federatedTokenFile = emulator ? join(workDir, 'federated-token') : undefined;
		if (emulator) {
			const mi = await emulator.admin<{
				endpoints: { appService: string };
				env: { appService: Record<string, string> };
			}>('GET', 'managed-identity');
			managedIdentityEndpoint = mi.endpoints.appService;
			identityEnv = { ...mi.env.appService, AZURE_FEDERATED_TOKEN_FILE: federatedTokenFile };
		}

		const userFolder = join(workDir, 'n8n');
		const filesDir = join(workDir, 'files');
		mkdirSync(filesDir, { recursive: true });
		linkPackage(userFolder, staged.dir);
		log(`starting n8n on ${editorBaseUrl} (first start: ~30-60 s of migrations)`);
		n8n = await startN8nProcess({
			port: n8nPort,
			brokerPort,
			userFolder,
			caFile: emulator?.caFile,
			hostMapping,
			env: { N8N_RESTRICT_FILE_ACCESS_TO: filesDir, ...identityEnv, ...options.n8nEnv },
			logFile: join(workDir, 'n8n.log'),
			echo: options.echo,
			editorBaseUrl,
		});

		const client = new N8nClient(n8n.url);
		await client.setupOwner(owner);
		await client.createApiKey();

		const state: StackState = {
			workDir,
			n8nUrl: n8n.url,
			n8nPort,
			n8nPid: n8n.child.pid,
			userFolder,
			filesDir,
			n8nLog: n8n.logFile,
			emulatorUrl: emulator?.url,
			emulatorPort: emulator?.port,
			smtpPort: emulator?.smtpPort,
			emulatorLog: emulator?.logFile,
			caFile: emulator?.caFile,
			managedIdentityEndpoint,
			federatedTokenFile,
			hostMapping,
			owner,
			cookie: client.cookie,
			apiKey: client.apiKey,
			staged,
			workflows: {},
			binaryDataMode: options.n8nEnv?.N8N_DEFAULT_BINARY_DATA_MODE ?? 'default',
		};
		if (options.demo !== false && emulator) {
			state.credentials = await createDemoCredentials(client, emulator, log);
			await seedDemoData(emulator.admin, log);
			// Custom endpoints reach the emulator on 127.0.0.1; so does SMTP (its certificate covers
			// 127.0.0.1): the credentials' SMTP Endpoint is the emulator's SMTP port.
			state.workflows = await importExamples(client, state.credentials, log);
		}
		writeFileSync(join(workDir, 'state.json'), JSON.stringify(state, null, '\t'));
		return { state, client, emulator, n8n, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}
