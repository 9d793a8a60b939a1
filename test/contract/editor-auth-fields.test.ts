/**
 * n8n's editor treats every node parameter named in a credential's `displayOptions.show` as an
 * authentication field, and hides every parameter named in such a field's own `show` (it expects
 * them to be shown beside the credential). A Pseudonymise switch shown with `show: { resource,
 * operation }` therefore hid Teams' Resource and Operation fields in the editor. This keeps
 * Resource and Operation out of those `show` conditions in every node of the package.
 */
import type { INodeType } from 'n8n-workflow';
import { Microsoft365Calendar } from '../../nodes/Microsoft365Calendar/Microsoft365Calendar.node';
import { Microsoft365EntraId } from '../../nodes/Microsoft365EntraId/Microsoft365EntraId.node';
import { Microsoft365Mail } from '../../nodes/Microsoft365Mail/Microsoft365Mail.node';
import { Microsoft365SharePoint } from '../../nodes/Microsoft365SharePoint/Microsoft365SharePoint.node';
import { Microsoft365Teams } from '../../nodes/Microsoft365Teams/Microsoft365Teams.node';

/** The parameters n8n's editor hides as authentication-related (its isAuthRelatedParameter). */
function hiddenAsAuthRelated(node: INodeType): string[] {
	const { credentials = [], properties } = node.description;
	const authFieldNames = new Set(
		credentials.flatMap((credential) => Object.keys(credential.displayOptions?.show ?? {})),
	);
	const hidden = new Set<string>();
	for (const property of properties)
		if (authFieldNames.has(property.name))
			for (const name of Object.keys(property.displayOptions?.show ?? {})) hidden.add(name);
	return [...hidden].sort();
}

test.each([
	['Teams', new Microsoft365Teams()],
	['Calendar', new Microsoft365Calendar()],
	['Entra ID', new Microsoft365EntraId()],
	['Mail', new Microsoft365Mail()],
	['SharePoint', new Microsoft365SharePoint()],
] as Array<[string, INodeType]>)(
	'%s: no parameter but Authentication is hidden by the editor as an authentication field (Resource, Operation, Pseudonymise stay)',
	(_name, node) => {
		// Only Authentication itself, which n8n shows beside the credential.
		expect(hiddenAsAuthRelated(node).filter((name) => name !== 'authentication')).toEqual([]);
	},
);
