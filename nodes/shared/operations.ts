/**
 * Every operation declares the Graph calls it makes, next to its code:
 *
 *   // nodes/<Node>/actions/<resource>/<operation>.operation.ts
 *   export const graphCalls = declareGraphCalls([
 *   	{ method: 'POST', path: '/users/{id}/sendMail' },
 *   	{ method: 'GET', path: '/me', scheme: 'delegated', when: 'the sender is left empty' },
 *   ]);
 *
 * From these declarations and Microsoft's permissions catalogue, `operationPermissions` works
 * out the least-privileged permissions per credential scheme, and
 * `scripts/generate-permissions-table.ts` renders the README's permissions table (and, with
 * `--check`, fails CI when the table is stale or a declared path is not in the catalogue).
 */
import type { AuthScheme } from './auth/types';
import { findPathTemplate, permissionInfo, permissionsFor } from './graph/permissions';
import type { HttpMethod } from './transport/retry';

export interface GraphCallDeclaration {
	method: HttpMethod;
	/** The path as Microsoft documents it, placeholders in braces: `/users/{id}/sendMail`, `/me/messages`. */
	path: string;
	/** Made only with this credential scheme (e.g. `/me` calls with a delegated credential). */
	scheme?: AuthScheme;
	/** Made only in some cases, in words ("when Save to Sent Items is off"); shown in the table. */
	when?: string;
	/**
	 * For a path the catalogue lacks although Microsoft's API page documents it (e.g.
	 * `GET /users/{id}/calendars/{id}`, calendar-get): the catalogue path whose permissions the
	 * page lists for it, used for the permissions and for the catalogue check.
	 */
	catalogueAs?: string;
}

/** Typed identity, so a declaration is checked where it is written. */
export function declareGraphCalls(
	calls: readonly GraphCallDeclaration[],
): readonly GraphCallDeclaration[] {
	return calls;
}

export interface OperationDeclaration {
	/** Node display name (or folder name). */
	node: string;
	resource: string;
	operation: string;
	graphCalls: readonly GraphCallDeclaration[];
	/** Where it was declared (for messages). */
	source?: string;
}

export interface SchemeRequirement {
	/** Least-privileged permission per unconditional call, deduplicated, in call order. */
	required: string[];
	/** Least-privileged permissions of conditional calls, with their condition. */
	conditional: Array<{ permission: string; when: string }>;
	/** Calls the catalogue does not list for this scheme (the operation cannot run with it). */
	unsupported: GraphCallDeclaration[];
}

export interface OperationPermissions {
	delegated: SchemeRequirement;
	application: SchemeRequirement;
}

function requirementFor(
	calls: readonly GraphCallDeclaration[],
	scheme: AuthScheme,
): SchemeRequirement {
	const out: SchemeRequirement = { required: [], conditional: [], unsupported: [] };
	for (const call of calls) {
		if (call.scheme && call.scheme !== scheme) continue;
		const grant = permissionsFor(call.method, call.catalogueAs ?? call.path, scheme);
		const least = grant?.least ?? grant?.all[0];
		if (!least) {
			out.unsupported.push(call);
			continue;
		}
		if (call.when) {
			if (!out.conditional.some((c) => c.permission === least && c.when === call.when))
				out.conditional.push({ permission: least, when: call.when });
		} else if (!out.required.includes(least)) {
			out.required.push(least);
		}
	}
	out.conditional = out.conditional.filter((c) => !out.required.includes(c.permission));
	return out;
}

/** Least-privileged permissions an operation needs, per scheme, from Microsoft's catalogue. */
export function operationPermissions(calls: readonly GraphCallDeclaration[]): OperationPermissions {
	return {
		delegated: requirementFor(calls, 'delegated'),
		application: requirementFor(calls, 'application'),
	};
}

/** Problems with declarations: none declared, or a path the catalogue does not know. */
export function validateDeclarations(operations: readonly OperationDeclaration[]): string[] {
	const problems: string[] = [];
	for (const op of operations) {
		const where = op.source ?? `${op.node} ${op.resource}/${op.operation}`;
		if (!Array.isArray(op.graphCalls) || op.graphCalls.length === 0) {
			problems.push(`${where}: declares no graphCalls`);
			continue;
		}
		for (const call of op.graphCalls) {
			if (!findPathTemplate(call.method, call.catalogueAs ?? call.path))
				problems.push(
					`${where}: ${call.method} ${call.catalogueAs ?? call.path} is not in Microsoft's permissions catalogue`,
				);
		}
	}
	return problems;
}

/** Whether a delegated permission needs an administrator's consent. */
export function needsAdminConsent(permission: string, scheme: AuthScheme): boolean {
	const info = permissionInfo(permission);
	if (scheme === 'application') return true;
	return info?.delegated?.adminConsent ?? false;
}
