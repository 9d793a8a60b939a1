/** Where the global setup leaves the running stack for the test files. */
import type { Stack } from '../../scripts/e2e/up';

export const STATE_ENV = 'M365_E2E_STATE';

export type E2eGlobal = typeof globalThis & { __m365Stack?: Stack };
