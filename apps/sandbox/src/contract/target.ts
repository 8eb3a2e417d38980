// Where the contract suite sends its requests: a sandbox started here (directly or behind
// `prism proxy`), or a real instance named by environment variables (read-only unless
// MINDZIE_CONTRACT_WRITE=1). See the README's "Contract suite" section.
import { type Sandbox, startSandbox } from '../index.ts';
import { seeded } from '../test-support.ts';

/** Ids of the behaviours the default fixture scripts; present only when the target is a sandbox. */
export interface ScriptedIds {
  completedActionId: string;
  failedActionId: string;
  refusedActionId: string;
  succeedingBlockId: string;
  failingBlockId: string;
  cancelledBlockId: string;
  notImplementedBlockId: string;
}

export interface Target {
  label: string;
  baseUrl: string;
  token: string;
  tenantId: string;
  projectId: string;
  /** May the suite create executions? */
  write: boolean;
  /** An action the suite may execute when `write` (sandbox: the fixture's quick one). */
  actionId?: string;
  /** An existing execution to read (and download, if completed) in read-only mode. */
  executionId?: string;
  /** A block to read (and execute when `write`). */
  blockId?: string;
  scripted?: ScriptedIds;
  /** Prism re-encodes binary bodies, so a ZIP cannot be checked byte for byte through it. */
  binaryMangled: boolean;
  /** Answers carry Prism's `sl-violations` header to check. */
  prismProxy: boolean;
  /** Must every documented response have been seen by the end? (A sandbox can produce them all.) */
  requireEveryResponse: boolean;
  close(): Promise<void>;
}

export const contractEnv = {
  baseUrl: 'MINDZIE_CONTRACT_BASE_URL',
  token: 'MINDZIE_CONTRACT_TOKEN',
  tenantId: 'MINDZIE_CONTRACT_TENANT_ID',
  projectId: 'MINDZIE_CONTRACT_PROJECT_ID',
  actionId: 'MINDZIE_CONTRACT_ACTION_ID',
  executionId: 'MINDZIE_CONTRACT_EXECUTION_ID',
  blockId: 'MINDZIE_CONTRACT_BLOCK_ID',
  write: 'MINDZIE_CONTRACT_WRITE',
} as const;

/** A real instance, if MINDZIE_CONTRACT_BASE_URL is set (then token, tenant and project are required). */
export function remoteTargetFromEnv(env = process.env): Target | undefined {
  const baseUrl = env[contractEnv.baseUrl];
  if (!baseUrl) {
    return undefined;
  }
  const required = (name: string) => {
    const value = env[name];
    if (!value) {
      throw new Error(`${name} is required when ${contractEnv.baseUrl} is set`);
    }
    return value;
  };
  const optional = (name: string) => env[name] || undefined;
  return {
    label: baseUrl,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    token: required(contractEnv.token),
    tenantId: required(contractEnv.tenantId),
    projectId: required(contractEnv.projectId),
    write: env[contractEnv.write] === '1',
    actionId: optional(contractEnv.actionId),
    executionId: optional(contractEnv.executionId),
    blockId: optional(contractEnv.blockId),
    binaryMangled: false,
    prismProxy: false,
    requireEveryResponse: false,
    close: async () => {},
  };
}

/** Time scale of the suite's sandbox: the fixture's 3-second action ends in 30 ms. */
const suiteTimeScale = 100;

export async function sandboxTarget(): Promise<Target & { sandbox: Sandbox }> {
  const sandbox = await startSandbox({ timeScale: suiteTimeScale });
  return {
    label: 'sandbox',
    sandbox,
    baseUrl: sandbox.baseUrl,
    token: sandbox.token,
    tenantId: sandbox.tenantId,
    projectId: sandbox.projectId,
    write: true,
    actionId: seeded(sandbox.actions, 'Daily sales report').actionId,
    executionId: 'e0000000-0000-4000-8000-000000000001',
    blockId: seeded(sandbox.blocks, 'Revenue filter').blockId,
    scripted: {
      completedActionId: seeded(sandbox.actions, 'Daily sales report').actionId,
      failedActionId: seeded(sandbox.actions, 'Nightly data import').actionId,
      refusedActionId: seeded(sandbox.actions, 'Archived export').actionId,
      succeedingBlockId: seeded(sandbox.blocks, 'Revenue filter').blockId,
      failingBlockId: seeded(sandbox.blocks, 'Amount threshold alert').blockId,
      cancelledBlockId: seeded(sandbox.blocks, 'Obsolete calculator').blockId,
      notImplementedBlockId: seeded(sandbox.blocks, 'Legacy server block').blockId,
    },
    binaryMangled: false,
    prismProxy: false,
    requireEveryResponse: true,
    close: () => sandbox.close(),
  };
}
