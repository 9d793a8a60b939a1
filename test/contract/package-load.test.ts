/**
 * The package as n8n loads it: n8n reads `n8n.nodes` in package.json, requires each file, and
 * constructs the class named like the file (`Microsoft365Mail.node.js` -> `Microsoft365Mail`);
 * the editor reads the codex file beside it (`<Node>.node.json`, copied into dist/ by the build)
 * and shows the subtitle, evaluated as an expression with the node's parameters.
 *
 * The files are the TypeScript sources the listed dist files are compiled from (as in
 * test/transport/lazy-permissions.test.ts), so this runs without a build; when dist/ exists, the
 * codex files are checked there too.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- n8n loads the node modules with require. */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import {
	NodeHelpers,
	Workflow,
	type INode,
	type INodeParameters,
	type INodeProperties,
	type INodePropertyOptions,
	type INodeType,
	type INodeTypes,
} from 'n8n-workflow';

const repoRoot = resolve(__dirname, '..', '..');

interface PackageJson {
	name: string;
	n8n: { nodes: string[] };
}

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as PackageJson;

/** `dist/nodes/X/X.node.js` -> the TypeScript source it is compiled from. */
function sourceOf(distPath: string): string {
	return join(repoRoot, distPath.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
}

interface Loaded {
	file: string;
	node: INodeType;
}

/** As n8n's package loader does: the class named like the file, constructed without arguments. */
function load(distPath: string): Loaded {
	const className = basename(distPath).replace(/\.node\.js$/, '');
	const exported = require(sourceOf(distPath)) as Record<string, new () => INodeType>;
	const NodeClass = exported[className];
	if (typeof NodeClass !== 'function')
		throw new Error(`${distPath} does not export a class named ${className}`);
	return { file: distPath, node: new NodeClass() };
}

const loaded = pkg.n8n.nodes.map(load);

function optionsOf(property: INodeProperties): INodePropertyOptions[] {
	return (property.options ?? []).filter((o): o is INodePropertyOptions => 'value' in o);
}

/** Node types by their full name, as n8n registers them (`<package>.<name>`). */
function byType(type: string): INodeType {
	return loaded.find((l) => `${pkg.name}.${l.node.description.name}` === type)!.node;
}

const nodeTypes: INodeTypes = {
	getByName: byType,
	getByNameAndVersion: byType,
	getKnownTypes: () => ({}),
};

/** The subtitle as the editor shows it (n8n-editor-ui getNodeSubtitle): the expression, evaluated. */
function subtitleFor(nodeType: INodeType, parameters: INodeParameters): unknown {
	const description = nodeType.description;
	const full = NodeHelpers.getNodeParameters(
		description.properties,
		parameters,
		true,
		false,
		null,
		description,
	) as INodeParameters;
	const node: INode = {
		id: '1',
		name: description.defaults.name ?? description.displayName,
		type: `${pkg.name}.${description.name}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: full,
	};
	const workflow = new Workflow({
		id: 'subtitle',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes,
	});
	return workflow.expression.getSimpleParameterValue(
		node,
		description.subtitle as string,
		'internal',
		{},
	);
}

/** Every resource/operation pair of a node, with the authentication that offers the resource. */
function operationPairs(nodeType: INodeType) {
	const properties = nodeType.description.properties;
	const pairs: Array<{
		authentication?: string;
		resource: INodePropertyOptions;
		operation: INodePropertyOptions;
	}> = [];
	for (const resourceProperty of properties.filter((p) => p.name === 'resource')) {
		const authentication = resourceProperty.displayOptions?.show?.authentication?.[0];
		for (const resource of optionsOf(resourceProperty)) {
			const operationProperty = properties.find(
				(p) =>
					p.name === 'operation' &&
					(p.displayOptions?.show?.resource ?? []).includes(resource.value as string),
			);
			for (const operation of operationProperty ? optionsOf(operationProperty) : [])
				pairs.push({
					authentication: authentication as string | undefined,
					resource,
					operation,
				});
		}
	}
	return pairs;
}

const RAW_CAMEL_CASE = /\b[a-z]+[A-Z]\w*/;

describe('the package as n8n loads it', () => {
	it('lists the eight nodes, each constructed from the class named like its file', () => {
		expect(loaded.map((l) => l.node.description.name).sort()).toEqual([
			'microsoft365Calendar',
			'microsoft365CalendarTrigger',
			'microsoft365EntraId',
			'microsoft365EntraIdTrigger',
			'microsoft365Mail',
			'microsoft365MailTrigger',
			'microsoft365SharePoint',
			'microsoft365Teams',
		]);
	});

	it.each(pkg.n8n.nodes)('%s has a codex file beside it, with categories', (distPath) => {
		const nodeType = loaded.find((l) => l.file === distPath)!.node;
		const places = [sourceOf(distPath).replace(/\.ts$/, '.json')];
		if (existsSync(join(repoRoot, 'dist')))
			places.push(join(repoRoot, distPath.replace(/\.js$/, '.json')));
		for (const codexFile of places) {
			expect(existsSync(codexFile)).toBe(true);
			const codex = JSON.parse(readFileSync(codexFile, 'utf8')) as {
				node: string;
				categories?: string[];
			};
			expect(codex.node).toBe(`${pkg.name}.${nodeType.description.name}`);
			expect(codex.categories?.length).toBeGreaterThan(0);
		}
	});

	it('gives every node its own description', () => {
		const descriptions = loaded.map((l) => l.node.description.description);
		expect(new Set(descriptions).size).toBe(descriptions.length);
		for (const d of descriptions) expect(d.length).toBeGreaterThan(20);
	});

	it('names every listing operation "Get Many", with an action "Get many ..."', () => {
		const listing: string[] = [];
		for (const { node } of loaded)
			for (const property of node.description.properties.filter((p) => p.name === 'operation'))
				for (const option of optionsOf(property)) {
					const lists =
						['getAll', 'getMany', 'list'].includes(option.value as string) ||
						/^get many\b/i.test(option.action ?? '');
					if (!lists) continue;
					listing.push(`${node.description.name} ${String(option.value)}`);
					expect({ value: option.value, name: option.name }).toEqual({
						value: option.value,
						name: 'Get Many',
					});
					expect(option.action).toMatch(/^Get many \S/);
				}
		// Mail messages, Teams teams/channels/chats/channel messages/chat messages, SharePoint folder
		// items and site permissions, Entra users/groups, Calendar calendars/events.
		expect(listing.length).toBe(12);
	});

	it.each(loaded.filter((l) => !l.node.description.polling).map((l) => [l.file, l.node] as const))(
		'%s: the subtitle reads "<Operation>: <Resource>" for every operation',
		(_file, nodeType) => {
			const pairs = operationPairs(nodeType);
			expect(pairs.length).toBeGreaterThan(0);
			for (const { authentication, resource, operation } of pairs) {
				const subtitle = subtitleFor(nodeType, {
					...(authentication ? { authentication } : {}),
					resource: resource.value,
					operation: operation.value,
				});
				expect(subtitle).toBe(`${operation.name}: ${resource.name}`);
				expect(String(subtitle)).not.toMatch(RAW_CAMEL_CASE);
			}
		},
	);

	it('reads "Get Many: Message" for Mail → Message → Get Many (value getAll)', () => {
		const mail = loaded.find((l) => l.node.description.name === 'microsoft365Mail')!.node;
		expect(subtitleFor(mail, { resource: 'message', operation: 'getAll' })).toBe(
			'Get Many: Message',
		);
		// The default operation (not saved in the workflow) reads as well.
		expect(subtitleFor(mail, {})).toBe('Send: Message');
	});

	it.each(loaded.filter((l) => l.node.description.subtitle).map((l) => [l.file, l.node] as const))(
		'%s: the subtitle with default parameters has no raw camelCase values',
		(_file, nodeType) => {
			const subtitle = subtitleFor(nodeType, {});
			expect(typeof subtitle).toBe('string');
			expect(String(subtitle)).not.toMatch(RAW_CAMEL_CASE);
		},
	);
});
