// @mindzie/sandbox: a stateful local mindzieStudio execution API for development and tests.
import type { SandboxAdmin } from './admin.ts';
import type { Fixture } from './fixture.ts';

export type { SandboxAdmin } from './admin.ts';
export { SandboxInputError } from './errors.ts';
export type { Fault, FaultEffect, FaultMatch, FaultSpec } from './faults.ts';
export type { Fixture, FixtureAction, FixtureBlock, FixtureFile, FixtureProject, FixtureTenant } from './fixture.ts';
export { getDefaultFixture } from './fixture.ts';
export type { RequestFilter, RequestLogEntry } from './request-log.ts';
export { shellExports } from './shell-exports.ts';
/** Starts a sandbox (default: free port on 127.0.0.1, the default fixture, time scale 1). */
export { startSandbox } from './start.ts';

export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** A fixture object or the path of a fixture JSON file; the default fixture otherwise. */
  fixture?: Fixture | string;
  /** Divides every scripted duration: 60 makes a 10-minute execution take 10 s. Default 1. */
  timeScale?: number;
  /**
   * Lets a web page of this origin (e.g. `http://localhost:5173`, or `*` for any) call the
   * API from a browser: CORS preflights are answered and responses readable. Off by default.
   */
  corsOrigin?: string;
  /**
   * Byte ranges on downloads (default true): `Accept-Ranges: bytes`, `ETag`, `Last-Modified`,
   * `Range` and `If-Range` answered with 206 or 416. `false`: every download is a whole 200
   * without them, as the vendor's reference pages describe it (the fault `noRanges` does the
   * same for single requests).
   */
  ranges?: boolean;
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
