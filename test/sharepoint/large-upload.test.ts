/**
 * A 1 GiB upload through n8n's engine in filesystem binary mode: generated data streamed into
 * n8n's binary store and from there, chunk by chunk, into an upload session of a nested new
 * folder of a non-default library; bytes compared by hash; peak memory growth of the whole
 * process (n8n, the node and the in-process emulator together) measured and printed.
 */
import { useEmulator } from '../helpers/emulator';
import { fileInput, generated, libraryId, measurePeakRss, MiB, requests, run } from './helpers';

const emulator = useEmulator();

test('1 GiB streamed into a nested new folder: identical bytes, peak memory growth under 128 MiB', async () => {
	const emu = emulator();
	const size = 1024 * MiB;
	const source = generated(size);
	const parameters = {
		resource: 'file',
		operation: 'upload',
		folderPath: 'Exports/2024/full',
		binaryPropertyName: 'data',
		conflictBehavior: 'fail',
	};
	// A first, small upload session loads n8n's engine, msal and the transport (code, not data),
	// so that the measurement below sees what the 1 GiB itself costs.
	const warmUp = await run(emu, parameters, {
		input: [fileInput(generated(12 * MiB).stream, 'warm-up.bin')],
		binaryDataMode: 'filesystem',
	});
	expect(warmUp.error).toBeUndefined();
	const mark = emu.mark();
	const { result, growth, baseline, peak } = await measurePeakRss(
		async () =>
			await run(emu, parameters, {
				input: [fileInput(source.stream, 'full-export.bin')],
				binaryDataMode: 'filesystem',
			}),
	);
	expect(result.error).toBeUndefined();
	expect(result.output[0][0].json).toMatchObject({
		path: '/Exports/2024/full/full-export.bin',
		size,
		created: true,
	});
	expect(emu.drives.hash(libraryId(emu), '/Exports/2024/full/full-export.bin')).toBe(
		source.sha256(),
	);
	const puts = requests(emu, mark).filter((e) => e.method === 'PUT');
	// Files from 512 MiB on go in 30 MiB fragments (20 MiB from 128 MiB; 10 MiB by default).
	expect(puts).toHaveLength(Math.ceil(size / (30 * MiB)));
	const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;
	console.log(
		`1 GiB upload (filesystem binary mode, 30 MiB fragments for a large file, two held at a time, read in place from the file, n8n + node + in-process emulator): rss ${mib(baseline)} -> peak ${mib(peak)} (+${mib(growth)}), sampled every 20 ms with a GC every 100 ms`,
	);
	// Two 30 MiB fragment buffers (60 MiB), and the rest (sockets, TLS, the in-process emulator's
	// buffers): 44-75 MiB measured in most runs, once 112 MiB beside the fault suites on 2 cores.
	// The bound says the memory does not follow the file's size (1 GiB), with room for that load.
	expect(growth).toBeLessThan(128 * MiB);
	// A hang guard, not a timed assertion: alone this takes about a minute, beside the fault
	// suites on 2 cores several.
}, 900_000);
