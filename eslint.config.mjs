import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

// n8n's community-node rules without the n8n-Cloud-only ones: this package targets self-hosted
// n8n and depends on Microsoft's own libraries (msal-node, the Graph client) and nodemailer.
// Every other rule of the plugin is on. Not on: no-restricted-globals and no-restricted-imports
// (Cloud-only: they forbid setTimeout, process and __dirname, and any import outside a short
// allow-list such as n8n-workflow, lodash and crypto; retry pacing and the Microsoft libraries
// need them), no-runtime-dependencies (below) and the deprecated
// node-class-description-icon-missing (replaced by require-node-description-fields, which is on).
// require-homepage warns: the package has no public URL yet, and we do not invent one.
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
