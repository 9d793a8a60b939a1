/**
 * `npm run emulator`: starts the Microsoft 365 emulator on a fixed port and prints its URLs and
 * the CA file to trust (NODE_EXTRA_CA_CERTS). Options: --port (default 8443), --host, --fixture,
 * --state-dir, --token-lifetime SECONDS, --identity-port (managed identity endpoint, default 8442),
 * --identity-header (App Service IDENTITY_HEADER; default M365_EMULATOR_IDENTITY_HEADER or random).
 */
import { DEMO_FIXTURE, startEmulator } from './emulator';

function arg(name: string): string | undefined {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
	const lifetime = arg('token-lifetime');
	const emu = await startEmulator({
		port: Number(arg('port') ?? process.env.M365_EMULATOR_PORT ?? 8443),
		host: arg('host') ?? '127.0.0.1',
		fixture: arg('fixture') ?? DEMO_FIXTURE,
		stateDir: arg('state-dir'),
		accessTokenLifetime: lifetime ? Number(lifetime) : undefined,
		managedIdentity: {
			port: Number(arg('identity-port') ?? process.env.M365_EMULATOR_IDENTITY_PORT ?? 8442),
			identityHeader: arg('identity-header') ?? process.env.M365_EMULATOR_IDENTITY_HEADER,
		},
	});
	const home = emu.directory.home;
	console.log(`Microsoft 365 emulator listening on ${emu.url}`);
	console.log(
		`  Login authority : ${emu.authority(home.id)}  (also /common, /organizations, /<domain>)`,
	);
	console.log(`  Graph           : ${emu.graphUrl}`);
	console.log(`  Admin API       : ${emu.url}/_emulator/  (log, faults, tokens/expire, ...)`);
	console.log(`  CA to trust     : NODE_EXTRA_CA_CERTS=${emu.caFile}`);
	console.log(`  Tenant          : ${home.displayName} ${home.id} (${home.domains.join(', ')})`);
	for (const app of home.apps.values())
		console.log(`  App             : ${app.appId}  ${app.displayName}`);
	console.log(`  App secrets and users: ${arg('fixture') ?? DEMO_FIXTURE}`);
	const mi = emu.managedIdentity;
	console.log(`  Managed identity: App Service IDENTITY_ENDPOINT=${mi.appServiceEndpoint}`);
	console.log(`                    IDENTITY_HEADER=${mi.identityHeader}`);
	console.log(`                    IMDS AZURE_POD_IDENTITY_AUTHORITY_HOST=${mi.url}`);
	for (const m of home.managedIdentities)
		console.log(`                    ${m.kind}-assigned ${m.clientId}  ${m.displayName}`);
	console.log(`  Federation issuer: ${emu.oidc.get('k8s')!.issuer}  (POST .../token mints)`);
	const stop = async () => {
		await emu.close();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

void main().catch((error) => {
	console.error(error);
	process.exit(1);
});
