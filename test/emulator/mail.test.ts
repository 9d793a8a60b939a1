/**
 * The emulator's mail rules written from Microsoft's documentation: `$search` on messages
 * (at most 1,000 results, sent-date order, not with `$orderby`), `$filter` with `$orderby`
 * (InefficientFilter) and message delta (full and `Prefer: return=minimal` shapes).
 */
import { graph, mintToken, useEmulator } from '../helpers/emulator';

const emulator = useEmulator({ accessTokenLifetime: 3600 });
const CAROL = 'carol@contoso.onmicrosoft.com';

function appToken(roles = ['Mail.ReadWrite']): string {
	return mintToken(emulator(), { roles });
}

describe('$search on messages', () => {
	// https://learn.microsoft.com/en-us/graph/search-query-parameter#using-search-on-message-collections
	beforeAll(() => emulator().mail.seed(CAROL, 1100));

	test('returns at most 1,000 results, newest sent first, however it is paged', async () => {
		const emu = emulator();
		const token = appToken();
		const first = await graph(
			emu,
			'GET',
			`/users/${CAROL}/messages?$search="seeded"&$top=1000&$select=subject,sentDateTime`,
			token,
		);
		expect(first.status).toBe(200);
		expect(first.body.value).toHaveLength(1000);
		expect(first.body['@odata.nextLink']).toBeUndefined();
		expect(first.body.value[0].subject).toBe('Seeded message 1100');
		const sent = first.body.value.map((m: any) => m.sentDateTime);
		expect([...sent].sort().reverse()).toEqual(sent);

		let url: string | undefined =
			`/users/${CAROL}/messages?$search="seeded"&$top=300&$select=subject`;
		let total = 0;
		while (url) {
			const page = await graph(emu, 'GET', url, token);
			expect(page.status).toBe(200);
			total += page.body.value.length;
			url = page.body['@odata.nextLink'];
		}
		expect(total).toBe(1000);
		// without $search, all 1,100 are listed
		const all = await graph(emu, 'GET', `/users/${CAROL}/messages?$top=1000&$select=id`, token);
		expect(all.body['@odata.nextLink']).toBeDefined();
	});

	test('is refused with $orderby (and with $filter)', async () => {
		const emu = emulator();
		const token = appToken();
		const ordered = await graph(
			emu,
			'GET',
			`/users/${CAROL}/messages?$search="seeded"&$orderby=receivedDateTime desc`,
			token,
		);
		expect(ordered.status).toBe(400);
		expect(ordered.body.error.message).toMatch(/\$orderby/);
		const filtered = await graph(
			emu,
			'GET',
			`/users/${CAROL}/messages?$search="seeded"&$filter=isRead eq false`,
			token,
		);
		expect(filtered.status).toBe(400);
	});
});

describe('$filter with $orderby on messages', () => {
	// https://learn.microsoft.com/en-us/graph/api/user-list-messages ("Using filter and orderby in
	// the same query")
	test.each([
		['isRead eq false', 'receivedDateTime desc'],
		["subject eq 'x' and receivedDateTime ge 2020-01-01T00:00:00Z", 'receivedDateTime desc'],
	])('InefficientFilter: $filter=%s&$orderby=%s', async (filter, orderby) => {
		const call = await graph(
			emulator(),
			'GET',
			`/users/${CAROL}/messages?$filter=${encodeURIComponent(filter)}&$orderby=${encodeURIComponent(orderby)}`,
			appToken(),
		);
		expect(call.status).toBe(400);
		expect(call.body.error.code).toBe('InefficientFilter');
		expect(call.body.error.message).toBe(
			'The restriction or sort order is too complex for this operation.',
		);
	});

	test('accepted when the ordered properties lead the filter, in order', async () => {
		const filter = 'receivedDateTime ge 2020-01-01T00:00:00Z and isRead eq false';
		const call = await graph(
			emulator(),
			'GET',
			`/users/${CAROL}/messages?$filter=${encodeURIComponent(filter)}&$orderby=receivedDateTime desc&$top=5`,
			appToken(),
		);
		expect(call.status).toBe(200);
		expect(call.body.value).toHaveLength(5);
	});
});
