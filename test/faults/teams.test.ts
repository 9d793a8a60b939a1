/**
 * Teams `createOnce` operations under a fault at every request position (see model.ts): channel
 * message post and reply, post with a file (simple upload with each conflict behaviour, and an
 * upload session), chat message to a chat and to people (one person: Graph returns the existing
 * one-on-one chat; two: the node finds or creates the group chat). Messages are counted in the
 * emulator's channel and chat stores, files in the channel's files folder.
 */
import type { IDataObject } from 'n8n-workflow';
import { useEmulator } from '../helpers/emulator';
import { ALL_STAFF, REPORTS, REPORTS_USER, locator, runTeams } from '../teams/helpers';
import {
	describeFaults,
	esc,
	fastRetries,
	firstJson,
	type FaultOperation,
	type Pattern,
} from './model';

const emulator = useEmulator();
fastRetries();
// Retry waits are scaled to milliseconds here, so Teams' per-channel limit (4 posts a second,
// enforced by the emulator and tested in test/emulator/teams-limits.test.ts) would turn every
// post of this suite into 429s: this suite is about faults at positions, so the limit is lifted.
beforeAll(() => {
	emulator().teams.limits = { perSecond: 1_000_000, perDay: 1_000_000_000 };
});
const DRIVE = 'contoso.sharepoint.com:/sites/AllStaff/Documents';
const MiB = 1024 * 1024;

const CHANNEL = `^/v1\\.0/teams/${ALL_STAFF}/channels/${esc(encodeURIComponent(REPORTS))}`;
const post: Pattern = {
	name: 'POST message',
	method: 'POST',
	path: `${CHANNEL}/messages$`,
	effect: 'createOnce',
	creates: 'message',
};

function channelMessages(tag: string): number {
	return emulator()
		.teams.channel('All Staff', 'Reports')
		.messages.filter((m) => JSON.stringify(m.json.body).includes(tag)).length;
}

/** Files of this case in the channel's files folder (any "name 1.txt" beside "name.txt" counts). */
function filesOf(tag: string): number {
	const folder = emulator().drives.item(DRIVE, '/Reports');
	return (folder?.children ?? []).filter((i) => i.name.startsWith(tag)).length;
}

const channelRun = (operation: string, extra: IDataObject = {}) => ({
	resource: 'channelMessage',
	operation,
	team: locator(ALL_STAFF),
	channel: locator(REPORTS),
	...extra,
});

const hasId = (result: Parameters<FaultOperation['checkOutput']>[0]) => {
	expect(firstJson(result)?.id).toEqual(expect.any(String));
};

describeFaults(emulator, {
	name: 'Channel message: post',
	patterns: [post],
	run: async (c, settings) =>
		await runTeams({
			emu: emulator(),
			parameters: channelRun('post', { message: `post ${c.tag}` }),
			extra: { node: settings as never },
		}),
	products: (c) => ({ message: channelMessages(c.tag) }),
	checkOutput: hasId,
});

describeFaults(emulator, {
	name: 'Channel message: reply',
	patterns: [
		{
			name: 'POST reply',
			method: 'POST',
			path: `${CHANNEL}/messages/\\d+/replies$`,
			effect: 'createOnce',
			creates: 'reply',
		},
	],
	prepare: async (tag) => {
		const root = await runTeams({
			emu: emulator(),
			parameters: channelRun('post', { message: `root of ${tag}` }),
		});
		return { root: String(firstJson(root)?.id) };
	},
	run: async (c, settings) =>
		await runTeams({
			emu: emulator(),
			parameters: channelRun('reply', { messageId: c.data.root, message: `reply ${c.tag}` }),
			extra: { node: settings as never },
		}),
	products: (c) => {
		const root = emulator()
			.teams.channel('All Staff', 'Reports')
			.messages.find((m) => m.json.id === c.data.root);
		return { reply: (root?.replies ?? []).filter((r) => JSON.stringify(r).includes(c.tag)).length };
	},
	checkOutput: hasId,
});

const filesFolder: Pattern = {
	name: 'GET filesFolder',
	method: 'GET',
	path: `${CHANNEL}/filesFolder$`,
	effect: 'read',
};

const withFile = (c: { tag: string }, size: number, conflict: string, settings?: IDataObject) =>
	runTeams({
		emu: emulator(),
		parameters: channelRun('postWithFile', {
			message: `file ${c.tag}`,
			options: { conflictBehavior: conflict },
		}),
		input: [
			{
				json: {},
				binary: { data: { content: Buffer.alloc(size, 7), fileName: `${c.tag}.txt` } },
			},
		],
		extra: { node: settings as never },
	});

const fileProducts = (c: { tag: string }) => ({
	file: filesOf(c.tag),
	message: channelMessages(c.tag),
});
const fileOutput: FaultOperation['checkOutput'] = (result, c) => {
	const json = firstJson(result) as IDataObject & { file?: IDataObject };
	expect(json.id).toEqual(expect.any(String));
	expect(json.file?.name).toBe(`${c.tag}.txt`);
};

for (const conflict of ['rename', 'replace', 'fail'] as const) {
	describeFaults(emulator, {
		name: `Channel message: post with a small file (conflict ${conflict})`,
		patterns: [
			filesFolder,
			{
				name: 'PUT content',
				method: 'PUT',
				path: '^/v1\\.0/drives/[^/]+/items/[^/]+:/[^/]+:/content$',
				// Only an explicit replace may be repeated.
				effect: conflict === 'replace' ? 'replaceable' : 'createOnce',
				creates: 'file',
			},
			post,
		],
		run: async (c, settings) => await withFile(c, 2048, conflict, settings),
		products: fileProducts,
		checkOutput: fileOutput,
	});
}

const SESSION = '^/.*_api/v2\\.0/drives/[^/]+/items/[^/]+/uploadSession$';
describeFaults(emulator, {
	name: 'Channel message: post with a large file (upload session)',
	patterns: [
		filesFolder,
		{
			name: 'POST createUploadSession',
			method: 'POST',
			path: '^/v1\\.0/drives/[^/]+/items/[^/]+:/[^/]+:/createUploadSession$',
			effect: 'replaceable',
		},
		// 4 MiB + 64 KiB: one fragment (10 MiB chunks), the one that completes the file.
		{ name: 'PUT fragment', method: 'PUT', path: SESSION, effect: 'uploadLast', creates: 'file' },
		post,
	],
	extraPatterns: [
		{ name: 'GET session status', method: 'GET', path: SESSION, effect: 'read' },
		{ name: 'DELETE session', method: 'DELETE', path: SESSION, effect: 'replaceable' },
	],
	statusRead: 'GET session status',
	run: async (c, settings) => await withFile(c, 4 * MiB + 64 * 1024, 'rename', settings),
	products: fileProducts,
	checkOutput: fileOutput,
});

// ---------------------------------------------------------------------------------------------
// Chat messages

const chatPost: Pattern = {
	name: 'POST chat message',
	method: 'POST',
	path: '^/v1\\.0/chats/[^/]+/messages$',
	effect: 'createOnce',
	creates: 'message',
};

function chatMessages(tag: string): number {
	return emulator()
		.teams.store.chats.flatMap((c) => c.messages)
		.filter((m) => JSON.stringify(m.body).includes(tag)).length;
}

const chatOutput: FaultOperation['checkOutput'] = (result) => {
	expect(firstJson(result)).toMatchObject({ id: expect.any(String), chatId: expect.any(String) });
};

describeFaults(emulator, {
	name: 'Chat message: to a chat',
	patterns: [chatPost],
	prepare: async (tag) => {
		const carol = 'carol@contoso.onmicrosoft.com';
		if (emulator().teams.chatsWith(REPORTS_USER, carol).length === 0) {
			const first = await runTeams({
				emu: emulator(),
				parameters: {
					resource: 'chatMessage',
					operation: 'send',
					recipients: carol,
					message: `hello ${tag.length}`,
				},
			});
			expect(first.error).toBeUndefined();
		}
		const [chat] = emulator().teams.chatsWith(REPORTS_USER, carol);
		return { chat: chat.id };
	},
	run: async (c, settings) =>
		await runTeams({
			emu: emulator(),
			parameters: {
				resource: 'chatMessage',
				operation: 'send',
				sendTo: 'chat',
				chat: locator(String(c.data.chat)),
				message: `chat ${c.tag}`,
			},
			extra: { node: settings as never },
		}),
	products: (c) => ({ message: chatMessages(c.tag) }),
	checkOutput: chatOutput,
});

const me: Pattern = { name: 'GET me', method: 'GET', path: '^/v1\\.0/me$', effect: 'read' };
const user: Pattern = {
	name: 'GET user',
	method: 'GET',
	path: '^/v1\\.0/users$',
	effect: 'read',
};

describeFaults(emulator, {
	name: 'Chat message: to one person (their one-on-one chat)',
	patterns: [
		me,
		user,
		// Graph answers a repeated one-on-one create with the same chat.
		{ name: 'POST chats', method: 'POST', path: '^/v1\\.0/chats$', effect: 'replaceable' },
		chatPost,
	],
	concurrent: [['GET me', 'GET user']],
	run: async (c, settings) =>
		await runTeams({
			emu: emulator(),
			parameters: {
				resource: 'chatMessage',
				operation: 'send',
				recipients: 'carol@contoso.onmicrosoft.com',
				message: `one-on-one ${c.tag}`,
			},
			extra: { node: settings as never },
		}),
	products: (c) => {
		// Whatever happened, one one-on-one chat with Carol (a repeated create returns it).
		expect(emulator().teams.chatsWith(REPORTS_USER, 'carol@contoso.onmicrosoft.com')).toHaveLength(
			1,
		);
		return { message: chatMessages(c.tag) };
	},
	checkOutput: chatOutput,
});

describeFaults(emulator, {
	name: 'Chat message: to two people (finds or creates the group chat)',
	patterns: [
		me,
		user,
		{ ...user, name: 'GET user 2' },
		{
			name: 'GET my group chats',
			method: 'GET',
			path: '^/v1\\.0/me/chats$',
			effect: 'read',
		},
		{
			name: 'POST chats',
			method: 'POST',
			path: '^/v1\\.0/chats$',
			effect: 'createOnce',
			creates: 'chat',
		},
		chatPost,
	],
	concurrent: [['GET me', 'GET user', 'GET user 2']],
	// Two fresh people per case, so that each case creates its own group chat.
	prepare: async (tag) => {
		const [a, b] = emulator().directory.home.seedUsers(2, `g${tag.replace(/\W/g, '')}`);
		return { a: a.userPrincipalName, b: b.userPrincipalName, ids: [a.id, b.id] };
	},
	run: async (c, settings) =>
		await runTeams({
			emu: emulator(),
			parameters: {
				resource: 'chatMessage',
				operation: 'send',
				recipients: `${String(c.data.a)}, ${String(c.data.b)}`,
				message: `group ${c.tag}`,
			},
			extra: { node: settings as never },
		}),
	products: (c) => ({
		message: chatMessages(c.tag),
		chat: emulator().teams.chatsWith(REPORTS_USER, ...(c.data.ids as string[])).length,
	}),
	checkOutput: chatOutput,
});
