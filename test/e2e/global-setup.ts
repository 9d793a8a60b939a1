/**
 * Brings up the stack for the end-to-end tests, exactly as `npm run dev` does (scripts/e2e/up.ts)
 * but on free ports, with binary data in filesystem mode and — when port 443 can be taken (root)
 * — Microsoft's host names mapped to the emulator inside the n8n process.
 *
 * M365_E2E_NO_BUILD=1 skips `npm run build`; M365_E2E_KEEP=1 keeps the work directory (logs,
 * n8n user folder) after the run.
 */
import { join } from 'node:path';
import { startStack } from '../../scripts/e2e/up';
import { STATE_ENV, type E2eGlobal } from './state';

export default async function globalSetup(): Promise<void> {
	const started = Date.now();
	const log = (m: string) => process.stderr.write(`e2e: ${m}\n`);
	const stack = await startStack({
		hostMapping: 'auto',
		build: !/^(1|true)$/i.test(process.env.M365_E2E_NO_BUILD ?? ''),
		removeWorkDir: !/^(1|true)$/i.test(process.env.M365_E2E_KEEP ?? ''),
		n8nEnv: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' },
		log,
	});
	(globalThis as E2eGlobal).__m365Stack = stack;
	// In the (temporary) work dir: it holds the API key and the demo credentials' data.
	process.env[STATE_ENV] = join(stack.state.workDir, 'state.json');
	log(
		`n8n ${stack.state.n8nUrl}, emulator ${stack.state.emulatorUrl}` +
			` (Microsoft host names ${stack.state.hostMapping ? `→ ${stack.state.hostMapping}:443` : 'not mapped'}), work dir ${stack.state.workDir},` +
			` up in ${Math.round((Date.now() - started) / 1000)} s`,
	);
}
