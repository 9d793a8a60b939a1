import { loadOrCreateCa } from '../emulator/tls';

/** Creates the emulator CA once, before any test worker starts. */
export default function globalSetup(): void {
	loadOrCreateCa();
}
