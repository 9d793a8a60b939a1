/**
 * Checks of folder paths, file names and site URLs against SharePoint's rules, made before any
 * request so bad input never reaches SharePoint ("Restrictions and limitations in OneDrive and
 * SharePoint"): no `" * : < > ? / \ |`, no leading or trailing spaces, no reserved names (.lock,
 * CON, PRN, AUX, NUL, COM0-9, LPT0-9, desktop.ini, names starting with ~$, _vti_ anywhere), and a
 * whole decoded path of at most 400 characters.
 */
import { NodeOperationError, type INode } from 'n8n-workflow';

const FORBIDDEN = /["*:<>?/\\|]/;
const RESERVED = /^(\.lock|con|prn|aux|nul|com\d|lpt\d|desktop\.ini)$/i;
/** SharePoint's limit for the decoded path of a file or folder (library-relative here). */
export const MAX_PATH_LENGTH = 400;

/** SharePoint Online hosts: Global (`.sharepoint.com`), US Government (`.sharepoint.us`, `.sharepoint-mil.us`), China (`.sharepoint.cn`). */
const SHAREPOINT_HOST =
	/^[a-z0-9][a-z0-9-]*\.(sharepoint\.com|sharepoint\.us|sharepoint-mil\.us|sharepoint\.cn)$/i;

function invalid(
	node: INode,
	itemIndex: number,
	message: string,
	description: string,
): NodeOperationError {
	return new NodeOperationError(node, message, { itemIndex, description });
}

/** Why a single name is refused, or undefined when SharePoint accepts it. */
export function nameProblem(name: string): string | undefined {
	if (name === '') return 'is empty';
	if (name === '.' || name === '..') return `is "${name}" (relative paths are not allowed)`;
	const bad = FORBIDDEN.exec(name);
	if (bad) return `contains "${bad[0]}", which SharePoint does not allow (" * : < > ? / \\ |)`;
	if (/^\s|\s$/.test(name)) return 'starts or ends with a space';
	if (/^\.+$/.test(name)) return 'consists of dots only';
	if (RESERVED.test(name) || name.startsWith('~$') || /_vti_/i.test(name))
		return 'is a name SharePoint reserves (.lock, CON, PRN, AUX, NUL, COM0-9, LPT0-9, desktop.ini, ~$…, _vti_)';
	return undefined;
}

/**
 * A folder path inside a library as segments: `Reports/2024/Q1` (leading and trailing slashes
 * are ignored, empty means the library's root). Refuses `..`, empty segments (`a//b`),
 * backslashes, forbidden characters and reserved names, naming the field and the segment.
 */
export function parseFolderPath(
	node: INode,
	value: unknown,
	field: string,
	itemIndex: number,
): string[] {
	if (value === undefined || value === null) return [];
	if (typeof value !== 'string')
		throw invalid(node, itemIndex, `${field} must be text`, 'Give a path such as Reports/2024/Q1.');
	const trimmed = value.trim();
	if (trimmed.includes('\\')) {
		throw invalid(
			node,
			itemIndex,
			`${field} "${value}" contains a backslash`,
			'Separate folders with forward slashes, e.g. Reports/2024/Q1.',
		);
	}
	const inner = trimmed.replace(/^\/+/, '').replace(/\/+$/, '');
	if (inner === '') return [];
	const segments = inner.split('/');
	for (const segment of segments) {
		const problem = nameProblem(segment);
		if (problem) {
			throw invalid(
				node,
				itemIndex,
				segment === ''
					? `${field} "${value}" has an empty folder name (two slashes in a row)`
					: `${field} "${value}": the folder name "${segment}" ${problem}`,
				'Use folder names separated by single forward slashes, without .., e.g. Reports/2024/Q1.',
			);
		}
	}
	if (segments.join('/').length > MAX_PATH_LENGTH) {
		throw invalid(
			node,
			itemIndex,
			`${field} is longer than SharePoint's ${MAX_PATH_LENGTH} characters`,
			'Use a shorter folder path.',
		);
	}
	return segments;
}

/** A file or folder name: not empty, no forbidden characters, not reserved. */
export function checkName(node: INode, value: unknown, field: string, itemIndex: number): string {
	const name = typeof value === 'string' ? value.trim() : '';
	const problem = nameProblem(name);
	if (problem) {
		throw invalid(
			node,
			itemIndex,
			`${field} "${String(value ?? '')}" ${problem}`,
			'Give a plain file name such as report-2024-03.pdf; folders go into the folder path.',
		);
	}
	return name;
}

/** A path to a file or folder inside a library (`Reports/2024/summary.pdf`): its segments, at least one. */
export function parseItemPath(
	node: INode,
	value: unknown,
	field: string,
	itemIndex: number,
): string[] {
	const segments = parseFolderPath(node, value, field, itemIndex);
	if (segments.length === 0) {
		throw invalid(
			node,
			itemIndex,
			`${field} is empty`,
			'Give the path of a file inside the library, e.g. Reports/2024/summary.pdf.',
		);
	}
	return segments;
}

/**
 * The Graph path of a site given by URL: `https://contoso.sharepoint.com/sites/reports` (pages
 * and libraries after `/sites/x` or `/teams/x` are ignored) → `/sites/contoso.sharepoint.com:/sites/reports`;
 * the host alone → the root site.
 */
export function siteFromUrl(node: INode, value: unknown, itemIndex: number): string {
	const text = typeof value === 'string' ? value.trim() : '';
	const fix =
		'Give the address of a SharePoint site, e.g. https://contoso.sharepoint.com/sites/reports.';
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw invalid(node, itemIndex, `Site URL "${text}" is not a valid URL`, fix);
	}
	if (url.protocol !== 'https:')
		throw invalid(node, itemIndex, `Site URL "${text}" must start with https://`, fix);
	if (!SHAREPOINT_HOST.test(url.hostname) || url.port || url.username || url.password) {
		throw invalid(
			node,
			itemIndex,
			`Site URL "${text}" is not on a SharePoint Online host (such as contoso.sharepoint.com)`,
			`${fix} Only *.sharepoint.com (and the US Government and China clouds' SharePoint hosts) are accepted.`,
		);
	}
	let segments: string[];
	try {
		segments = url.pathname
			.split('/')
			.filter((s) => s !== '')
			.map((s) => decodeURIComponent(s));
	} catch {
		throw invalid(node, itemIndex, `Site URL "${text}" has a malformed path`, fix);
	}
	const host = url.hostname.toLowerCase();
	const kind = segments[0]?.toLowerCase();
	if (kind === 'sites' || kind === 'teams' || kind === 'personal') {
		const name = segments[1];
		if (!name || nameProblem(name)) {
			throw invalid(
				node,
				itemIndex,
				`Site URL "${text}" does not name a site after /${segments[0]}/`,
				fix,
			);
		}
		return `/sites/${host}:/${kind}/${encodeURIComponent(name)}:`;
	}
	return `/sites/${host}`;
}

/** A site ID as Graph gives it (`host,siteCollectionId,webId`), or `root`. */
export function checkSiteId(node: INode, value: unknown, itemIndex: number): string {
	const id = typeof value === 'string' ? value.trim() : '';
	if (
		id === 'root' ||
		/^[a-z0-9.-]+(,[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}){1,2}$/i.test(id)
	)
		return id;
	throw invalid(
		node,
		itemIndex,
		`Site ID "${id}" is not a SharePoint site ID`,
		'A site ID looks like contoso.sharepoint.com,<site collection GUID>,<web GUID>; pick the site from the list or give its URL instead.',
	);
}

/** Library-relative path for output: `/Reports/2024/a.pdf`. */
export function joinPath(segments: string[]): string {
	return `/${segments.join('/')}`;
}

/** `root:/a/b:` addressing with each segment percent-encoded. */
export function encodeSegments(segments: string[]): string {
	return segments.map((s) => encodeURIComponent(s)).join('/');
}
