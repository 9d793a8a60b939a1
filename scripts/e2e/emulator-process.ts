/**
 * The emulator as its own process for `npm run dev` and the end-to-end tests: as
 * `npm run emulator` (test/emulator/cli.ts), plus the SMTP submission endpoint (smtp.office365.com
 * stand-in, STARTTLS + XOAUTH2). Prints `NODE_EXTRA_CA_CERTS=<file>` and `SMTP port <n>`.
 *
 *   tsx scripts/e2e/emulator-process.ts --port 8443 --fixture FILE [--smtp-port 0]
 */
import { DEMO_FIXTURE, startEmulator } from '../../test/emulator/emulator';

function arg(name: string): string | undefined {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
	const emu = await startEmulator({
		port: Number(arg('port') ?? 8443),
		host: '127.0.0.1',
		fixture: arg('fixture') ?? DEMO_FIXTURE,
		smtp: { port: Number(arg('smtp-port') ?? 0) },
	});
	console.log(`Microsoft 365 emulator listening on ${emu.url}`);
	console.log(`  Graph ${emu.graphUrl}, login ${emu.authority()}, admin ${emu.url}/_emulator/`);
	console.log(`  SMTP port ${emu.smtpPort} (STARTTLS, XOAUTH2)`);
	console.log(`  CA to trust: NODE_EXTRA_CA_CERTS=${emu.caFile}`);
	const stop = async () => {
		await emu.close();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());
}

void main().catch((error) => {
	console.error(error);
	process.exit(1);
});
