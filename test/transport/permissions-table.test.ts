/**
 * The permissions table: declarations collected from operation files, least-privileged
 * permissions per scheme from Microsoft's catalogue, README markers and `--check`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
	collectDeclarations,
	END_MARKER,
	renderPermissionsTable,
	replaceBetweenMarkers,
	run,
	START_MARKER,
} from '../../scripts/generate-permissions-table';
import { operationPermissions, validateDeclarations } from '../../nodes/shared/operations';

const FIXTURES = join(__dirname, 'fixtures');

describe('operation declarations', () => {
	it('collects graphCalls from nodes/<Node>/actions/<resource>/<operation>.operation.ts', () => {
		const ops = collectDeclarations(FIXTURES);
		expect(ops.map((o) => [o.node, o.resource, o.operation])).toEqual([
			['Fake Entra ID', 'user', 'Get Many'],
			['Fake Mail', 'message', 'getAll'],
			['Fake Mail', 'message', 'send'],
			['Fake Mail', 'user', 'me'],
		]);
		expect(validateDeclarations(ops)).toEqual([]);
	});

	it('works out least-privileged permissions per scheme', () => {
		const send = operationPermissions([
			{ method: 'POST', path: '/users/{id}/sendMail' },
			{ method: 'GET', path: '/me', scheme: 'delegated', when: 'no sender given' },
		]);
		expect(send.delegated).toEqual({
			required: ['Mail.Send'],
			conditional: [{ permission: 'User.Read', when: 'no sender given' }],
			unsupported: [],
		});
		expect(send.application).toEqual({ required: ['Mail.Send'], conditional: [], unsupported: [] });
		expect(
			operationPermissions([{ method: 'GET', path: '/me' }]).application.unsupported,
		).toHaveLength(1);
	});

	it('flags unknown paths and missing declarations', () => {
		expect(
			validateDeclarations([
				{
					node: 'N',
					resource: 'r',
					operation: 'o',
					graphCalls: [{ method: 'GET', path: '/nonsense/{id}/thing' }],
				},
				{ node: 'N', resource: 'r', operation: 'p', graphCalls: [] },
			]),
		).toEqual([
			"N r/o: GET /nonsense/{id}/thing is not in Microsoft's permissions catalogue",
			'N r/p: declares no graphCalls',
		]);
	});

	it('renders the table', () => {
		const table = renderPermissionsTable(collectDeclarations(FIXTURES));
		expect(table.split('\n').slice(0, 6)).toEqual([
			'| Node | Resource | Operation | Delegated (least privileged) | Application (least privileged) |',
			'| --- | --- | --- | --- | --- |',
			'| Fake Entra ID | user | Get Many | User.ReadBasic.All, User.Read.All\\* (Include Manager is on) | User.ReadBasic.All, User.Read.All (Include Manager is on) |',
			'| Fake Mail | message | getAll | Mail.ReadBasic | not available |',
			'| Fake Mail | message | send | Mail.Send, User.Read (no sender given) | Mail.Send |',
			'| Fake Mail | user | me | User.Read | not available |',
		]);
	});
});

describe('README markers and --check', () => {
	const readme = `# Title\n\nintro\n\n${START_MARKER}\nold\n${END_MARKER}\n\nafter\n`;

	it('replaces only what is between the markers', () => {
		const out = replaceBetweenMarkers(readme, 'TABLE');
		expect(out).toBe(`# Title\n\nintro\n\n${START_MARKER}\nTABLE\n${END_MARKER}\n\nafter\n`);
		expect(() => replaceBetweenMarkers('# no markers', 'x')).toThrow(
			/no <!-- permissions:start -->/,
		);
	});

	it('--check fails on a stale README, passes after writing', () => {
		const dir = mkdtempSync(join(tmpdir(), 'perm-table-'));
		const file = join(dir, 'README.md');
		writeFileSync(file, readme);
		const args = ['--root', FIXTURES, '--readme', file];
		expect(run([...args, '--check']).ok).toBe(false);
		expect(readFileSync(file, 'utf8')).toBe(readme);
		expect(run(args)).toMatchObject({ ok: true });
		expect(readFileSync(file, 'utf8')).toContain('| Fake Mail | message | send |');
		expect(run([...args, '--check'])).toMatchObject({
			ok: true,
			messages: ['permissions table up to date (4 operations)'],
		});
	});
});
