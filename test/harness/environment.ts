/**
 * The process-wide part of n8n that n8n-core's execution engine reads from its DI container:
 * instance settings (encryption key, n8n folder), the logger, and the binary data service.
 *
 * Everything lives in one temporary folder per test process (never ~/.n8n), removed on exit.
 * n8n itself builds these in its CLI start-up; n8n's own node tests get them from the same
 * container with defaults, which would write to the user's real n8n folder.
 */
import { Logger } from '@n8n/backend-common';
import { GlobalConfig, InstanceSettingsConfig } from '@n8n/config';
import { Container } from '@n8n/di';
import {
	BinaryDataConfig,
	BinaryDataService,
	Cipher,
	EncryptionKeyProxy,
	ErrorReporter,
	InstanceSettings,
	type KeyInfo,
} from 'n8n-core';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type BinaryDataMode = 'default' | 'filesystem';

export interface HarnessEnvironment {
	/** The temporary root: `<root>/.n8n` is the n8n folder, `<root>/binary-data` the filesystem store. */
	root: string;
	n8nFolder: string;
	binaryDataPath: string;
}

let environment: HarnessEnvironment | undefined;
const binaryDataServices = new Map<BinaryDataMode, Promise<BinaryDataService>>();

/** Sets up n8n's container once per process (idempotent). */
export function n8nEnvironment(): HarnessEnvironment {
	if (environment) return environment;

	const root = mkdtempSync(path.join(tmpdir(), 'n8n-harness-'));
	const n8nFolder = path.join(root, '.n8n');
	const binaryDataPath = path.join(root, 'binary-data');
	mkdirSync(n8nFolder, { recursive: true });
	mkdirSync(binaryDataPath, { recursive: true });
	process.once('exit', () => rmSync(root, { recursive: true, force: true }));

	// Read by InstanceSettings' constructor: the settings file goes into the temporary n8n folder,
	// with a random encryption key (as n8n generates on first start) for stored credentials.
	Object.assign(Container.get(InstanceSettingsConfig), {
		n8nFolder,
		userHome: root,
		encryptionKey: randomBytes(24).toString('base64'),
		enforceSettingsFilePermissions: false,
	});

	// n8n logs at "info" by default; errors reach the tests in the results anyway, so the harness
	// keeps n8n quiet unless N8N_LOG_LEVEL asks (e.g. N8N_LOG_LEVEL=debug npx jest ...).
	const globalConfig = Container.get(GlobalConfig);
	if (!process.env.N8N_LOG_LEVEL) globalConfig.logging.level = 'silent';
	globalConfig.logging.outputs = ['console'];

	const instanceSettings = Container.get(InstanceSettings);
	Container.get(Logger);

	// n8n's KeyManagerService without key rotation (the default): credentials are encrypted with
	// the instance key itself (AES-256-CBC, no key-id prefix), as in every n8n before 2.x.
	const instanceKey: KeyInfo = {
		id: 'instance-key',
		value: Container.get(Cipher).encryptDEKWithInstanceKey(instanceSettings.encryptionKey),
		algorithm: 'aes-256-cbc',
		format: 'no-prefix',
	};
	Container.get(EncryptionKeyProxy).setProvider({
		getActiveKey: async () => instanceKey,
		getLegacyKey: async () => instanceKey,
		getKeyById: async (id) => (id === instanceKey.id ? instanceKey : null),
	});

	environment = { root, n8nFolder, binaryDataPath };
	return environment;
}

/**
 * n8n-core's BinaryDataService in the given mode, made the container's instance so that every
 * helper (`prepareBinaryData`, `getBinaryStream`, `binaryToBuffer`, ...) uses it. "default" keeps
 * binary data base64-encoded in the items (n8n's in-memory mode); "filesystem" stores it in files
 * and puts only an id in the items (n8n's `N8N_DEFAULT_BINARY_DATA_MODE=filesystem`).
 *
 * The container holds one service at a time, so runs in different modes must not overlap.
 */
export async function useBinaryDataMode(mode: BinaryDataMode): Promise<BinaryDataService> {
	const { binaryDataPath } = n8nEnvironment();
	let service = binaryDataServices.get(mode);
	if (!service) {
		const base = Container.get(BinaryDataConfig);
		const config = Object.assign(Object.create(BinaryDataConfig.prototype), base, {
			mode,
			localStoragePath: binaryDataPath,
		}) as BinaryDataConfig;
		const created = new BinaryDataService(
			config,
			Container.get(ErrorReporter),
			Container.get(Logger),
		);
		service = created.init().then(() => created);
		binaryDataServices.set(mode, service);
	}
	const ready = await service;
	Container.set(BinaryDataService, ready);
	return ready;
}
