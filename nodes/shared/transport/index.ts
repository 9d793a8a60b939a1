/**
 * The shared Graph transport: every node's only way to Microsoft Graph (see transport.ts).
 */
export { GraphTransport, withQuery } from './transport';
export type {
	GraphTransportOptions,
	QueryValue,
	TransportRequest,
	TransportResponse,
	UnauthenticatedRequest,
} from './transport';
export { BATCH_SIZE, planBatches } from './batch';
export type { BatchFailure, BatchItem, BatchItemResult, BatchOptions, BatchSuccess } from './batch';
export type { Page, PageOptions } from './paging';
export { DEFAULT_RETRY_POLICY, parseRetryAfter } from './retry';
export type { HttpMethod, RetryPolicy, SideEffect, TransportStats } from './retry';
export { createGraphTransport } from './factory';
export {
	channelPace,
	chatPace,
	configurePacing,
	DailyCapError,
	postPacer,
	PostPacer,
	realClock,
	TEAMS_POSTING_LIMITS,
} from './pacing';
export type { PaceTarget, PaceTicket, PacingClock, PacingLimits } from './pacing';
