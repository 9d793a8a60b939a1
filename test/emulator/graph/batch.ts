/**
 * JSON batching at /v1.0/$batch: at most 20 members, `dependsOn` ordering, 424 for members whose
 * dependency failed, and each member served through the same pipeline (faults, auth,
 * permissions, contract check) as a request of its own.
 *
 * Sources: https://learn.microsoft.com/en-us/graph/json-batching ("up to 20" requests; 424
 * Failed Dependency; "Batch should be either fully sequential or fully parallel") and the JSON
 * batching known issue "Request dependencies are limited"
 * (https://learn.microsoft.com/en-us/graph/known-issues#request-dependencies-are-limited):
 * "requests can only depend on a single other request, and must follow one of these three
 * patterns: Parallel - no individual request states a dependency in the dependsOn property.
 * Serial - all individual requests depend on the previous individual request. Same - all
 * individual requests that state a dependency in the dependsOn property state the same
 * dependency. Note: Requests made using this pattern will run sequentially."
 */
import type { Emulator } from '../emulator';
import type { EmuRequest, EmuResponse } from '../http';
import { readBody } from '../http';
import { Readable } from 'node:stream';
import { GRAPH_REQUEST_LIMIT, GraphError, graphErrorResponse, GraphService } from './service';

interface BatchMember {
	id: string;
	method: string;
	url: string;
	headers?: Record<string, string>;
	body?: unknown;
	dependsOn?: string[];
}

export const BATCH_LIMIT = 20;

interface MemberResponse {
	id: string;
	status: number;
	headers: Record<string, string>;
	body?: unknown;
}

function validate(body: unknown): BatchMember[] {
	const requests = (body as { requests?: unknown })?.requests;
	if (!Array.isArray(requests))
		throw new GraphError(400, 'BadRequest', 'Invalid batch payload format.');
	if (requests.length === 0)
		throw new GraphError(400, 'BadRequest', 'Invalid batch payload format.');
	if (requests.length > BATCH_LIMIT)
		throw new GraphError(
			400,
			'BadRequest',
			`Number of batch requests exceeds the limit of ${BATCH_LIMIT}.`,
		);
	const ids = new Set<string>();
	for (const r of requests as BatchMember[]) {
		if (typeof r?.id !== 'string' || !r.id)
			throw new GraphError(400, 'BadRequest', 'Batch request is missing an id.');
		if (ids.has(r.id))
			throw new GraphError(400, 'BadRequest', `Duplicate batch request id '${r.id}'.`);
		ids.add(r.id);
		if (typeof r.method !== 'string' || typeof r.url !== 'string') {
			throw new GraphError(400, 'BadRequest', `Batch request '${r.id}' needs a method and a url.`);
		}
		if (/^https?:/i.test(r.url))
			throw new GraphError(
				400,
				'BadRequest',
				`Batch request '${r.id}': the url must be relative to the Graph version.`,
			);
	}
	for (const r of requests as BatchMember[]) {
		for (const dep of r.dependsOn ?? []) {
			if (!ids.has(dep))
				throw new GraphError(
					400,
					'BadRequest',
					`Batch request '${r.id}' depends on unknown request '${dep}'.`,
				);
		}
	}
	dependencyPattern(requests as BatchMember[]);
	return requests as BatchMember[];
}

export type DependencyPattern = 'parallel' | 'serial' | 'same';

/**
 * Which of the documented dependsOn patterns the batch follows (see the header), or a 400.
 * The docs give no error body for a batch outside them: the emulator answers 400 `BadRequest`
 * (a malformed batch is 400, per the json-batching page) with a message naming the rule; the
 * text "Batch should be either fully sequential or fully parallel" is the docs' own tip, its use
 * as Graph's error message is assumed.
 */
export function dependencyPattern(members: BatchMember[]): DependencyPattern {
	const refuse = (why: string): never => {
		throw new GraphError(
			400,
			'BadRequest',
			`Batch should be either fully sequential or fully parallel: ${why}. Requests can depend on a single other request only, as all parallel (no dependsOn), all serial (each on the previous one) or all on the same one request.`,
		);
	};
	for (const m of members) {
		if (m.dependsOn !== undefined && !Array.isArray(m.dependsOn))
			refuse(`dependsOn of request '${m.id}' is not an array`);
		if ((m.dependsOn?.length ?? 0) > 1)
			refuse(`request '${m.id}' depends on ${m.dependsOn!.length} requests`);
		if (m.dependsOn?.[0] === m.id) refuse(`request '${m.id}' depends on itself`);
	}
	const stated = members.filter((m) => m.dependsOn?.length);
	if (stated.length === 0) return 'parallel';
	if (
		members.every((m, i) =>
			i === 0 ? !m.dependsOn?.length : m.dependsOn?.[0] === members[i - 1].id,
		)
	)
		return 'serial';
	const targets = new Set(stated.map((m) => m.dependsOn![0]));
	if (targets.size === 1) {
		const target = members.find((m) => m.id === stated[0].dependsOn![0])!;
		if (!target.dependsOn?.length) return 'same';
	}
	return refuse(
		`the dependencies (${stated.map((m) => `'${m.id}' on '${m.dependsOn![0]}'`).join(', ')}) are neither one serial chain nor all on the same request`,
	);
}

export function registerBatch(graph: GraphService, emulator: Emulator): void {
	graph.route(
		'POST',
		'/$batch',
		async (ctx) => {
			const raw = await readBody(ctx.req.body, GRAPH_REQUEST_LIMIT);
			let parsed: unknown;
			try {
				parsed = JSON.parse(raw.toString('utf8'));
			} catch {
				throw new GraphError(400, 'BadRequest', 'Invalid batch payload format.');
			}
			const members = validate(parsed);
			const results = new Map<string, Promise<MemberResponse>>();
			const run = (member: BatchMember) => {
				let promise = results.get(member.id);
				if (promise) return promise;
				promise = (async () => {
					const deps = await Promise.all(
						(member.dependsOn ?? []).map((id) => run(members.find((m) => m.id === id)!)),
					);
					if (deps.some((d) => d.status >= 400)) {
						const failed = graphErrorResponse(
							ctx.req,
							424,
							'FailedDependency',
							'Failed dependency.',
						);
						return {
							id: member.id,
							status: 424,
							headers: { 'Content-Type': 'application/json' },
							body: failed.body,
						};
					}
					return serveMember(emulator, ctx.req, member);
				})();
				results.set(member.id, promise);
				return promise;
			};
			const responses: MemberResponse[] = [];
			if (dependencyPattern(members) === 'parallel') {
				// Members run concurrently; answers come back in completion order, as Graph's may.
				const pending = members.map((m) => run(m).then((r) => responses.push(r)));
				await Promise.all(pending);
			} else {
				// Serial, and "Same" ("Requests made using this pattern will run sequentially"):
				// one member at a time, a dependency before its dependants, else in array order.
				const target = members.find((m) => members.some((d) => d.dependsOn?.[0] === m.id));
				const order = target ? [target, ...members.filter((m) => m !== target)] : members;
				for (const m of order) responses.push(await run(m));
			}
			return { status: 200, body: { responses }, contractType: '$batch' };
		},
		{ permissions: 'none' },
	);
}

async function serveMember(
	emulator: Emulator,
	outer: EmuRequest,
	member: BatchMember,
): Promise<MemberResponse> {
	const url = new URL(member.url.replace(/^\/?/, '/v1.0/'), 'https://batch');
	const headers: Record<string, string> = {};
	for (const [k, v] of Object.entries(member.headers ?? {})) headers[k.toLowerCase()] = v;
	if (outer.headers.authorization) headers.authorization = String(outer.headers.authorization);
	const body =
		member.body === undefined
			? Buffer.alloc(0)
			: Buffer.from(
					typeof member.body === 'string' && !/json/i.test(headers['content-type'] ?? 'json')
						? Buffer.from(member.body, 'base64')
						: JSON.stringify(member.body),
				);
	const log = emulator.newLogEntry(
		member.method.toUpperCase(),
		outer.host,
		url.pathname + url.search,
		headers,
		outer.log.seq,
	);
	log.requestBytes = body.length;
	const req: EmuRequest = {
		method: member.method.toUpperCase(),
		host: outer.host,
		path: url.pathname,
		query: url.searchParams,
		url: url.pathname + url.search,
		headers,
		body,
		baseUrl: outer.baseUrl,
		requestId: log.requestId,
		log,
	};
	const started = Date.now();
	const response = (await emulator.dispatch(req, true)) as EmuResponse;
	log.status = response.status;
	log.durationMs = Date.now() - started;
	const outHeaders: Record<string, string> = {};
	for (const [k, v] of Object.entries(response.headers ?? {})) {
		if (/^(content-type|retry-after|location|etag)$/i.test(k)) outHeaders[k] = String(v);
	}
	let outBody = response.body;
	if (Buffer.isBuffer(outBody)) outBody = outBody.toString('base64');
	else if (outBody instanceof Readable) outBody = (await readBody(outBody)).toString('base64');
	if (outBody !== undefined && !outHeaders['Content-Type'] && !outHeaders['content-type'])
		outHeaders['Content-Type'] = 'application/json';
	return { id: member.id, status: response.status, headers: outHeaders, body: outBody };
}
