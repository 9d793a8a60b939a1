/**
 * `POST /beta/teams/{team-id}/channels/{channel-id}/messages`, the one `/beta` call the emulator
 * serves (n8n's Microsoft Teams v2 node posts channel messages there). Microsoft's beta page,
 * https://learn.microsoft.com/en-us/graph/api/channel-post-messages?view=graph-rest-beta: same
 * request and `201 Created` chatMessage as v1.0, same delegated permission (ChannelMessage.Send),
 * and the same service, so the same per-channel limits (4 a second, 3,000 a day per app and
 * channel) with one budget shared by v1.0 and beta posts.
 */
import { graph, mintToken, useEmulator } from '../helpers/emulator';

const emulator = useEmulator();
const REPORT_SERVER = '20165740-cfbc-5244-967a-dc1596e69ece';
const ALL_STAFF = '3add7a6f-6647-5926-9817-efe6fa89ce7f';
const GENERAL = '19:8d1f6a2b3c4e4f5a9b0c1d2e3f4a5b6c@thread.tacv2';
const messages = `/teams/${ALL_STAFF}/channels/${encodeURIComponent(GENERAL)}/messages`;

const token = (scopes = ['ChannelMessage.Send', 'ChannelMessage.Read.All']) =>
	mintToken(emulator(), {
		app: REPORT_SERVER,
		user: 'reports@contoso.onmicrosoft.com',
		scopes,
	});

async function postBeta(n: number, bearer = token()) {
	return await graph(emulator(), 'POST', `${emulator().url}/beta${messages}`, bearer, {
		body: { content: `beta ${n}` },
	});
}
async function postV1(n: number) {
	return await graph(emulator(), 'POST', messages, token(), { body: { content: `v1 ${n}` } });
}

beforeEach(() => {
	const emu = emulator();
	const frozen = Date.now();
	emu.teams.channelLimiter.clock = () => frozen;
	emu.teams.channelLimiter.reset();
	emu.teams.limits = { perSecond: 4, perDay: 3000 };
});

afterAll(() => {
	emulator().teams.channelLimiter.clock = Date.now;
});

describe('POST /beta/teams/{team-id}/channels/{channel-id}/messages', () => {
	test('creates the message (201, the v1.0 chatMessage shape, a beta @odata.context); v1.0 reads it', async () => {
		const created = await postBeta(1);
		expect(created.status).toBe(201);
		expect(created.body['@odata.context']).toContain('/beta/$metadata#teams(');
		expect(created.body.body).toEqual({ contentType: 'text', content: 'beta 1' });
		expect(created.body.channelIdentity).toEqual({ teamId: ALL_STAFF, channelId: GENERAL });
		const read = await graph(emulator(), 'GET', `${messages}/${created.body.id}`, token());
		expect(read.status).toBe(200);
		expect(read.body.id).toBe(created.body.id);
		expect(read.body.body.content).toBe('beta 1');
	});

	test('one per-channel budget with v1.0: the 5th post in a second is 429 with Retry-After', async () => {
		const statuses = [];
		statuses.push((await postV1(1)).status);
		statuses.push((await postBeta(2)).status);
		statuses.push((await postV1(3)).status);
		statuses.push((await postBeta(4)).status);
		expect(statuses).toEqual([201, 201, 201, 201]);
		const fifth = await postBeta(5);
		expect(fifth.status).toBe(429);
		expect(fifth.body.error.code).toBe('TooManyRequests');
		expect(Number(fifth.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
		expect((await postV1(6)).status).toBe(429);
		emulator().teams.advanceClock(1000);
		expect((await postBeta(7)).status).toBe(201);
	});

	test('needs ChannelMessage.Send (403 without it, 401 without a token)', async () => {
		const denied = await postBeta(1, token(['ChannelMessage.Read.All']));
		expect(denied.status).toBe(403);
		const anonymous = await graph(
			emulator(),
			'POST',
			`${emulator().url}/beta${messages}`,
			undefined,
			{
				body: { content: 'x' },
			},
		);
		expect(anonymous.status).toBe(401);
	});

	test('every other /beta path answers as before (not Graph to the emulator: 404)', async () => {
		for (const [method, path] of [
			['GET', `/beta${messages}`],
			['POST', `/beta${messages}/123/replies`],
			['GET', '/beta/me'],
		]) {
			const r = await graph(emulator(), method, `${emulator().url}${path}`, token());
			expect([method, path, r.status, r.body.error]).toEqual([method, path, 404, 'not_found']);
		}
	});
});
