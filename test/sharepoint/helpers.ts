/**
 * Shared by the SharePoint node tests: the node run through n8n's engine (test/harness) against
 * the emulator with an app-only credential of the demo tenant, site and library references,
 * deterministic generated content (streamed, hashed on the way), and the Graph requests of a run.
 */
import { createHash, randomFillSync } from 'node:crypto';
import { Readable } from 'node:stream';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { Microsoft365AppApi } from '../../credentials/Microsoft365AppApi.credentials';
import { Microsoft365OAuth2Api } from '../../credentials/Microsoft365OAuth2Api.credentials';
import { Microsoft365SharePoint } from '../../nodes/Microsoft365SharePoint/Microsoft365SharePoint.node';
import type { Emulator } from '../emulator/emulator';
import type { RequestLogEntry } from '../emulator/http';
import {
	runListSearch,
	runNode,
	type HarnessBinaryInput,
	type HarnessInputItem,
	type RunNodeOptions,
} from '../harness';

export const TYPE = 'n8n-nodes-m365.microsoft365SharePoint';
export const TENANT = '9afc4c9b-52ad-5db7-a6ed-ff1ff2d75c8a';
export const HOST = 'contoso.sharepoint.com';
export const REPORTS_SITE = `${HOST},5e2a7b4c-9d1f-4e3a-b6c8-0f1e2d3c4b02,a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c02`;
export const ALL_STAFF_SITE = `${HOST},6f3b8c5d-0e2a-4f4b-a7d9-1a2b3c4d5e04,b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d04`;
export const MiB = 1024 * 1024;

/** App-only credentials of the demo tenant: Sites.ReadWrite.All, and Sites.Selected (granted "write" on /sites/reports). */
export const APPS = {
	archive: {
		clientId: '38c73065-ef3e-4beb-b0ec-33cb374bf4eb',
		clientSecret: 'DaR8~demo.Document-Archive-Secret-Value_0010',
	},
	publisher: {
		clientId: '7de88e93-2c5d-4d14-bd46-f9559e8a0987',
		clientSecret: 'RpB8~demo.Report-Publisher-Secret-Value_0009',
	},
} as const;

export const nodeTypes = { [TYPE]: new Microsoft365SharePoint() };
export const credentialTypes = [new Microsoft365AppApi(), new Microsoft365OAuth2Api()];

export function appCredential(emu: Emulator, app: keyof typeof APPS = 'archive'): IDataObject {
	return {
		cloud: 'custom',
		customLoginUrl: emu.url,
		customGraphUrl: emu.url,
		tenantId: TENANT,
		authentication: 'clientSecret',
		...APPS[app],
	};
}

export const rl = (value: string, mode = 'list') => ({ __rl: true, mode, value });

export function libraryId(emu: Emulator, library = 'Reports', site = '/sites/reports'): string {
	return emu.drives.drive(`${HOST}:${site}/${library}`).id;
}

export interface RunOptions extends Partial<Omit<RunNodeOptions, 'node'>> {
	app?: keyof typeof APPS;
	/** Node settings (On Error, Retry On Fail). */
	settings?: Partial<RunNodeOptions['node']>;
}

/** Runs the node (app-only credential) with the Reports library of the Reports site by default. */
export async function run(emu: Emulator, parameters: INodeParameters, options: RunOptions = {}) {
	const { app = 'archive', settings, ...rest } = options;
	return await runNode({
		nodeTypes,
		credentialTypes,
		node: {
			...(settings ?? {}),
			type: TYPE,
			parameters: {
				authentication: 'app',
				site: rl(REPORTS_SITE),
				library: rl(libraryId(emu)),
				...parameters,
			},
			credentials: { microsoft365AppApi: { id: `cred-${app}`, name: app } },
		},
		credentialsData: { [`cred-${app}`]: appCredential(emu, app) as never },
		...rest,
	});
}

export async function listSearch(
	emu: Emulator,
	methodName: string,
	parameters: INodeParameters,
	filter?: string,
	paginationToken?: string,
	app: keyof typeof APPS = 'archive',
) {
	return await runListSearch({
		nodeTypes,
		credentialTypes,
		node: {
			type: TYPE,
			parameters: { authentication: 'app', resource: 'file', operation: 'upload', ...parameters },
			credentials: { microsoft365AppApi: { id: `cred-${app}`, name: app } },
		},
		credentialsData: { [`cred-${app}`]: appCredential(emu, app) as never },
		methodName,
		filter,
		paginationToken,
	});
}

/** `size` random bytes, produced 64 KiB at a time (never held whole); `sha256()` after the end. */
export function generated(size: number): { stream: Readable; sha256: () => string } {
	const hash = createHash('sha256');
	let produced = 0;
	const stream = new Readable({
		read() {
			if (produced >= size) {
				this.push(null);
				return;
			}
			const chunk = randomFillSync(Buffer.allocUnsafe(Math.min(64 * 1024, size - produced)));
			hash.update(chunk);
			produced += chunk.length;
			this.push(chunk);
		},
	});
	return { stream, sha256: () => hash.digest('hex') };
}

export function sha256(data: Buffer | string): string {
	return createHash('sha256').update(data).digest('hex');
}

export function fileInput(
	content: HarnessBinaryInput['content'],
	fileName = 'report.csv',
	json: IDataObject = {},
	mimeType?: string,
): HarnessInputItem {
	return { json, binary: { data: { content, fileName, mimeType } } };
}

/** Graph and SharePoint requests of the emulator log since `mark` (no login requests). */
export function requests(emu: Emulator, mark: number): RequestLogEntry[] {
	return emu
		.since(mark)
		.filter((e) => !/\/oauth2\/v2\.0\/token|\/discovery\/|openid-configuration/.test(e.url));
}

/** `METHOD /path` of each request, the Graph version and query left out. */
export function calls(emu: Emulator, mark: number): string[] {
	return requests(emu, mark).map(
		(e) => `${e.method} ${decodeURIComponent(e.url.split('?')[0].replace(/^\/v1\.0/, ''))}`,
	);
}

/** `global.gc`, exposed at run time (jest runs without --expose-gc). */
export function exposeGc(): () => void {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { setFlagsFromString } = require('node:v8') as typeof import('node:v8');
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { runInNewContext } = require('node:vm') as typeof import('node:vm');
	setFlagsFromString('--expose-gc');
	return runInNewContext('gc') as () => void;
}

/** Samples RSS (with a GC every 100 ms) while `work` runs; returns its result and the peak growth. */
export async function measurePeakRss<T>(
	work: () => Promise<T>,
): Promise<{ result: T; growth: number; baseline: number; peak: number }> {
	const gc = exposeGc();
	gc();
	const baseline = process.memoryUsage().rss;
	let peak = baseline;
	let ticks = 0;
	const sampler = setInterval(() => {
		if (++ticks % 5 === 0) gc();
		peak = Math.max(peak, process.memoryUsage().rss);
	}, 20);
	try {
		const result = await work();
		return { result, growth: peak - baseline, baseline, peak };
	} finally {
		clearInterval(sampler);
	}
}
