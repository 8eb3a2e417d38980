// Wires a sandbox together: fixture, clock, state, faults, request log, server.
import { randomBytes } from 'node:crypto';
import { createAdmin } from './admin.ts';
import { Clock } from './clock.ts';
import { SandboxInputError } from './errors.ts';
import { FaultRegistry } from './faults.ts';
import { cannotCreateExecution, defaultQueuedMs, loadFixture } from './fixture.ts';
import type { Sandbox, SandboxOptions } from './index.ts';
import { createOperations } from './operations.ts';
import { RequestLog } from './request-log.ts';
import { buildServer, isCorsOrigin } from './server.ts';
import { SandboxState } from './state.ts';

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const timeScale = options.timeScale ?? 1;
  if (!(Number.isFinite(timeScale) && timeScale > 0)) {
    throw new SandboxInputError(`timeScale must be a number > 0 (got ${timeScale})`);
  }
  if (options.corsOrigin !== undefined && !isCorsOrigin(options.corsOrigin)) {
    throw new SandboxInputError(
      `corsOrigin must be * or an origin such as http://localhost:5173 (got ${options.corsOrigin})`,
    );
  }
  const fixture = loadFixture(options.fixture);
  const adminToken = fixture.adminToken ?? `sandbox-admin-${randomBytes(12).toString('hex')}`;
  const clock = new Clock();
  const state = new SandboxState(fixture, clock, timeScale);
  const faults = new FaultRegistry();
  const log = new RequestLog();
  const admin = createAdmin(state, faults, log, clock);

  const tenant = fixture.tenants[0]!;
  const project = tenant.projects[0]!;
  const scaled = (queuedMs: number | undefined, durationMs: number) =>
    Math.round(((queuedMs ?? defaultQueuedMs) + durationMs) / timeScale);
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
  const app = await buildServer({
    state,
    faults,
    log,
    admin,
    adminToken,
    operations: createOperations(state, clock),
    info,
    ranges: options.ranges ?? true,
    ...(options.corsOrigin === undefined ? {} : { corsOrigin: options.corsOrigin }),
  });
  try {
    await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('The sandbox is not listening on a TCP port');
  }
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}`;

  return { baseUrl, ...sandbox, close: () => app.close() };
}
