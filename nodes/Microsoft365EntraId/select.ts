/**
 * Fields to return (`$select`): the common user and group properties offered in the editor, and
 * the check of every name — offered or typed — against the property names generated from
 * Microsoft's Graph CSDL (shared/graph/generated/directory-properties.json), with directory
 * extension attributes (`extension_<appId>_<name>`) and schema extensions allowed.
 */
import { NodeOperationError, type INode, type INodePropertyOptions } from 'n8n-workflow';
import directoryProperties from '../shared/graph/generated/directory-properties.json';

export type DirectoryType = 'user' | 'group' | 'directoryRole';

const option = (value: string): INodePropertyOptions => ({
	name: value.replace(/^./, (c) => c.toUpperCase()).replace(/([a-z])([A-Z])/g, '$1 $2'),
	value,
});

/** Offered in "Fields" for users (alphabetical by display name). */
export const COMMON_USER_FIELDS = [
	'accountEnabled',
	'businessPhones',
	'city',
	'companyName',
	'country',
	'createdDateTime',
	'department',
	'displayName',
	'employeeId',
	'employeeType',
	'givenName',
	'id',
	'jobTitle',
	'mail',
	'mailNickname',
	'mobilePhone',
	'officeLocation',
	'onPremisesExtensionAttributes',
	'onPremisesSyncEnabled',
	'otherMails',
	'preferredLanguage',
	'proxyAddresses',
	'surname',
	'usageLocation',
	'userPrincipalName',
	'userType',
].map(option);

/** Offered in "Fields" for groups. */
export const COMMON_GROUP_FIELDS = [
	'classification',
	'createdDateTime',
	'description',
	'displayName',
	'groupTypes',
	'id',
	'isAssignableToRole',
	'mail',
	'mailEnabled',
	'mailNickname',
	'membershipRule',
	'onPremisesSyncEnabled',
	'proxyAddresses',
	'securityEnabled',
	'visibility',
].map(option);

/** `extension_<app ID without dashes>_<name>` (directory extensions, Entra Connect attributes). */
const DIRECTORY_EXTENSION = /^extension_[0-9a-f]{32}_[A-Za-z0-9_]+$/i;
/** Schema extensions: `ext<8 characters>_<name>` or `<verified prefix>_<name>`. */
const SCHEMA_EXTENSION = /^[a-z][a-z0-9]*_[A-Za-z][A-Za-z0-9]*$/;

const PROPERTIES: Record<DirectoryType, string[]> = directoryProperties.properties;

function propertiesOf(types: DirectoryType[]): string[] {
	return [...new Set(types.flatMap((t) => PROPERTIES[t]))];
}

/**
 * The `$select` names for the chosen and typed fields, in the CSDL's spelling, `id` first; or
 * undefined when none were chosen (Graph's default set). Throws, naming the field and the fix,
 * for a name that is neither a property of the types nor an extension.
 */
export function selectFields(
	node: INode,
	types: DirectoryType[],
	chosen: string[],
	custom: string,
	itemIndex: number,
	setting = 'Fields',
): string[] | undefined {
	const typed = custom
		.split(/[,\s]+/)
		.map((s) => s.trim())
		.filter(Boolean);
	const names = [...chosen, ...typed];
	if (names.length === 0) return undefined;
	const known = propertiesOf(types);
	const byLower = new Map(known.map((p) => [p.toLowerCase(), p]));
	const out: string[] = [];
	for (const name of names) {
		const canonical = byLower.get(name.toLowerCase());
		let resolved: string | undefined = canonical;
		if (!resolved && DIRECTORY_EXTENSION.test(name)) resolved = name;
		// A schema extension, unless it is a property name with an underscore typed into it.
		if (
			!resolved &&
			SCHEMA_EXTENSION.test(name) &&
			!byLower.has(name.replace(/_/g, '').toLowerCase())
		)
			resolved = name;
		if (!resolved) {
			const close = known.filter((p) =>
				p.toLowerCase().includes(name.replace(/_/g, '').toLowerCase().slice(0, 5)),
			);
			throw new NodeOperationError(node, `Unknown field "${name}" in ${setting}`, {
				itemIndex,
				description: `"${name}" is not a property of ${types
					.map((t) => `microsoft.graph.${t}`)
					.join(' or ')} in Microsoft Graph v1.0${
					close.length ? ` (did you mean ${close.slice(0, 3).join(', ')}?)` : ''
				}. Use a property name as Graph spells it, or an extension attribute: extension_<app ID without dashes>_<name> for directory extensions, onPremisesExtensionAttributes for extensionAttribute1-15. No request was made.`,
			});
		}
		if (!out.includes(resolved)) out.push(resolved);
	}
	return out.includes('id') ? ['id', ...out.filter((n) => n !== 'id')] : ['id', ...out];
}
