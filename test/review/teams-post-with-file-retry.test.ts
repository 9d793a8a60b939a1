/**
 * Review (issue "Trust", promises 1/2): Channel Message > Post With File is two side effects per
 * item — an upload (If the File Exists defaults to "Keep Both", i.e. rename) and the post. When
 * the post is refused with an answer that proves nothing was posted (here a 403 once), the item
 * fails as "certain", the ledger keeps nothing, and n8n's Retry On Fail runs the whole item again:
 * the file is uploaded a second time as "name 1.ext" ("never a second name 1.ext" in the README).
 */
import { useEmulator } from '../helpers/emulator';
import { runNode } from '../harness';
import {
	ALL_STAFF,
	delegatedCredential,
	locator,
	nodeTypes,
	credentialTypes,
	REPORTS,
} from '../teams/helpers';

const emulator = useEmulator();
const DRIVE = 'contoso.sharepoint.com:/sites/AllStaff/Documents';

test('Retry On Fail after a refused post does not upload the file a second time; the error says where it is', async () => {
	const emu = emulator();
	emu.addFault({
		kind: 'status',
		status: 403,
		code: 'Forbidden',
		retryAfter: null,
		method: 'POST',
		path: '^/v1\\.0/teams/.*/messages$',
		count: 1,
	});
	const result = await runNode({
		nodeTypes,
		credentialTypes,
		node: {
			type: 'n8n-nodes-m365.microsoft365Teams',
			retryOnFail: true,
			maxTries: 2,
			waitBetweenTries: 0,
			parameters: {
				authentication: 'delegated',
				resource: 'channelMessage',
				operation: 'postWithFile',
				team: locator(ALL_STAFF),
				channel: locator(REPORTS),
				binaryPropertyName: 'report',
				message: 'review: once',
			},
			credentials: { microsoft365OAuth2Api: { id: 'me', name: 'Reports (delegated)' } },
		} as never,
		credentialsData: { me: (await delegatedCredential(emu)) as never },
		input: [
			{
				json: {},
				binary: { report: { content: Buffer.from('a,b\n1,2\n'), fileName: 'review.csv' } },
			},
		],
	});
	// Decided: once the file is uploaded, a failed post is not run again (a retry would upload a
	// second copy with "rename"); the error says where the file is and what to do.
	expect(result.error?.message).toMatch(
		/^The file "review\.csv" was uploaded, but the message was not posted: Forbidden/,
	);
	expect(String((result.error as { description?: string }).description)).toMatch(
		/not run again by Retry On Fail, so the file is not uploaded twice/,
	);
	expect(emu.drives.item(DRIVE, '/Reports/review.csv')).toBeDefined();
	expect(emu.drives.item(DRIVE, '/Reports/review 1.csv')).toBeUndefined();
});
