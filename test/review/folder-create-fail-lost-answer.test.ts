/**
 * Review (issue "Trust", promise 1): Folder > Create with "If the Folder Exists" = Fail is
 * declared `replaceable`, so after a lost answer (the folder was created) the transport sends
 * it again, Graph answers 409, and the item fails with "already exists … choose Use Existing or
 * Rename" although this very run created the folder. A repeat is not harmless for Fail: it turns
 * a success into a misleading failure (and Retry On Fail then fails the same way every try).
 */
import { useEmulator } from '../helpers/emulator';
import { libraryId, run } from '../sharepoint/helpers';

const emulator = useEmulator();
afterEach(() => emulator().faults.clear());

test('Fail: a lost answer on the create does not end in "already exists" for the folder it made', async () => {
	const emu = emulator();
	emu.addFault({
		kind: 'reset-after',
		method: 'POST',
		path: '^/v1\\.0/drives/.*/children$',
		count: 1,
	});
	const result = await run(emu, {
		resource: 'folder',
		operation: 'create',
		folderPath: 'ReviewFresh',
		ifExists: 'fail',
	});
	expect(emu.drives.item(libraryId(emu), '/ReviewFresh')).toBeDefined();
	// Either the item succeeds, or it says the create may have been carried out — not "already exists".
	expect(result.error?.message ?? '').not.toMatch(/already exists/);
});
