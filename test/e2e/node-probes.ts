/**
 * A read-only call of one of the package's nodes with an app credential (the demo tenant's Room
 * Booking app: Mail.Send, Mail.Read, Calendars.ReadWrite, Place.Read.All, User.Read.All,
 * Group.Read.All), for the credential tests: the first node that n8n has loaded.
 */
import { PACKAGE_NAME } from '../../scripts/e2e/stack';

export interface NodeProbe {
	name: string;
	node(credential: { id: string; name: string; type: string }): Record<string, any>;
	check(items: any[]): void;
}

const PROBES: Array<{ type: string; probe: NodeProbe }> = [
	{
		type: 'microsoft365EntraId',
		probe: {
			name: 'List Users',
			node: (credential) => ({
				name: 'List Users',
				type: `${PACKAGE_NAME}.microsoft365EntraId`,
				typeVersion: 1,
				parameters: {
					authentication: 'app',
					resource: 'user',
					operation: 'getMany',
					returnAll: false,
					limit: 5,
				},
				credentials: { [credential.type]: { id: credential.id, name: credential.name } },
			}),
			check: (items) => {
				expect(items).toHaveLength(5);
				for (const item of items)
					expect(item.userPrincipalName).toMatch(/@contoso\.onmicrosoft\.com$/);
			},
		},
	},
];

export function appNodeProbe(loaded: Set<string>): NodeProbe | undefined {
	return PROBES.find((p) => loaded.has(`${PACKAGE_NAME}.${p.type}`))?.probe;
}
