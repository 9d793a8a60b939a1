/** The emulator's FaultRule `skip`: the n-th matching request is faulted, those before pass. */
import { Faults } from '../emulator/http';

test('skip lets the first matching requests through without using up count', () => {
	const faults = new Faults();
	faults.add({ kind: 'reset-after', method: 'PUT', path: '^/upload$', skip: 2, count: 1 });
	const hit = () => faults.take('PUT', 'h', '/upload', false).length;
	// Other requests neither hit nor count towards the skip.
	expect(faults.take('GET', 'h', '/upload', false)).toHaveLength(0);
	expect([hit(), hit(), hit(), hit()]).toEqual([0, 0, 1, 0]);
	expect(faults.list()).toHaveLength(0);
});
