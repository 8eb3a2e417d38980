// What a sandbox is seeded with: tenants, their tokens, projects, actions and blocks, and
// how each execution will play out. Loaded from a JSON file or an object, and checked
// up front so a bad fixture fails with a message that names the field.
import { readFileSync } from 'node:fs';
import { SandboxInputError } from './errors.ts';
import defaultFixtureJson from './fixtures/default.json';
import type { components } from './generated/openapi.ts';
import { actionExecutionStatusValues, blockExecutionStatusValues } from './generated/openapi.ts';

type ActionStatus = components['schemas']['ActionExecutionStatus'];
type BlockStatus = components['schemas']['BlockExecutionStatus'];

/** Time an execution spends Queued when the fixture does not say (ms at time scale 1). */
export const defaultQueuedMs = 500;

/** The sandbox-only outcome of an action whose execute answers 404 "Action can't create execution". */
export const cannotCreateExecution = 'CannotCreateExecution';

/** How an action's executions end: a terminal status from the spec, or execute refused. */
export type ActionOutcome = Exclude<ActionStatus, 'Queued' | 'Running'> | typeof cannotCreateExecution;
/** How a block's executions end: a terminal status from the spec. */
export type BlockOutcome = Exclude<BlockStatus, 'Queued' | 'Running'>;
/** `history` lists a block's executions; `notImplemented` answers like the vendor's current server. */
export type BlockResultsMode = 'history' | 'notImplemented';

/** One file of a result package: literal text, a JSON value, or `generatedBytes` of streamed filler. */
export interface FixtureFile {
  path: string;
  text?: string;
  json?: unknown;
  /** Size of a generated file, streamed on demand and never held in memory. */
  generatedBytes?: number;
}

export interface FixtureAction {
  actionId: string;
  name: string;
  /** What the action does, for people reading the start-up banner. */
  description?: string;
  outcome: ActionOutcome;
  /** Time spent Queued before Running, in ms at timeScale 1 (default 500). */
  queuedMs?: number;
  /** Time spent Running, in ms at timeScale 1. */
  durationMs: number;
  /** `notes` of a terminal execution (the error when Failed). */
  notes?: string | null;
  /** The result package of a Completed execution. */
  package?: FixtureFile[];
  /**
   * Executions that already happened before the sandbox started (history, last execution); each
   * ran `durationMs` (default: the action's), in real ms.
   */
  history?: Array<{ actionExecutionId: string; dateStarted: string; durationMs?: number }>;
}

export interface FixtureBlock {
  blockId: string;
  name: string;
  description?: string;
  outcome: BlockOutcome;
  queuedMs?: number;
  durationMs: number;
  /** `result` of a successful execution. */
  result?: Record<string, unknown> | null;
  /** `errorMessage` of a failed execution. */
  errorMessage?: string | null;
  /** Overrides the fixture's `blockResults` for this block. */
  results?: BlockResultsMode;
}

export interface FixtureProject {
  projectId: string;
  name?: string;
  actions: FixtureAction[];
  blocks: FixtureBlock[];
}

export interface FixtureTenant {
  tenantId: string;
  name?: string;
  /** Bearer tokens bound to this tenant. */
  tokens: string[];
  projects: FixtureProject[];
}

export interface Fixture {
  /** Default for every block's results endpoint (default `history`). */
  blockResults?: BlockResultsMode;
  /** Guards the admin API; a random one is made when absent. */
  adminToken?: string;
  /** The first tenant's first project and first token are the sandbox's defaults. */
  tenants: FixtureTenant[];
}

const defaultFixture = defaultFixtureJson as Fixture;

/** The fixture that ships with the sandbox (a fresh copy). */
export function getDefaultFixture(): Fixture {
  return structuredClone(defaultFixture);
}

/** Reads a fixture from a file path or takes an object, and checks it. */
export function loadFixture(source?: Fixture | string): Fixture {
  const fixture =
    source === undefined
      ? getDefaultFixture()
      : typeof source === 'string'
        ? (JSON.parse(readFileSync(source, 'utf8')) as Fixture)
        : structuredClone(source);
  checkFixture(fixture);
  return fixture;
}

const inProgress = new Set(['Queued', 'Running']);
const terminal = (statuses: readonly string[]) => statuses.filter((status) => !inProgress.has(status));

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkFixture(fixture: Fixture): void {
  const fail = (where: string, what: string): never => {
    throw new SandboxInputError(`Invalid fixture: ${where} ${what}`);
  };
  const ids = new Set<string>();
  const tokens = new Set<string>();
  const checkId = (where: string, id: unknown) => {
    if (typeof id !== 'string' || !guid.test(id)) {
      fail(where, `must be a GUID (got ${JSON.stringify(id)})`);
    }
    const key = (id as string).toLowerCase();
    if (ids.has(key)) {
      fail(where, `repeats the id ${key}`);
    }
    ids.add(key);
  };
  const checkDuration = (where: string, value: unknown, optional: boolean) => {
    if (value === undefined && optional) {
      return;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      fail(where, 'must be a number of ms >= 0');
    }
  };
  const actionOutcomes: string[] = [...terminal(actionExecutionStatusValues), cannotCreateExecution];
  const blockOutcomes: string[] = terminal(blockExecutionStatusValues);
  const resultsModes: readonly string[] = ['history', 'notImplemented'];

  if (!Array.isArray(fixture?.tenants) || fixture.tenants.length === 0) {
    fail('tenants', 'must list at least one tenant');
  }
  if (fixture.blockResults !== undefined && !resultsModes.includes(fixture.blockResults)) {
    fail('blockResults', `must be one of ${resultsModes.join(', ')}`);
  }
  fixture.tenants.forEach((tenant, t) => {
    const at = `tenants[${t}]`;
    checkId(`${at}.tenantId`, tenant.tenantId);
    if (!Array.isArray(tenant.tokens) || tenant.tokens.length === 0) {
      fail(`${at}.tokens`, 'must list at least one token');
    }
    for (const token of tenant.tokens) {
      if (typeof token !== 'string' || !/^[\x21-\x7e]+$/.test(token)) {
        fail(`${at}.tokens`, 'must be printable strings');
      }
      if (tokens.has(token)) {
        fail(`${at}.tokens`, 'repeat a token of another tenant');
      }
      tokens.add(token);
    }
    if (!Array.isArray(tenant.projects) || tenant.projects.length === 0) {
      fail(`${at}.projects`, 'must list at least one project');
    }
    tenant.projects.forEach((project, p) => {
      const pat = `${at}.projects[${p}]`;
      checkId(`${pat}.projectId`, project.projectId);
      (project.actions ?? []).forEach((action, a) => {
        const aat = `${pat}.actions[${a}]`;
        checkId(`${aat}.actionId`, action.actionId);
        if (!actionOutcomes.includes(action.outcome)) {
          fail(`${aat}.outcome`, `must be one of ${actionOutcomes.join(', ')}`);
        }
        checkDuration(`${aat}.durationMs`, action.durationMs, false);
        checkDuration(`${aat}.queuedMs`, action.queuedMs, true);
        for (const [f, file] of (action.package ?? []).entries()) {
          const kinds = ['text', 'json', 'generatedBytes'].filter((k) => file[k as keyof FixtureFile] !== undefined);
          if (typeof file.path !== 'string' || file.path === '') {
            fail(`${aat}.package[${f}].path`, 'must be a file name');
          }
          if (kinds.length !== 1) {
            fail(`${aat}.package[${f}]`, 'must have exactly one of text, json, generatedBytes');
          }
          if (file.generatedBytes !== undefined) {
            checkDuration(`${aat}.package[${f}].generatedBytes`, file.generatedBytes, false);
          }
        }
        for (const [h, past] of (action.history ?? []).entries()) {
          checkId(`${aat}.history[${h}].actionExecutionId`, past.actionExecutionId);
          if (Number.isNaN(Date.parse(past.dateStarted))) {
            fail(`${aat}.history[${h}].dateStarted`, 'must be a date-time');
          }
          checkDuration(`${aat}.history[${h}].durationMs`, past.durationMs, true);
        }
      });
      (project.blocks ?? []).forEach((block, b) => {
        const bat = `${pat}.blocks[${b}]`;
        checkId(`${bat}.blockId`, block.blockId);
        if (!blockOutcomes.includes(block.outcome)) {
          fail(`${bat}.outcome`, `must be one of ${blockOutcomes.join(', ')}`);
        }
        checkDuration(`${bat}.durationMs`, block.durationMs, false);
        checkDuration(`${bat}.queuedMs`, block.queuedMs, true);
        if (block.results !== undefined && !resultsModes.includes(block.results)) {
          fail(`${bat}.results`, `must be one of ${resultsModes.join(', ')}`);
        }
      });
    });
  });
}
