/**
 * OData text put into Graph queries: the one place that quotes user input for `$filter` and
 * `$search`, so that no value can close its literal and change the expression.
 *
 * - `odataString`: a string literal for `$filter` (`'O''Brien'`): single quotes, and a single
 *   quote inside doubled (OData ABNF `SQUOTE-in-string = SQUOTE SQUOTE`).
 * - `searchPhrase`: a `$search` phrase (`"displayName:text"`): double quotes, a double quote inside
 *   escaped with a backslash and backslashes dropped (Graph's `$search` has no other escape).
 */

/** A string as an OData string literal: in single quotes, single quotes inside doubled. */
export function odataString(value: string): string {
	return `'${String(value).replace(/'/g, "''")}'`;
}

/** A `$search` clause `"property:text"`, the text's double quotes escaped, backslashes dropped. */
export function searchPhrase(property: string, text: string): string {
	return `"${property}:${String(text).replace(/\\/g, '').replace(/"/g, '\\"')}"`;
}
