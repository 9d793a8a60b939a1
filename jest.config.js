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
};
