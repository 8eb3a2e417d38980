// @mindzie/sandbox: a stateful local mindzieStudio execution API for development and tests.
import { randomBytes } from 'node:crypto';
import { createAdmin, type SandboxAdmin } from './admin.ts';
import { Clock } from './clock.ts';
import { FaultRegistry } from './faults.ts';
import { cannotCreateExecution, type Fixture, loadFixture } from './fixture.ts';
import { createOperations } from './operations.ts';
import { RequestLog } from './request-log.ts';
import { buildServer } from './server.ts';
import { SandboxState } from './state.ts';

export type { SandboxAdmin } from './admin.ts';
export type { Fault, FaultSpec, FaultMatch, FaultEffect } from './faults.ts';
export type { Fixture, FixtureAction, FixtureBlock, FixtureFile, FixtureProject, FixtureTenant } from './fixture.ts';
export { getDefaultFixture } from './fixture.ts';
export type { RequestLogEntry, RequestFilter } from './request-log.ts';

export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** A fixture object or the path of a fixture JSON file; the default fixture otherwise. */
  fixture?: Fixture | string;
  /** Divides every scripted duration: 60 makes a 10-minute execution take 10 s. Default 1. */
  timeScale?: number;
}

/** What a seeded action will do, as printed on start-up. */
export interface SandboxAction {
  actionId: string;
  name: string;
  outcome: string;
  /** Queued plus running time at the sandbox's time scale, in ms. */
  durationMs: number;
  description?: string;
}

export interface SandboxBlock {
  blockId: string;
  name: string;
  outcome: string;
  durationMs: number;
  /** `notImplemented` when its results endpoint answers like the vendor's current server. */
  results: 'history' | 'notImplemented';
  description?: string;
}

export interface Sandbox {
  /** e.g. `http://127.0.0.1:PORT`; API paths are under `/api/{tenantId}/{projectId}/…`. */
  baseUrl: string;
  /** The default tenant's token, tenant and project. */
  token: string;
  tenantId: string;
  projectId: string;
  /** Guards the admin API under `/__sandbox/`. */
  adminToken: string;
  timeScale: number;
  /** The default project's actions and blocks. */
  actions: SandboxAction[];
  blocks: SandboxBlock[];
  admin: SandboxAdmin;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const timeScale = options.timeScale ?? 1;
  if (!(Number.isFinite(timeScale) && timeScale > 0)) throw new RangeError(`timeScale must be a number > 0 (got ${timeScale})`);
  const fixture = loadFixture(options.fixture);
  const adminToken = fixture.adminToken ?? `sandbox-admin-${randomBytes(12).toString('hex')}`;
  const clock = new Clock();
  const state = new SandboxState(fixture, clock, timeScale);
  const faults = new FaultRegistry();
  const log = new RequestLog();
  const admin = createAdmin(state, faults, log, clock);

  const tenant = fixture.tenants[0]!;
  const project = tenant.projects[0]!;
  const scaled = (queuedMs: number | undefined, durationMs: number) => Math.round(((queuedMs ?? 500) + durationMs) / timeScale);
  const sandbox: Omit<Sandbox, 'baseUrl' | 'close'> = {
    token: tenant.tokens[0]!,
    tenantId: tenant.tenantId,
    projectId: project.projectId,
    adminToken,
    timeScale,
    actions: (project.actions ?? []).map(({ actionId, name, outcome, queuedMs, durationMs, description }) => ({
      actionId,
      name,
      outcome,
      durationMs: outcome === cannotCreateExecution ? 0 : scaled(queuedMs, durationMs),
      ...(description ? { description } : {}),
    })),
    blocks: (project.blocks ?? []).map(({ blockId, name, outcome, queuedMs, durationMs, results, description }) => ({
      blockId,
      name,
      outcome,
      durationMs: scaled(queuedMs, durationMs),
      results: results ?? fixture.blockResults ?? 'history',
      ...(description ? { description } : {}),
    })),
    admin,
  };

  let baseUrl = '';
  const info = () => {
    const { admin: _admin, ...rest } = sandbox;
    return { baseUrl, ...rest };
  };
  const app = await buildServer({ state, faults, log, clock, admin, adminToken, operations: createOperations(state, clock), info });
  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('The sandbox is not listening on a TCP port');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}`;

  return { baseUrl, ...sandbox, close: () => app.close() };
}
