// Runs the e2e files in a fixed order, so a failure reproduces the same way: the examples first
// (as `npm run dev` leaves them), then the credential tests (which expire every token), the rest
// by name.
const Sequencer = require('@jest/test-sequencer').default;

const FIRST = ['examples.test.ts', 'credentials.test.ts'];

function rank(path) {
	const i = FIRST.findIndex((name) => path.endsWith(`/${name}`));
	return i < 0 ? FIRST.length : i;
}

class Ordered extends Sequencer {
	sort(tests) {
		return [...tests].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
	}
}

module.exports = Ordered;
