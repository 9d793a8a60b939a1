/**
 * End-to-end tests against a real n8n process and the emulator (`npm run test:e2e`), kept out of
 * `npm test`. One global setup brings the stack up (scripts/e2e/up.ts, as `npm run dev` does) and
 * the files run one after another against it: they share one n8n and one emulator.
 */
/** @type {import('jest').Config} */
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
	globalSetup: '<rootDir>/test/e2e/global-setup.ts',
	globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
	testTimeout: 300_000,
	maxWorkers: 1,
	// Examples first, then the credential tests (they expire every token), then by name.
	testSequencer: '<rootDir>/test/e2e/sequencer.js',
};
