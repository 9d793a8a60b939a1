/** Stops n8n and the emulator (their whole process groups) after the end-to-end tests. */
import type { E2eGlobal } from './state';

export default async function globalTeardown(): Promise<void> {
	const stack = (globalThis as E2eGlobal).__m365Stack;
	await stack?.stop();
}
