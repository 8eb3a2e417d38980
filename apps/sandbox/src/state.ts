// The sandbox's memory: tenants and their tokens, projects, and every execution made
// since start (or the last reset). Ids are matched case-insensitively, as GUIDs are.
import { randomUUID } from 'node:crypto';
import { type Clock, scheduleTimeline, type Timeline } from './clock.ts';
import {
  type BlockResultsMode,
  defaultQueuedMs,
  type Fixture,
  type FixtureAction,
  type FixtureBlock,
} from './fixture.ts';

export interface ActionExecutionRecord {
  actionExecutionId: string;
  action: FixtureAction;
  timeline: Timeline;
}

export interface BlockExecutionRecord {
  executionId: string;
  block: FixtureBlock;
  timeline: Timeline;
  parameters: Record<string, unknown> | undefined;
}

interface ActionEntry {
  fixture: FixtureAction;
  /** Oldest first. */
  executions: ActionExecutionRecord[];
}

interface BlockEntry {
  fixture: FixtureBlock;
  resultsMode: BlockResultsMode;
  /** Oldest first. */
  executions: BlockExecutionRecord[];
}

export class ProjectState {
  readonly actions = new Map<string, ActionEntry>();
  readonly blocks = new Map<string, BlockEntry>();
  readonly actionExecutions = new Map<string, ActionExecutionRecord>();

  action(actionId: string): ActionEntry | undefined {
    return this.actions.get(actionId.toLowerCase());
  }

  block(blockId: string): BlockEntry | undefined {
    return this.blocks.get(blockId.toLowerCase());
  }

  actionExecution(executionId: string): ActionExecutionRecord | undefined {
    return this.actionExecutions.get(executionId.toLowerCase());
  }
}

export interface TenantState {
  tenantId: string;
  projects: Map<string, ProjectState>;
}

/** Everything a request can see goes through `project()`: other tenants' data stays invisible. */
export class SandboxState {
  private tenantsByToken = new Map<string, TenantState>();
  /** What a request sees for a project it may not read or that does not exist. */
  private readonly nothing = new ProjectState();

  constructor(
    private readonly fixture: Fixture,
    private readonly clock: Clock,
    readonly timeScale: number,
  ) {
    this.reset();
  }

  /** Back to the fixture: executions made since start are forgotten. */
  reset(): void {
    this.tenantsByToken = new Map();
    const blockResults = this.fixture.blockResults ?? 'history';
    for (const tenant of this.fixture.tenants) {
      const state: TenantState = { tenantId: tenant.tenantId.toLowerCase(), projects: new Map() };
      for (const project of tenant.projects) {
        const projectState = new ProjectState();
        for (const action of project.actions ?? []) {
          const entry: ActionEntry = { fixture: action, executions: [] };
          projectState.actions.set(action.actionId.toLowerCase(), entry);
          const past = [...(action.history ?? [])].sort(
            (a, b) => Date.parse(a.dateStarted) - Date.parse(b.dateStarted),
          );
          for (const { actionExecutionId, dateStarted, durationMs } of past) {
            // History keeps its real durations: it happened before the sandbox started.
            const timeline = scheduleTimeline(
              Date.parse(dateStarted),
              action.queuedMs ?? defaultQueuedMs,
              durationMs ?? action.durationMs,
              1,
            );
            const record = { actionExecutionId: actionExecutionId.toLowerCase(), action, timeline };
            entry.executions.push(record);
            projectState.actionExecutions.set(record.actionExecutionId, record);
          }
        }
        for (const block of project.blocks ?? []) {
          projectState.blocks.set(block.blockId.toLowerCase(), {
            fixture: block,
            resultsMode: block.results ?? blockResults,
            executions: [],
          });
        }
        state.projects.set(project.projectId.toLowerCase(), projectState);
      }
      for (const token of tenant.tokens) {
        this.tenantsByToken.set(token, state);
      }
    }
  }

  tenantForToken(token: string): TenantState | undefined {
    return this.tenantsByToken.get(token);
  }

  /** The project if the token's tenant owns it; otherwise an empty project, so the answer is an ordinary 404. */
  project(tenant: TenantState, tenantId: string, projectId: string): ProjectState {
    if (tenant.tenantId !== tenantId.toLowerCase()) {
      return this.nothing;
    }
    return tenant.projects.get(projectId.toLowerCase()) ?? this.nothing;
  }

  startActionExecution(project: ProjectState, action: ActionEntry): ActionExecutionRecord {
    const { fixture } = action;
    const timeline = scheduleTimeline(
      this.clock.now(),
      fixture.queuedMs ?? defaultQueuedMs,
      fixture.durationMs,
      this.timeScale,
    );
    const record = { actionExecutionId: randomUUID(), action: fixture, timeline };
    action.executions.push(record);
    project.actionExecutions.set(record.actionExecutionId, record);
    return record;
  }

  startBlockExecution(block: BlockEntry, parameters: Record<string, unknown> | undefined): BlockExecutionRecord {
    const { fixture } = block;
    const timeline = scheduleTimeline(
      this.clock.now(),
      fixture.queuedMs ?? defaultQueuedMs,
      fixture.durationMs,
      this.timeScale,
    );
    const record = { executionId: randomUUID(), block: fixture, timeline, parameters };
    block.executions.push(record);
    return record;
  }
}
