/**
 * The Entra trigger's per-property fingerprints with both delta shapes: Graph's default (every
 * selected property that is set; omitted = unset) and `Prefer: return=minimal` (changed
 * properties only; omitted = unchanged). Also the Mail trigger's bounded seen-set.
 */
import type { IDataObject } from 'n8n-workflow';
import { compareFingerprint } from '../../nodes/Microsoft365EntraId/trigger/delta';
import { advanceSeen } from '../../nodes/Microsoft365Mail/trigger/newMessage.operation';

const user = { id: 'u1', displayName: 'Bob', department: 'Finance', jobTitle: 'Clerk' };

function baseline(object: IDataObject = user) {
	const fields: string[] = [];
	const { fingerprint, changed } = compareFingerprint(undefined, object, fields, 'full');
	return { fields, fingerprint, changed };
}

describe('compareFingerprint', () => {
	test('an unknown object lists its set properties; 4 characters per field', () => {
		const b = baseline();
		expect(b.fields).toEqual(['displayName', 'department', 'jobTitle']);
		expect(b.fingerprint).toHaveLength(12);
		expect(b.changed).toEqual(['displayName', 'department', 'jobTitle']);
	});

	test.each(['displayName', 'department', 'jobTitle'])(
		'a change of %s alone is detected once, with either shape',
		(name) => {
			for (const shape of ['full', 'minimal'] as const) {
				const b = baseline();
				const entry =
					shape === 'full' ? { ...user, [name]: 'changed' } : { id: 'u1', [name]: 'changed' };
				const first = compareFingerprint(b.fingerprint, entry, b.fields, shape);
				expect(first.changed).toEqual([name]);
				// The same delivery again (a re-read): nothing changed.
				const again = compareFingerprint(first.fingerprint, entry, b.fields, shape);
				expect(again.changed).toEqual([]);
				expect(again.fingerprint).toBe(first.fingerprint);
			}
		},
	);

	test('both shapes of the same change give the same fingerprint', () => {
		const b = baseline();
		const full = compareFingerprint(
			b.fingerprint,
			{ ...user, jobTitle: 'Lead' },
			[...b.fields],
			'full',
		);
		const minimal = compareFingerprint(
			b.fingerprint,
			{ id: 'u1', jobTitle: 'Lead' },
			[...b.fields],
			'minimal',
		);
		expect(full.fingerprint).toBe(minimal.fingerprint);
	});

	test('full shape: a property never set is omitted and is no change; a cleared one is', () => {
		const b = baseline({ id: 'u1', displayName: 'Bob', jobTitle: 'Clerk' });
		b.fields.push('department'); // known from another object, never set on this one
		expect(
			compareFingerprint(
				b.fingerprint,
				{ id: 'u1', displayName: 'Bob', jobTitle: 'Clerk' },
				b.fields,
				'full',
			).changed,
		).toEqual([]);
		expect(
			compareFingerprint(
				b.fingerprint,
				{ id: 'u1', displayName: 'Bob', jobTitle: 'Clerk', department: null },
				b.fields,
				'full',
			).changed,
		).toEqual([]);
		expect(
			compareFingerprint(b.fingerprint, { id: 'u1', displayName: 'Bob' }, b.fields, 'full').changed,
		).toEqual(['jobTitle']);
	});

	test('minimal shape: omitted properties keep their values; an explicit null clears; a first value is a change', () => {
		const b = baseline();
		expect(compareFingerprint(b.fingerprint, { id: 'u1' }, b.fields, 'minimal').changed).toEqual(
			[],
		);
		expect(
			compareFingerprint(b.fingerprint, { id: 'u1', jobTitle: null }, b.fields, 'minimal').changed,
		).toEqual(['jobTitle']);
		const fields = [...b.fields];
		const added = compareFingerprint(
			b.fingerprint,
			{ id: 'u1', mobilePhone: '+41' },
			fields,
			'minimal',
		);
		expect(added.changed).toEqual(['mobilePhone']);
		expect(fields).toEqual([...b.fields, 'mobilePhone']);
	});

	test('annotations, the id and key order never count as changes', () => {
		const b = baseline({ id: 'u1', displayName: 'Bob', address: { city: 'Bern', zip: '3000' } });
		const entry = {
			'@odata.type': '#microsoft.graph.user',
			id: 'u1',
			address: { zip: '3000', city: 'Bern' },
			displayName: 'Bob',
		};
		expect(compareFingerprint(b.fingerprint, entry, b.fields, 'full').changed).toEqual([]);
	});

	test('an object known from the earlier fingerprint format: only delivered properties count', () => {
		const fields = ['displayName', 'department'];
		expect(
			compareFingerprint('!', { id: 'u1', displayName: 'Bob' }, fields, 'full').changed,
		).toEqual(['displayName']);
		expect(compareFingerprint('!', { id: 'u1' }, fields, 'minimal').changed).toEqual([]);
	});
});

describe('advanceSeen (Mail trigger)', () => {
	const now = Date.parse('2026-03-01T12:00:00.000Z');
	test('bounded by count: the oldest are forgotten and the floor covers them', () => {
		const emitted = [1, 2, 3, 4].map((i) => ({
			id: `m${i}`,
			receivedDateTime: `2026-03-01T0${i}:00:00.000Z`,
		}));
		const r = advanceSeen({}, '2026-03-01T00:00:00.000Z', emitted, now, 2);
		expect(Object.keys(r.seen).sort()).toEqual(['m3', 'm4']);
		expect(r.since).toBe('2026-03-01T02:00:00.001Z');
	});
	test('bounded by age', () => {
		const r = advanceSeen(
			{ old: '2026-02-01T00:00:00.000Z' },
			'2026-01-01T00:00:00.000Z',
			[{ id: 'new', receivedDateTime: '2026-03-01T11:00:00.000Z' }],
			now,
		);
		expect(Object.keys(r.seen)).toEqual(['new']);
		expect(r.since).toBe('2026-02-01T00:00:00.001Z');
	});
});
