/**
 * Uploads to Microsoft 365 through upload sessions (drive items and mail attachments), streamed
 * from a Readable with memory bounded by one chunk, plus the simple upload for small files.
 *
 * - The session is created by the caller through the authenticated Graph transport
 *   (`createSession`); the fragments go to the pre-authenticated `uploadUrl` through `http`,
 *   which must send no `Authorization` header (SharePoint and Outlook answer 401 to one).
 * - Chunks are multiples of 320 KiB (Graph's rule for every fragment but the last), read once,
 *   in order, into reusable buffers: one buffer (a chunk read after the previous one was
 *   accepted), or with `adaptiveChunkSize` two (the next chunk read and hashed while the current
 *   one is in flight) and larger chunks for large files. Nothing before the current chunk is kept.
 * - After a failed fragment (network error, 5xx, 429, 416) the session status (`GET uploadUrl`)
 *   says where the service stands (`nextExpectedRanges`); the upload goes on from there, re-sending
 *   only the part of the current chunk the service lacks. Retries are bounded per chunk.
 * - A fatal error cancels the session (`DELETE uploadUrl`) before it is thrown.
 * - The quickXorHash of the bytes sent is computed on the way and compared with the one the
 *   service reports for the new drive item (SharePoint and OneDrive report quickXorHash).
 *
 * Microsoft's `LargeFileUploadTask` (graph-client 3) slices a whole in-memory file or a seekable
 * source, sends the Graph client's Authorization middleware along unless configured otherwise,
 * and does not resume from the service's status; this small loop keeps memory to one chunk of a
 * one-way stream (n8n's filesystem binary mode) and resumes without re-reading.
 */
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import {
	decideWait,
	DEFAULT_RETRY_POLICY,
	networkErrorCode,
	parseRetryAfter,
	recordWait,
	type RetryPolicy,
	type SideEffect,
	sleep,
	type TransportStats,
} from './retry';
import { proxyFetch } from './http-client';

/** Graph's fragment unit: every fragment but the last is a multiple of 320 KiB. */
export const UPLOAD_FRAGMENT_UNIT = 320 * 1024;
/** Default chunk: 32 x 320 KiB = 10 MiB (Microsoft's recommendation: 5-10 MiB). */
export const DEFAULT_UPLOAD_CHUNK_SIZE = 32 * UPLOAD_FRAGMENT_UNIT;
/** A fragment must stay below 60 MiB. */
export const MAX_UPLOAD_FRAGMENT = 60 * 1024 * 1024;
/** Mail attachment sessions take less than 4 MB per PUT: 12 x 320 KiB = 3.75 MiB. */
export const ATTACHMENT_CHUNK_SIZE = 12 * UPLOAD_FRAGMENT_UNIT;
/** Files up to this size go through the simple upload (`PUT .../content`) rather than a session. */
export const SIMPLE_UPLOAD_LIMIT = 4 * 1024 * 1024;

export interface UploadSource {
	/** The content, read once, front to back (e.g. `this.helpers.getBinaryStream(...)`). */
	stream?: Readable;
	/**
	 * The content read in place instead of `stream` (e.g. `FileBytesReader` on n8n's binary file
	 * in filesystem mode): bytes land directly in the fragment buffers, no piece is allocated.
	 */
	reader?: BytesReader;
	/** Exact size in bytes (the Content-Range total). */
	size: number;
	fileName?: string;
	mimeType?: string;
}

/** What `createUploadSession` (drive item) or `attachments/createUploadSession` (mail) answers. */
export interface UploadSessionInfo {
	uploadUrl: string;
	expirationDateTime?: string;
	nextExpectedRanges?: string[];
}

export interface PreauthenticatedRequest {
	method: 'GET' | 'PUT' | 'DELETE';
	/** Fragment PUTs are `uploadFragment` (never repeated as they are), status GETs `read`, the cancel `replaceable`. */
	effect: SideEffect;
	/** Absolute, pre-authenticated URL (the session's `uploadUrl`). */
	url: string;
	headers?: Record<string, string>;
	body?: Uint8Array;
	signal?: AbortSignal;
}

export interface PreauthenticatedResponse {
	status: number;
	headers: Record<string, string>;
	/** Parsed JSON, or the raw text when it is not JSON, or undefined when empty. */
	body: unknown;
}

/**
 * Requests to pre-authenticated URLs. It must never add an `Authorization` header: the URL
 * carries its own credential. The Graph transport's unauthenticated request method fits;
 * `fetchPreauthenticated` is a standalone one.
 */
export interface PreauthenticatedHttp {
	request(request: PreauthenticatedRequest): Promise<PreauthenticatedResponse>;
}

export interface UploadProgress {
	/** Bytes the service acknowledged. */
	uploaded: number;
	total: number;
}

export interface LargeUploadOptions {
	createSession: () => Promise<UploadSessionInfo>;
	http: PreauthenticatedHttp;
	source: UploadSource;
	/**
	 * Bytes per fragment: a multiple of 320 KiB below 60 MiB (default 10 MiB). Memory: two
	 * fragments (the one in flight and the next one, read meanwhile).
	 */
	chunkSize?: number;
	/**
	 * Larger fragments for large files (`adaptiveChunkSize`), `chunkSize` being the smallest:
	 * fewer requests, each paying the service's round trip. Off by default: a caller with a cap
	 * (mail attachments: 4 MB per request) keeps exactly `chunkSize`.
	 */
	adaptiveChunkSize?: boolean;
	/**
	 * The retry policy (the transport's: `transport.policy`), applied per fragment: attempts,
	 * waits, Retry-After and budget. Fragments are the one kind of request the transport never
	 * repeats itself (`uploadFragment`): this loop resumes them from the session's state instead.
	 */
	retry?: Partial<RetryPolicy>;
	/** Counters to record the waits in (the transport's `stats`). */
	stats?: TransportStats;
	/** Random source for backoff jitter (tests). */
	random?: () => number;
	signal?: AbortSignal;
	onProgress?: (progress: UploadProgress) => void;
	/** Compare the quickXorHash of the bytes sent with the item's (default true). */
	verifyHash?: boolean;
	/**
	 * Statuses that mean "the upload is complete" (default 200 and 201, as drives answer). Outlook
	 * attachment sessions answer 200 with `nextExpectedRanges` for every fragment but the last and
	 * 201 (with a Location header) for the last: pass `[201]`, and a 200 counts as accepted.
	 */
	completeStatuses?: number[];
}

export interface LargeUploadResult {
	/** 201 (created) or 200 (replaced). */
	status: number;
	/** The final answer's body: the driveItem for drive uploads; empty for mail attachments. */
	body: unknown;
	headers: Record<string, string>;
	/** base64 quickXorHash of the bytes sent. */
	quickXorHash: string;
	/** PUT requests sent, and how many of them re-sent a part of a chunk after a failure. */
	requests: number;
	resends: number;
}

/**
 * What became of the upload session after a failure: `deleted` (the service confirmed the
 * session is gone, so no partial file is left), `not-deleted` (the cancel failed: the session
 * expires on its own), `committed?` (the last fragment may have completed the file), or
 * `not-created` (no session was made).
 */
export type SessionOutcome = 'deleted' | 'not-deleted' | 'maybe-committed' | 'not-created';

export class UploadSessionError extends Error {
	/** Set by `uploadLargeFile` once it dealt with the session. */
	session: SessionOutcome = 'not-created';

	constructor(
		message: string,
		readonly status?: number,
		readonly body?: unknown,
		readonly cause?: unknown,
	) {
		super(message);
		this.name = 'UploadSessionError';
	}

	/** The sentence a user needs about what is left in the library, true to what was confirmed. */
	get sessionNote(): string {
		switch (this.session) {
			case 'deleted':
				return 'The upload session was deleted (the service confirmed it), so no partial file was left.';
			case 'not-deleted':
				return 'The upload session could not be deleted; it expires on its own, and no file is created from an unfinished session.';
			case 'maybe-committed':
				return 'The last fragment may have completed the file before the failure: check the folder before uploading again.';
			case 'not-created':
				return 'No upload session was created.';
		}
	}
}

/** Validates a chunk size: a positive multiple of 320 KiB below 60 MiB. */
export function validateChunkSize(chunkSize: number): number {
	if (
		!Number.isInteger(chunkSize) ||
		chunkSize <= 0 ||
		chunkSize % UPLOAD_FRAGMENT_UNIT !== 0 ||
		chunkSize >= MAX_UPLOAD_FRAGMENT
	) {
		throw new UploadSessionError(
			`The upload chunk size must be a multiple of 320 KiB (327,680 bytes) below 60 MiB; got ${chunkSize}.`,
		);
	}
	return chunkSize;
}

/**
 * Fragment size for large files, largest first: 30 MiB from 512 MiB on (two held at a time:
 * 60 MiB; 35 round trips per GiB instead of 52), 20 MiB from 128 MiB on (40 MiB held).
 */
export const LARGE_FILE_CHUNK_SIZES: readonly (readonly [minSize: number, chunkSize: number])[] = [
	[512 * 1024 * 1024, 96 * UPLOAD_FRAGMENT_UNIT],
	[128 * 1024 * 1024, 64 * UPLOAD_FRAGMENT_UNIT],
];

/**
 * The fragment size for a file of `total` bytes: `floor` (the configured chunk size) for small
 * files, larger for large ones (`LARGE_FILE_CHUNK_SIZES`), never smaller than `floor`. Each
 * fragment pays a round trip; two fragments are held at a time (the one in flight, the next).
 */
export function adaptiveChunkSize(total: number, floor = DEFAULT_UPLOAD_CHUNK_SIZE): number {
	const step = LARGE_FILE_CHUNK_SIZES.find(([minSize]) => total >= minSize);
	return validateChunkSize(Math.max(floor, step ? step[1] : floor));
}

/** Whether a file of `size` bytes should use the simple upload rather than a session. */
export function useSimpleUpload(size: number, limit = SIMPLE_UPLOAD_LIMIT): boolean {
	return size <= limit;
}

// ---------------------------------------------------------------------------------------------
// quickXorHash

/**
 * Microsoft's quickXorHash (OneDrive for Business / SharePoint `file.hashes.quickXorHash`): each
 * byte is XORed into a 160-bit circular register at bit 11 x its offset, and the length (64-bit
 * little-endian) is XORed into the last 8 bytes. Bytes at offsets equal modulo 160 land on the
 * same bits, so they are folded into 160 byte cells first and placed once at the end.
 */
export class QuickXorHash {
	private cells = new Uint8Array(160);
	private cell = 0;
	private length = 0;

	update(data: Uint8Array): this {
		const cells = this.cells;
		let cell = this.cell;
		let i = 0;
		const n = data.length;
		// Byte by byte up to a 4-byte aligned cell and source, then 32-bit words: XOR works the
		// same on words as on their bytes (both views share one byte order), 4 times fewer steps.
		while (i < n && ((cell & 3) !== 0 || ((data.byteOffset + i) & 3) !== 0)) {
			cells[cell] ^= data[i++];
			if (++cell === 160) cell = 0;
		}
		if (((data.byteOffset + i) & 3) === 0 && (cell & 3) === 0) {
			const words = Math.floor((n - i) / 4);
			if (words >= 80) {
				const src = new Uint32Array(data.buffer, data.byteOffset + i, words);
				const acc = new Uint32Array(cells.buffer, cells.byteOffset, 40);
				let w = cell >> 2;
				let k = 0;
				// First up to the register's start, then whole turns of 40 words, then the rest.
				while (w !== 0 && k < words) {
					acc[w] ^= src[k++];
					if (++w === 40) w = 0;
				}
				const turns = k + Math.floor((words - k) / 40) * 40;
				for (; k < turns; k += 40) {
					for (let j = 0; j < 40; j++) acc[j] ^= src[k + j];
				}
				for (; k < words; k++) acc[w++] ^= src[k];
				if (w === 40) w = 0;
				cell = w << 2;
				i += words * 4;
			}
		}
		for (; i < n; i++) {
			cells[cell] ^= data[i];
			if (++cell === 160) cell = 0;
		}
		this.cell = cell;
		this.length += data.length;
		return this;
	}

	copy(): QuickXorHash {
		const clone = new QuickXorHash();
		clone.cells.set(this.cells);
		clone.cell = this.cell;
		clone.length = this.length;
		return clone;
	}

	digest(): Buffer {
		const out = Buffer.alloc(20);
		for (let r = 0; r < 160; r++) {
			const value = this.cells[r];
			if (!value) continue;
			const bit = (r * 11) % 160;
			// Place 8 bits at `bit`, wrapping around the 160-bit register (little-endian bit order).
			for (let k = 0; k < 8; k++) {
				if (value & (1 << k)) {
					const position = (bit + k) % 160;
					out[position >> 3] ^= 1 << (position & 7);
				}
			}
		}
		let length = BigInt(this.length);
		for (let i = 0; i < 8; i++) {
			out[12 + i] ^= Number(length & 0xffn);
			length >>= 8n;
		}
		return out;
	}

	digestBase64(): string {
		return this.digest().toString('base64');
	}
}

// ---------------------------------------------------------------------------------------------
// Reading the source chunk by chunk into one buffer

/** Fills a caller's buffers with the source's bytes, front to back. */
export interface BytesReader {
	/** Fills `target[0..n)`; returns the bytes read (less than n only at the end). */
	fill(target: Buffer, n: number): Promise<number>;
	/** Whether the source has more bytes. */
	hasMore(): Promise<boolean>;
	close(): Promise<void>;
}

/** The source's reader: its own (`reader`), or one over its stream. */
export function readerOf(source: UploadSource): BytesReader {
	if (source.reader) return source.reader;
	if (source.stream) return new ChunkReader(source.stream);
	throw new UploadSessionError('The upload source has neither a stream nor a reader.');
}

/**
 * Reads an open file front to back with positional reads straight into the caller's buffer: no
 * piece is allocated per read (a stream allocates one per read, 1 GiB of garbage for 1 GiB).
 */
export class FileBytesReader implements BytesReader {
	private position = 0;
	private closed = false;

	constructor(private readonly handle: FileHandle) {}

	async fill(target: Buffer, n: number): Promise<number> {
		let filled = 0;
		while (filled < n) {
			const { bytesRead } = await this.handle.read(target, filled, n - filled, this.position);
			if (bytesRead === 0) break;
			filled += bytesRead;
			this.position += bytesRead;
		}
		return filled;
	}

	async hasMore(): Promise<boolean> {
		const { size } = await this.handle.stat();
		return size > this.position;
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		await this.handle.close();
	}
}

/** Releases what the source holds (its stream or its reader's file), whether it was read or not. */
export async function releaseSource(source: UploadSource): Promise<void> {
	if (source.stream && !source.stream.destroyed) source.stream.destroy();
	await source.reader?.close().catch(() => undefined);
}

/** Reads a Readable into a caller's buffer, exactly `n` bytes at a time (fewer only at the end). */
export class ChunkReader implements BytesReader {
	private readonly iterator: AsyncIterator<unknown>;
	private leftover: Buffer | undefined;
	private done = false;

	constructor(stream: Readable) {
		this.iterator = stream[Symbol.asyncIterator]();
	}

	/** Fills `target[0..n)`; returns the bytes read (less than n only when the stream ended). */
	async fill(target: Buffer, n: number): Promise<number> {
		let filled = 0;
		while (filled < n) {
			let piece = this.leftover;
			this.leftover = undefined;
			if (!piece) {
				if (this.done) break;
				const next = await this.iterator.next();
				if (next.done) {
					this.done = true;
					break;
				}
				piece = toBuffer(next.value);
			}
			const take = Math.min(piece.length, n - filled);
			piece.copy(target, filled, 0, take);
			filled += take;
			if (take < piece.length) this.leftover = piece.subarray(take);
		}
		return filled;
	}

	/** Whether the stream has more bytes (reads ahead at most one piece). */
	async hasMore(): Promise<boolean> {
		if (this.leftover?.length) return true;
		if (this.done) return false;
		const next = await this.iterator.next();
		if (next.done) {
			this.done = true;
			return false;
		}
		this.leftover = toBuffer(next.value);
		return this.leftover.length > 0 || this.hasMore();
	}

	async close(): Promise<void> {
		if (!this.done) await this.iterator.return?.();
		this.done = true;
	}
}

function toBuffer(value: unknown): Buffer {
	if (Buffer.isBuffer(value)) return value;
	if (typeof value === 'string') return Buffer.from(value);
	if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.length);
	throw new UploadSessionError('The upload stream produced a value that is not bytes.');
}

// ---------------------------------------------------------------------------------------------
// Upload sessions

/** The first offset of `nextExpectedRanges` (`["26214400-"]`, `["0-1023", "2048-"]`, Outlook's `["2097152"]`). */
export function nextExpectedOffset(body: unknown): number | undefined {
	const ranges = (body as { nextExpectedRanges?: unknown } | undefined)?.nextExpectedRanges;
	if (!Array.isArray(ranges) || ranges.length === 0) return undefined;
	const starts = ranges
		.map((r) => /^(\d+)(?:-|$)/.exec(String(r)))
		.filter((m): m is RegExpExecArray => m !== null)
		.map((m) => Number(m[1]));
	return starts.length ? Math.min(...starts) : undefined;
}

function errorMessage(status: number, body: unknown): string {
	const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
	if (error && (error.code || error.message))
		return `${status} ${String(error.code ?? '')}: ${String(error.message ?? '')}`.trim();
	return `HTTP ${status}`;
}

type Attempt =
	| { kind: 'accepted'; next: number | undefined }
	| { kind: 'complete'; response: PreauthenticatedResponse }
	| { kind: 'retry'; waitMs?: number; reason: string }
	| { kind: 'fatal'; error: UploadSessionError };

/**
 * Uploads `source` through a new upload session. Resolves with the final answer (201/200);
 * rejects with an `UploadSessionError` after cancelling the session.
 */
export async function uploadLargeFile(options: LargeUploadOptions): Promise<LargeUploadResult> {
	const configured = validateChunkSize(options.chunkSize ?? DEFAULT_UPLOAD_CHUNK_SIZE);
	const { source, http, signal } = options;
	const total = source.size;
	if (!Number.isSafeInteger(total) || total <= 0) {
		throw new UploadSessionError(
			`An upload session needs a known, positive size; got ${String(total)}.`,
		);
	}
	const chunkSize = options.adaptiveChunkSize ? adaptiveChunkSize(total, configured) : configured;
	const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...(options.retry ?? {}) };
	const random = options.random ?? Math.random;

	const session = await options.createSession();
	if (!session?.uploadUrl) throw new UploadSessionError('The upload session has no uploadUrl.');
	const url = session.uploadUrl;

	const reader = readerOf(source);
	// Two buffers: one fragment in flight (kept until the service acknowledged it, for a resend),
	// the next one read into the other meanwhile. A file of one fragment needs only one.
	const buffers = [Buffer.allocUnsafe(Math.min(chunkSize, total))];
	// Read-ahead (double buffering) comes with adaptive fragments (large drive uploads); other
	// callers keep one buffer and read a fragment after the previous one was accepted.
	const readAhead = options.adaptiveChunkSize === true;
	if (readAhead && total > chunkSize)
		buffers.push(Buffer.allocUnsafe(Math.min(chunkSize, total - chunkSize)));
	const hash = new QuickXorHash();
	let requests = 0;
	let resends = 0;
	let final: PreauthenticatedResponse | undefined;
	let failure: UploadSessionError | undefined;

	/** A PUT carrying the last byte went out: the file may have been committed since. */
	let finalSent = false;
	/**
	 * Deletes the session: `deleted` when the service deleted it (204), `gone` when it no longer
	 * knows it (404: expired, cancelled, or completed by a last fragment whose answer was lost),
	 * `failed` when the cancel itself failed.
	 */
	const cancel = async (): Promise<'deleted' | 'gone' | 'failed'> => {
		try {
			const answer = await http.request({ method: 'DELETE', url, effect: 'replaceable' });
			if (answer.status === 204 || answer.status === 200) return 'deleted';
			return answer.status === 404 ? 'gone' : 'failed';
		} catch {
			return 'failed';
		}
	};

	const put = async (
		buffer: Buffer,
		from: number,
		chunkStart: number,
		length: number,
	): Promise<Attempt> => {
		const end = chunkStart + length - 1;
		requests += 1;
		if (end + 1 === total) finalSent = true;
		let response: PreauthenticatedResponse;
		try {
			response = await http.request({
				method: 'PUT',
				effect: 'uploadFragment',
				url,
				headers: {
					'Content-Range': `bytes ${from}-${end}/${total}`,
					'Content-Length': String(end - from + 1),
				},
				body: buffer.subarray(from - chunkStart, length),
				signal,
			});
		} catch (error) {
			if (signal?.aborted)
				return { kind: 'fatal', error: new UploadSessionError('The upload was cancelled.') };
			const code = networkErrorCode(error);
			if (code) return { kind: 'retry', reason: code };
			return {
				kind: 'fatal',
				error: new UploadSessionError(
					`Upload fragment failed: ${(error as Error)?.message}`,
					undefined,
					undefined,
					error,
				),
			};
		}
		const { status, body } = response;
		if ((options.completeStatuses ?? [200, 201]).includes(status))
			return { kind: 'complete', response };
		if (status === 202 || status === 200)
			return { kind: 'accepted', next: nextExpectedOffset(body) };
		// 416: the range does not fit what the service has; its status says where it stands.
		if (status === 416) return { kind: 'retry', reason: `HTTP ${status}` };
		// A 409 (a name taken meanwhile, a conflict on commit) is final: sending again cannot help.
		if (status === 429 || status >= 500) {
			return {
				kind: 'retry',
				waitMs: parseRetryAfter(response.headers['retry-after']),
				reason: `HTTP ${status}`,
			};
		}
		return {
			kind: 'fatal',
			error: new UploadSessionError(
				`Upload fragment refused: ${errorMessage(status, body)}`,
				status,
				body,
			),
		};
	};

	/** Where the service stands: the next offset it expects, or 'gone' when the session is gone. */
	const status = async (): Promise<number | 'gone' | undefined> => {
		try {
			const response = await http.request({ method: 'GET', effect: 'read', url, signal });
			if (response.status === 404) return 'gone';
			if (response.status !== 200) return undefined;
			return nextExpectedOffset(response.body);
		} catch {
			return undefined;
		}
	};

	/**
	 * Reads (and hashes) the fragment at `offset` into `buffer`: an error to report rather than
	 * a rejection, since it runs while the previous fragment is in flight. Fragments are read
	 * one after another, so the hash sees the bytes in order.
	 */
	const readFragment = async (buffer: Buffer, offset: number): Promise<unknown> => {
		try {
			const length = Math.min(chunkSize, total - offset);
			const read = await reader.fill(buffer, length);
			if (read < length)
				return new UploadSessionError(
					`The upload stream ended after ${offset + read} of ${total} bytes.`,
				);
			hash.update(buffer.subarray(0, length));
			return undefined;
		} catch (error) {
			return error ?? new Error('The upload stream failed.');
		}
	};
	let reading: Promise<unknown> | undefined;

	const started = Date.now();
	try {
		let offset = 0;
		let index = 0;
		reading = readFragment(buffers[0], 0);
		while (offset < total && !failure && !final) {
			const buffer = buffers[index % buffers.length];
			const length = Math.min(chunkSize, total - offset);
			const readError = await reading;
			reading = undefined;
			if (readError) {
				if (readError instanceof UploadSessionError) failure = readError;
				else throw readError;
				break;
			}
			// The next fragment is read into the other buffer while this one is in flight.
			if (readAhead && offset + length < total)
				reading = readFragment(buffers[(index + 1) % buffers.length], offset + length);
			index += 1;
			const chunkStart = offset;
			const chunkEnd = chunkStart + length;
			let from = chunkStart;
			for (let attempt = 1; ; attempt++) {
				if (attempt > 1) resends += 1;
				const outcome = await put(buffer, from, chunkStart, length);
				if (outcome.kind === 'complete') {
					if (chunkEnd !== total) {
						failure = new UploadSessionError(
							`The upload session completed after ${chunkEnd} of ${total} bytes.`,
							outcome.response.status,
							outcome.response.body,
						);
					} else final = outcome.response;
					break;
				}
				if (outcome.kind === 'accepted') {
					if (outcome.next !== undefined && outcome.next !== chunkEnd) {
						// The service kept less (or more) than this fragment: resend from where it stands.
						if (outcome.next < chunkStart || outcome.next > chunkEnd) {
							failure = new UploadSessionError(
								`The service expects byte ${outcome.next}, outside the chunk ${chunkStart}-${chunkEnd - 1}.`,
							);
							break;
						}
						from = outcome.next;
						if (attempt >= policy.maxAttempts) {
							failure = new UploadSessionError(
								`Upload fragment ${chunkStart}-${chunkEnd - 1} was not accepted after ${attempt} attempts.`,
							);
							break;
						}
						continue;
					}
					break;
				}
				if (outcome.kind === 'fatal') {
					failure = outcome.error;
					break;
				}
				// The transport's policy decides: attempts, Retry-After (a longer one than it waits ends
				// the upload), backoff and the time budget, counted per fragment.
				const decision = decideWait(policy, attempt, started, outcome.waitMs, random);
				if (!decision.retry) {
					failure = new UploadSessionError(
						decision.reason === 'retry-after-too-long'
							? `The service asked to wait ${decision.retryAfterMs} ms before fragment ${chunkStart}-${chunkEnd - 1}, more than the ${policy.maxWaitMs} ms the transport waits.`
							: `Upload fragment ${chunkStart}-${chunkEnd - 1} failed ${attempt} times (last: ${outcome.reason}).`,
					);
					break;
				}
				if (options.stats) recordWait(options.stats, decision);
				await sleep(decision.waitMs * policy.waitScale, signal);
				const next = await status();
				if (next === 'gone') {
					failure = new UploadSessionError(
						chunkEnd === total
							? 'The upload session is gone after the last fragment; the file may have been committed.'
							: 'The upload session expired or was cancelled.',
						404,
					);
					break;
				}
				if (next === undefined) continue; // status unknown: resend from the same place
				if (next < chunkStart) {
					failure = new UploadSessionError(
						`The service lost data it had acknowledged: it expects byte ${next}, this chunk starts at ${chunkStart}.`,
					);
					break;
				}
				if (next >= chunkEnd) break; // the fragment arrived after all
				from = next;
			}
			offset = chunkEnd;
			options.onProgress?.({ uploaded: final ? total : Math.min(offset, total), total });
			if (!readAhead && offset < total && !failure && !final)
				reading = readFragment(buffers[0], offset);
		}
		if (!failure && !final) {
			failure = new UploadSessionError('The upload ended without the service confirming the file.');
		}
		if (!failure && (await reader.hasMore())) {
			failure = new UploadSessionError(
				`The upload stream has more than the declared ${total} bytes.`,
			);
		}
	} catch (error) {
		failure =
			error instanceof UploadSessionError
				? error
				: new UploadSessionError(
						signal?.aborted
							? 'The upload was cancelled.'
							: `Upload failed: ${(error as Error)?.message}`,
						undefined,
						undefined,
						error,
					);
	} finally {
		// A read ahead still under way (after a failure) ends before the stream is closed.
		if (reading) await reading;
		await reader.close().catch(() => undefined);
	}

	if (failure || !final) {
		const error = failure ?? new UploadSessionError('The upload failed.');
		if (!final && error.status === 404 && /may have been committed/.test(error.message)) {
			// The session is gone right after its last byte went out: nothing to cancel.
			error.session = 'maybe-committed';
		} else if (!final) {
			const outcome = await cancel();
			// Deleted while it still existed: no file. Gone or not cancelled after the last byte
			// went out: the file may have been committed. Gone before that: nothing was committed.
			if (outcome === 'deleted') error.session = 'deleted';
			else if (finalSent) error.session = 'maybe-committed';
			else error.session = outcome === 'gone' ? 'deleted' : 'not-deleted';
		}
		throw error;
	}
	const quickXorHash = hash.digestBase64();
	const reported = (final.body as { file?: { hashes?: { quickXorHash?: unknown } } } | undefined)
		?.file?.hashes?.quickXorHash;
	if (options.verifyHash !== false && typeof reported === 'string' && reported !== quickXorHash) {
		throw new UploadSessionError(
			`The uploaded file's quickXorHash (${reported}) differs from the bytes sent (${quickXorHash}).`,
			final.status,
			final.body,
		);
	}
	return {
		status: final.status,
		body: final.body,
		headers: final.headers,
		quickXorHash,
		requests,
		resends,
	};
}

// ---------------------------------------------------------------------------------------------
// Simple upload

/** Reads a small source whole (at most `limit` bytes) for a simple `PUT .../content`. */
export async function readSmallSource(
	source: UploadSource,
	limit = SIMPLE_UPLOAD_LIMIT,
): Promise<Buffer> {
	if (source.size > limit) {
		throw new UploadSessionError(
			`${source.size} bytes is over the simple upload limit of ${limit} bytes; use an upload session.`,
		);
	}
	const buffer = Buffer.alloc(source.size);
	const reader = readerOf(source);
	try {
		const read = await reader.fill(buffer, source.size);
		if (read < source.size) {
			throw new UploadSessionError(
				`The upload stream ended after ${read} of ${source.size} bytes.`,
			);
		}
		if (await reader.hasMore()) {
			throw new UploadSessionError(
				`The upload stream has more than the declared ${source.size} bytes.`,
			);
		}
	} finally {
		await reader.close();
	}
	return buffer;
}

/**
 * Simple upload: reads the (small) source and hands the bytes to `put`, which sends
 * `PUT /drives/{id}/items/{parent-id}:/{name}:/content` through the authenticated Graph transport.
 */
export async function uploadSmall<T>(
	source: UploadSource,
	put: (body: Buffer, contentType: string) => Promise<T>,
	limit = SIMPLE_UPLOAD_LIMIT,
): Promise<T> {
	const body = await readSmallSource(source, limit);
	return await put(body, source.mimeType ?? 'application/octet-stream');
}

// ---------------------------------------------------------------------------------------------
// A standalone PreauthenticatedHttp over fetch

const PREAUTH_WRITE_SLICE = 256 * 1024;

/** `PreauthenticatedHttp` over fetch (with the environment's proxy, ./http-client.ts): never an Authorization header, no redirects followed. */
export const fetchPreauthenticated: PreauthenticatedHttp = {
	async request(request) {
		const headers: Record<string, string> = {};
		for (const [name, value] of Object.entries(request.headers ?? {})) {
			// Authorization never goes to these URLs.
			if (name.toLowerCase() === 'authorization' || name.toLowerCase() === 'content-length')
				continue;
			headers[name] = value;
		}
		// fetch copies a Uint8Array body (a chunk's worth of garbage per request), and one large
		// write is encrypted by TLS whole; a pulled stream of views into the caller's buffer, with
		// an explicit Content-Length, sends it as it is, a slice at a time.
		const payload = request.body;
		if (payload) headers['Content-Length'] = String(payload.length);
		let sent = 0;
		const init: RequestInit & { duplex?: 'half' } = {
			method: request.method,
			headers,
			redirect: 'manual',
			signal: request.signal,
		};
		if (payload?.length) {
			init.body = new ReadableStream<Uint8Array>({
				pull(controller) {
					const end = Math.min(payload.length, sent + PREAUTH_WRITE_SLICE);
					controller.enqueue(payload.subarray(sent, end));
					sent = end;
					if (sent >= payload.length) controller.close();
				},
			});
			init.duplex = 'half';
		} else if (payload) {
			init.body = payload;
		}
		const response = await proxyFetch(request.url, init);
		const text = await response.text();
		let body: unknown = text || undefined;
		if (text) {
			try {
				body = JSON.parse(text);
			} catch {
				// not JSON: keep the text
			}
		}
		const out: Record<string, string> = {};
		response.headers.forEach((value, name) => {
			out[name.toLowerCase()] = value;
		});
		return { status: response.status, headers: out, body };
	},
};
