/**
 * `npm run dev`: the package in a real n8n, against the Microsoft 365 emulator's demo tenant.
 *
 * Builds the package, starts the emulator on https://127.0.0.1:8443 (its CA trusted by the n8n
 * process), starts n8n 2.41 on http://localhost:5678 with the package loaded as a community
 * package, an owner account, credentials of both types for the demo tenant (Custom endpoints, no
 * root needed) and the example workflows imported. Ctrl-C stops everything.
 *
 *   npm run dev                          # emulator + n8n
 *   npm run dev -- --no-emulator         # n8n only, for your own tenant (or M365_DEV_NO_EMULATOR=1)
 *   npm run dev -- --port 5679 --emulator-port 9443 --no-build
 *
 * State lives in .dev/ (git-ignored) and is recreated on every start.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, type Stack } from './e2e/up';
import { demoApp, demoTenant, portAvailable, REPO_ROOT } from './e2e/stack';

function flag(name: string): boolean {
	return process.argv.includes(`--${name}`);
}

function option(name: string): string | undefined {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
	if (flag('help')) {
		console.log(
			'usage: npm run dev [-- --no-emulator] [--port 5678] [--emulator-port 8443] [--no-build]',
		);
		return;
	}
	const noEmulator =
		flag('no-emulator') || /^(1|true|yes)$/i.test(process.env.M365_DEV_NO_EMULATOR ?? '');
	const port = Number(option('port') ?? process.env.M365_DEV_PORT ?? 5678);
	const emulatorPort = Number(option('emulator-port') ?? process.env.M365_EMULATOR_PORT ?? 8443);
	for (const [what, p] of [
		['n8n', port],
		...(noEmulator ? [] : [['the emulator', emulatorPort]]),
	] as Array<[string, number]>) {
		if (!(await portAvailable(p)))
			throw new Error(
				`port ${p} (${what}) is in use; stop what runs there or pick another port (--port / --emulator-port)`,
			);
	}
	const workDir = join(REPO_ROOT, '.dev');
	rmSync(workDir, { recursive: true, force: true });

	const running: { stack?: Stack } = {};
	let stopping = false;
	const shutdown = async (code: number) => {
		if (stopping) return;
		stopping = true;
		console.log('\nstopping n8n and the emulator ...');
		await running.stack?.stop();
		process.exit(code);
	};
	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));

	const stack = await startStack({
		workDir,
		removeWorkDir: false,
		n8nPort: port,
		editorBaseUrl: `http://localhost:${port}`,
		emulator: !noEmulator,
		emulatorPort,
		build: !flag('no-build'),
		log: (m) => console.log(`dev: ${m}`),
	});
	running.stack = stack;
	const { state } = stack;
	const line = '─'.repeat(78);
	const out = [
		'',
		line,
		` n8n with n8n-nodes-m365 is running: http://localhost:${port}`,
		`   login      ${state.owner.email} / ${state.owner.password}`,
	];
	if (state.emulatorUrl) {
		const tenant = demoTenant();
		out.push(
			`   emulator   ${state.emulatorUrl} (Microsoft 365 demo tenant ${tenant.domains[0]}, ${tenant.tenantId})`,
			`              admin API ${state.emulatorUrl}/_emulator/log · CA ${state.caFile}`,
			'',
			' Credentials (Custom endpoints pointing at the emulator):',
			...Object.values(state.credentials ?? {}).map((c) => `   - ${c.name}`),
			'   The delegated ones are already signed in (reports@ and alice@). "Reconnect" in the',
			`   browser needs it to trust the emulator's CA (${state.caFile}) or to accept the warning.`,
			'',
			' Example workflows (open one and click "Execute workflow"):',
			...(Object.values(state.workflows).length
				? Object.values(state.workflows).map((w) => `   - ${w.name}  (examples/${w.file})`)
				: ['   (none imported: the nodes they use are not built yet)']),
			'',
			' What to try: run an example, then look at what the emulator received:',
			`   curl -s --cacert ${state.caFile} ${state.emulatorUrl}/_emulator/log | less`,
			` App secrets and users of the demo tenant: test/emulator/fixtures/demo-tenant.json`,
			` (e.g. Room Booking app ${demoApp('Room Booking').appId}).`,
		);
	} else {
		out.push(
			'',
			' No emulator (--no-emulator): create a "Microsoft 365 Delegated OAuth2 API" or',
			' "Microsoft 365 (App Client Credentials) API" credential for your own tenant (Cloud:',
			` Global). Register http://localhost:${port}/rest/oauth2-credential/callback as a Web`,
			' redirect URI of your app registration for the delegated one.',
		);
	}
	if (state.staged.missing.length)
		out.push('', ` Not built yet (left out): ${state.staged.missing.join(', ')}`);
	out.push('', ` Logs: ${state.n8nLog}${state.emulatorLog ? `, ${state.emulatorLog}` : ''}`);
	out.push(' Ctrl-C stops n8n and the emulator.', line, '');
	console.log(out.join('\n'));

	// Exit (and clean up) when n8n or the emulator dies on its own.
	for (const managed of [stack.n8n, stack.emulator])
		managed?.child.on('exit', (code) => {
			if (stopping) return;
			console.error(`dev: ${managed.name} exited (${code}); see ${managed.logFile}`);
			void shutdown(1);
		});
}

main().catch((error) => {
	console.error(`dev: ${error instanceof Error ? error.message : String(error)}`);
	process.exit(1);
});
