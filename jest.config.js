/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// End-to-end tests run against a real n8n with `npm run test:e2e`.
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
	transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
	globalSetup: '<rootDir>/test/setup/global-setup.ts',
	setupFiles: ['<rootDir>/test/setup/trust-emulator-ca.ts'],
	testTimeout: 120_000,
	maxWorkers: 2,
	// A worker that has grown past this after a test file is replaced by a fresh one, so that a
	// file's memory measurement (the 1 GiB upload's peak growth) does not start from another
	// file's leftover heap.
	workerIdleMemoryLimit: '800MB',
};
