import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

// n8n's community-node rules without the n8n-Cloud-only ones: this package targets self-hosted
// n8n and depends on Microsoft's own libraries (msal-node, the Graph client) and nodemailer.
export default [
	{
		ignores: [
			'dist/**',
			'node_modules/**',
			'.tools/**',
			'.n8n-runtime/**',
			'.dev/**',
			'coverage/**',
		],
	},
	...configWithoutCloudSupport,
	{
		files: ['package.json'],
		rules: {
			// Still listed in the non-Cloud config, but it exists for n8n Cloud's verification: a
			// self-hosted package may depend on @azure/msal-node, the Graph client and nodemailer.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
			// The foundation ships the emulator and shared code before the first node; these two
			// come back on with the first entry in `n8n.nodes`.
			'n8n-nodes-base/community-package-json-n8n-nodes-empty': 'off',
			'@n8n/community-nodes/n8n-object-validation': 'off',
		},
	},
	{
		// The emulator, tests, scripts and benchmarks are programs of their own, not n8n node code:
		// they print, throw their own errors and read loosely typed JSON in tests.
		files: ['test/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
		rules: {
			'no-console': 'off',
			'@n8n/community-nodes/require-node-api-error': 'off',
			'@typescript-eslint/no-explicit-any': 'off',
		},
	},
];
