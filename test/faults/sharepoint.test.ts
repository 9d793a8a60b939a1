/**
 * SharePoint `createOnce` operations under a fault at every request position (see model.ts):
 * upload (simple, per conflict behaviour; and through an upload session of two fragments), copy
 * (POST copy, the monitor polled twice, the new item), folder create (each "If the Folder
 * Exists" mode) and move (within the library: PATCH; to another library: copy, then delete).
 * Products are counted in the emulator's drive store by the case's unique name: a "name 1.txt"
 * beside "name.txt" counts as a second file.
 */
import type { IDataObject } from 'n8n-workflow';
import { useEmulator } from '../helpers/emulator';
import { fileInput, libraryId, rl, run } from '../sharepoint/helpers';
import {
	describeFaults,
	fastRetries,
	firstJson,
	type Expected,
	type FaultKind,
	type FaultOperation,
	type Pattern,
} from './model';

const emulator = useEmulator();
fastRetries();
const MiB = 1024 * 1024;

const reports = () => libraryId(emulator());
const documents = () => libraryId(emulator(), 'Documents');

/** Items of a folder whose names start with the case's tag. */
function named(drive: string, folder: string, tag: string): number {
	const item = emulator().drives.item(drive, folder);
	return (item?.children ?? []).filter((i) => i.name.startsWith(tag)).length;
}

const DRIVES: Pattern = {
	name: 'GET site drives',
	method: 'GET',
	path: '^/v1\\.0/sites/[^/]+/drives$',
	effect: 'read',
};
const lookup = (name: string, folder: string): Pattern => ({
	name,
	method: 'GET',
	path: `^/v1\\.0/drives/[^/]+/root:/${folder}:$`,
	effect: 'read',
});
const ITEM = '^/v1\\.0/drives/[^/]+/items/[^/:]+$';
const SESSION = '^/.*_api/v2\\.0/drives/[^/]+/items/[^/]+/uploadSession$';

const uploadParams = (c: { tag: string }, conflict: string) => ({
	resource: 'file',
	operation: 'upload',
	folderPath: 'faults',
	conflictBehavior: conflict,
	options: { chunkSizeMiB: 2.5 },
	fileName: `${c.tag}.txt`,
});
const uploadOutput: FaultOperation['checkOutput'] = (result, c) => {
	expect(firstJson(result)).toMatchObject({ id: expect.any(String), name: `${c.tag}.txt` });
};

beforeAll(async () => {
	// The folders the cases use exist (their creation is not part of the cases).
	for (const folderPath of ['faults', 'faults-src', 'faults-dst']) {
		const r = await run(emulator(), { resource: 'folder', operation: 'create', folderPath });
		expect(r.error).toBeUndefined();
	}
	const r = await run(emulator(), {
		resource: 'folder',
		operation: 'create',
		folderPath: 'faults-dst',
		library: rl(documents()),
	});
	expect(r.error).toBeUndefined();
});

for (const conflict of ['fail', 'rename', 'replace'] as const) {
	describeFaults(emulator, {
		name: `Upload, simple (conflict ${conflict})`,
		patterns: [
			DRIVES,
			lookup('GET folder', 'faults'),
			{
				name: 'PUT content',
				method: 'PUT',
				path: '^/v1\\.0/drives/[^/]+/items/[^/]+:/[^/]+:/content$',
				effect: conflict === 'replace' ? 'replaceable' : 'createOnce',
				creates: 'file',
			},
		],
		run: async (c, settings) =>
			await run(emulator(), uploadParams(c, conflict), {
				input: [fileInput(Buffer.from(`content of ${c.tag}`), `${c.tag}.txt`)],
				settings: settings as never,
			}),
		products: (c) => ({ file: named(reports(), '/faults', c.tag) }),
		checkOutput: uploadOutput,
	});
}

describeFaults(emulator, {
	name: 'Upload through a session (two fragments)',
	patterns: [
		DRIVES,
		lookup('GET folder', 'faults'),
		{
			name: 'POST createUploadSession',
			method: 'POST',
			path: '^/v1\\.0/drives/[^/]+/items/[^/]+:/[^/]+:/createUploadSession$',
			effect: 'replaceable',
		},
		{ name: 'PUT fragment 1', method: 'PUT', path: SESSION, effect: 'uploadFragment' },
		{ name: 'PUT fragment 2', method: 'PUT', path: SESSION, effect: 'uploadLast', creates: 'file' },
	],
	extraPatterns: [
		{ name: 'GET session status', method: 'GET', path: SESSION, effect: 'read' },
		{ name: 'DELETE session', method: 'DELETE', path: SESSION, effect: 'replaceable' },
	],
	statusRead: 'GET session status',
	// 4 MiB + 64 KiB in fragments of 2.5 MiB.
	run: async (c, settings) =>
		await run(emulator(), uploadParams(c, 'rename'), {
			input: [fileInput(Buffer.alloc(4 * MiB + 64 * 1024, 3), `${c.tag}.txt`)],
			settings: settings as never,
		}),
	products: (c) => ({ file: named(reports(), '/faults', c.tag) }),
	checkOutput: uploadOutput,
});

// ---------------------------------------------------------------------------------------------
// Copy and move

async function sourceFile(tag: string): Promise<IDataObject> {
	const r = await run(
		emulator(),
		{ ...uploadParams({ tag }, 'fail'), folderPath: 'faults-src' },
		{ input: [fileInput(Buffer.from(`source ${tag}`), `${tag}.txt`)] },
	);
	expect(r.error).toBeUndefined();
	return {};
}

const transfer = (operation: string, c: { tag: string }, extra: IDataObject = {}) => ({
	resource: 'file',
	operation,
	file: rl(`faults-src/${c.tag}.txt`, 'path'),
	destinationLibrary: rl(''),
	destinationFolderPath: 'faults-dst',
	newName: '',
	conflictBehavior: 'rename',
	createFolders: true,
	...extra,
});

const sourceItem = lookup('GET source', 'faults-src/[^/]+');
const MONITOR = '^/.*_api/v2\\.0/monitor/[^/]+$';
const copySteps: Pattern[] = [
	{
		name: 'POST copy',
		method: 'POST',
		path: '^/v1\\.0/drives/[^/]+/items/[^/]+/copy$',
		effect: 'createOnce',
		creates: 'copy',
	},
	{ name: 'GET monitor (in progress)', method: 'GET', path: MONITOR, effect: 'read' },
	{ name: 'GET monitor (completed)', method: 'GET', path: MONITOR, effect: 'read' },
	{ name: 'GET new item', method: 'GET', path: ITEM, effect: 'read' },
];

/** After the copy was accepted, any failure leaves the copy made (or under way). */
const afterCopy = (names: string[]) => (position: { name: string }) =>
	names.includes(position.name);

/**
 * The monitor is polled by the operation, not only retried by the transport: after a 500 it
 * polls again (the copy goes on); a lost answer to the "in progress" poll was that poll, so the
 * transport's repeat is the "completed" one.
 */
function monitorPolls(position: { name: string }, kind: FaultKind, expected: Expected): Expected {
	if (!position.name.startsWith('GET monitor')) return expected;
	if (kind.name === '500') return { ...expected, fate: 'ok', attempts: 2 };
	if (kind.name === 'reset-after' && position.name === 'GET monitor (in progress)')
		return { ...expected, attempts: 1 };
	return expected;
}

describeFaults(emulator, {
	name: 'Copy (rename on conflict)',
	patterns: [DRIVES, sourceItem, lookup('GET destination folder', 'faults-dst'), ...copySteps],
	prepare: sourceFile,
	run: async (c, settings) =>
		await run(emulator(), transfer('copy', c), { settings: settings as never }),
	products: (c) => ({
		copy: named(reports(), '/faults-dst', c.tag),
		source: named(reports(), '/faults-src', c.tag),
	}),
	productsAfter: (_p, _h, _e, counts) => ({ ...counts, source: 1 }),
	checkOutput: (result, c) => {
		expect(firstJson(result)).toMatchObject({
			name: `${c.tag}.txt`,
			path: `/faults-dst/${c.tag}.txt`,
		});
	},
	adjust: (position, kind, expected) =>
		expected.fate === 'failed' && afterCopy(['GET new item'])(position)
			? { ...expected, fate: 'uncertain' }
			: monitorPolls(position, kind, expected),
});

describeFaults(emulator, {
	name: 'Move within the library',
	patterns: [
		DRIVES,
		sourceItem,
		lookup('GET destination folder', 'faults-dst'),
		{ name: 'PATCH item', method: 'PATCH', path: ITEM, effect: 'replaceable', creates: 'moved' },
	],
	prepare: sourceFile,
	run: async (c, settings) =>
		await run(emulator(), transfer('move', c), { settings: settings as never }),
	products: (c) => ({
		moved: named(reports(), '/faults-dst', c.tag),
		source: named(reports(), '/faults-src', c.tag),
	}),
	productsAfter: (_p, _h, _e, counts) => ({ ...counts, source: 1 - counts.moved }),
	checkOutput: (result, c) => {
		expect(firstJson(result)).toMatchObject({ path: `/faults-dst/${c.tag}.txt` });
	},
});

describeFaults(emulator, {
	name: 'Move to another library (copy, then delete)',
	patterns: [
		DRIVES,
		sourceItem,
		lookup('GET destination folder', 'faults-dst'),
		...copySteps,
		{ name: 'DELETE source', method: 'DELETE', path: ITEM, effect: 'replaceable' },
	],
	prepare: sourceFile,
	run: async (c, settings) =>
		await run(emulator(), transfer('move', c, { destinationLibrary: rl(documents()) }), {
			settings: settings as never,
		}),
	products: (c) => ({
		copy: named(documents(), '/faults-dst', c.tag),
		source: named(reports(), '/faults-src', c.tag),
	}),
	productsAfter: (p, handled, e, counts) => ({
		...counts,
		source: e.fate === 'ok' || (p.name === 'DELETE source' && handled) ? 0 : 1,
	}),
	checkOutput: (result, c) => {
		expect(firstJson(result)).toMatchObject({
			path: `/faults-dst/${c.tag}.txt`,
			library: 'Documents',
		});
	},
	adjust: (position, kind, expected) =>
		expected.fate === 'failed' && afterCopy(['GET new item', 'DELETE source'])(position)
			? { ...expected, fate: 'uncertain' }
			: monitorPolls(position, kind, expected),
});

// ---------------------------------------------------------------------------------------------
// Folder create

for (const ifExists of ['fail', 'rename', 'useExisting'] as const) {
	describeFaults(emulator, {
		name: `Folder create (If the Folder Exists: ${ifExists})`,
		patterns: [
			DRIVES,
			lookup('GET parent', 'faults'),
			{
				name: 'POST children',
				method: 'POST',
				path: '^/v1\\.0/drives/[^/]+/items/[^/]+/children$',
				// Use Existing alone is repeated (a repeat finds the folder: 409, then a lookup).
				effect: ifExists === 'useExisting' ? 'replaceable' : 'createOnce',
				creates: 'folder',
			},
		],
		extraPatterns: [lookup('GET the folder', 'faults/[^/]+')],
		extraRequests: (position, kind) =>
			ifExists === 'useExisting' && position.name === 'POST children' && kind.name === 'reset-after'
				? { 'GET the folder': 1 }
				: ({} as Record<string, number>),
		run: async (c, settings) =>
			await run(
				emulator(),
				{ resource: 'folder', operation: 'create', folderPath: `faults/${c.tag}`, ifExists },
				{ settings: settings as never },
			),
		products: (c) => ({ folder: named(reports(), '/faults', c.tag) }),
		checkOutput: (result, c) => {
			// After a lost answer Use Existing finds the folder its first request made: created false.
			expect(firstJson(result)).toMatchObject({ name: c.tag, type: 'folder' });
			if (ifExists !== 'useExisting') expect(firstJson(result)?.created).toBe(true);
		},
	});
}
