/**
 * Review (issue "Trust", promise 1): large uploads through an upload session.
 *
 * A) The last fragment completes the file but its answer is lost (reset-after). The upload loop
 *    sees the session gone and says "the last fragment may have completed the file", but the
 *    item's error is not marked "may have acted", so n8n's Retry On Fail runs the item again:
 *    with If Exists = Rename that leaves a second "name 1.bin" (the README promises "never a
 *    second name 1.ext").
 * B) Same lost answer, and the status GET that follows fails once (500): the loop re-PUTs the
 *    last fragment (404, session gone because it was committed), then DELETEs the session (404)
 *    and counts the 404 as "deleted (the service confirmed it), so no partial file was left" —
 *    while the whole file is in the library.
 */
import { useEmulator } from '../helpers/emulator';
import { runNode } from '../harness';
import {
	appCredential,
	credentialTypes,
	fileInput,
	generated,
	libraryId,
	MiB,
	nodeTypes,
	REPORTS_SITE,
	rl,
	run,
	TYPE,
} from '../sharepoint/helpers';

const emulator = useEmulator();

afterEach(() => emulator().faults.clear());

const upload = (parameters: Record<string, unknown> = {}) => ({
	resource: 'file',
	operation: 'upload',
	folderPath: 'Review',
	binaryPropertyName: 'data',
	conflictBehavior: 'rename',
	...parameters,
});

const FINAL_PUT = '^/.*/uploadSession$';

test('A: lost answer on the last fragment + Retry On Fail with Rename leaves no second "name 1.bin"', async () => {
	const emu = emulator();
	emu.addFault({ kind: 'reset-after', method: 'PUT', path: FINAL_PUT, count: 1 });
	const size = 5 * MiB; // over the 4 MiB simple-upload limit: one session, one (last) fragment
	const result = await runNode({
		nodeTypes,
		credentialTypes,
		node: {
			type: TYPE,
			retryOnFail: true,
			maxTries: 2,
			waitBetweenTries: 0,
			parameters: {
				authentication: 'app',
				site: rl(REPORTS_SITE),
				library: rl(libraryId(emu)),
				...upload({ folderPath: 'ReviewA' }),
			},
			credentials: { microsoft365AppApi: { id: 'cred-archive', name: 'archive' } },
		} as never,
		credentialsData: { 'cred-archive': appCredential(emu) as never },
		input: [fileInput(generated(size).stream, 'dup.bin')],
	});
	const drive = libraryId(emu);
	expect(emu.drives.item(drive, '/ReviewA/dup.bin')).toBeDefined();
	// The first try committed dup.bin; the retry must not add "dup 1.bin".
	expect(emu.drives.item(drive, '/ReviewA/dup 1.bin')).toBeUndefined();
	void result;
});

test('B: "no partial file was left" is not claimed when the file was committed', async () => {
	const emu = emulator();
	emu.addFault({ kind: 'reset-after', method: 'PUT', path: FINAL_PUT, count: 1 });
	emu.addFault({
		kind: 'status',
		status: 500,
		retryAfter: null,
		method: 'GET',
		path: FINAL_PUT,
		count: 1,
	});
	const size = 5 * MiB;
	const result = await run(emu, upload({ folderPath: 'ReviewB', conflictBehavior: 'fail' }), {
		input: [fileInput(generated(size).stream, 'kept.bin')],
	});
	const drive = libraryId(emu);
	// The file is there, whole.
	expect(emu.drives.item(drive, '/ReviewB/kept.bin')).toBeDefined();
	const text = `${result.error?.message ?? ''} ${(result.error as { description?: string })?.description ?? ''}`;
	expect(result.error).toBeDefined();
	expect(text).not.toMatch(/no partial file was left/);
});
