/**
 * Runs this package's nodes through n8n's real execution engine (n8n-core 2.41.1, a
 * devDependency): WorkflowExecute for `execute` (and "Test step" of triggers), PollTriggerExecutor
 * for scheduled polls, LoadOptionsContext for `loadOptions` / `listSearch`, CredentialTestContext
 * and RoutingNode for credential tests. Requests go over real HTTP(S) (the emulator), not nock.
 *
 * What is n8n's own code here: the engine, every context and helper a node calls
 * (`this.helpers.*`, `getCredentials`, OAuth2 signing and refresh), the BinaryDataService, the
 * credential encryption. What the harness provides in place of n8n's CLI: the credentials
 * helper (./credentials.ts, following n8n's line by line, without a database), the node and
 * credential type registries, and `IWorkflowExecuteAdditionalData` (./additional-data.ts).
 *
 *     const { output, error, updatedCredentials } = await runNode({
 *       nodeTypes: { 'n8n-nodes-m365.microsoft365Mail': new Microsoft365Mail() },
 *       credentialTypes: [new Microsoft365OAuth2Api()],
 *       node: {
 *         type: 'n8n-nodes-m365.microsoft365Mail',
 *         parameters: { operation: 'send', ... },
 *         credentials: { microsoft365OAuth2Api: { id: 'c1', name: 'Contoso' } },
 *       },
 *       credentialsData: { c1: { tenant: '...', clientId: '...', oauthTokenData: {...} } },
 *       input: [{ json: {}, binary: { data: { content: Buffer.from('...'), fileName: 'a.pdf' } } }],
 *       binaryDataMode: 'filesystem',
 *     });
 *
 * Binary data: the container holds one BinaryDataService at a time, so runs must not overlap
 * (jest runs a file's tests one after another; don't use `test.concurrent` with the harness).
 * n8n's logger is silent unless N8N_LOG_LEVEL is set.
 */
export { runNode, type HarnessNode, type RunNodeOptions, type RunNodeResult } from './run-node';
export { runPoll, type RunPollOptions, type RunPollResult } from './run-poll';
export {
	runCredentialTest,
	runListSearch,
	runLoadOptions,
	type RunCredentialTestOptions,
	type RunMethodOptions,
} from './run-methods';
export type { HarnessBinaryInput, HarnessInputItem } from './node-types';
export type { CredentialWrite } from './credentials';
export { OAuth2Api } from './oauth2-api';
export { n8nEnvironment, useBinaryDataMode, type BinaryDataMode } from './environment';
