import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { odataString, searchPhrase } from '../../nodes/shared/odata';

const nodesDir = join(__dirname, '..', '..', 'nodes');

function sources(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = join(dir, entry.name);
		if (entry.isDirectory()) return sources(full);
		return entry.name.endsWith('.ts') ? [full] : [];
	});
}

describe('OData quoting (nodes/shared/odata.ts)', () => {
	it('quotes a string literal and doubles single quotes inside', () => {
		expect(odataString('group')).toBe("'group'");
		expect(odataString("O'Brien")).toBe("'O''Brien'");
		expect(odataString("x') or true or ('")).toBe("'x'') or true or ('''");
		expect(odataString('')).toBe("''");
	});

	it('makes a $search phrase with double quotes escaped and backslashes dropped', () => {
		expect(searchPhrase('displayName', 'Ann')).toBe('"displayName:Ann"');
		expect(searchPhrase('mail', 'a"b\\c')).toBe('"mail:a\\"bc"');
	});

	it('is the only place in nodes/ that escapes quotes for OData', () => {
		const copies = sources(nodesDir)
			.filter((file) => !file.endsWith(join('shared', 'odata.ts')))
			.filter((file) => /replace\(\s*\/'\/g/.test(readFileSync(file, 'utf8')))
			.map((file) => relative(nodesDir, file));
		expect(copies).toEqual([]);
	});

	it('quotes the chat type filter of Teams → Chat → Get Many', () => {
		const source = readFileSync(
			join(nodesDir, 'Microsoft365Teams', 'actions', 'chat', 'getMany.operation.ts'),
			'utf8',
		);
		expect(source).toMatch(/chatType eq \$\{odataString\(filters\.chatType\)\}/);
	});
});
