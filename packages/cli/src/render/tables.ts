import type { components } from '@mindzie/client';
import Table from 'cli-table3';
import { durationBetween, formatDuration } from '../format.js';
import type { Colors } from '../output.js';
import { colorStatus } from './status-line.js';

type ActionExecution = components['schemas']['ActionExecution'];
type BlockExecution = components['schemas']['BlockExecution'];

// cli-table3 colours through its own dependency; switch that off and colour with picocolors.
const plain = { style: { head: [], border: [] } };

/** `2026-11-23T11:22:03.123Z` → `2026-11-23 11:22:03Z` (UTC, so every reader sees the same). */
export function formatTimestamp(iso: string | null | undefined): string {
  if (!iso) {
    return '—';
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

function took(start: string | null | undefined, end: string | null | undefined): string {
  const ms = durationBetween(start, end);
  return ms === undefined ? '—' : formatDuration(ms);
}

function oneLine(text: string | null | undefined, max = 60): string {
  if (!text) {
    return '';
  }
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** An action's executions, one row each. */
export function executionsTable(items: readonly ActionExecution[], c: Colors): string {
  if (items.length === 0) {
    return c.dim('No executions yet.');
  }
  const table = new Table({
    ...plain,
    head: ['Execution', 'Status', 'Started', 'Ended', 'Took', 'Notes'].map((h) => c.bold(h)),
  });
  for (const item of items) {
    table.push([
      item.actionExecutionId,
      colorStatus(c, item.status),
      formatTimestamp(item.dateStarted),
      formatTimestamp(item.dateEnded),
      took(item.dateStarted, item.dateEnded),
      oneLine(item.notes),
    ]);
  }
  return table.toString();
}

function details(rows: Array<[string, string]>, c: Colors): string {
  const table = new Table(plain);
  for (const [key, value] of rows) {
    table.push({ [c.bold(key)]: value });
  }
  return table.toString();
}

/** One action execution, field by field. */
export function actionExecutionDetails(execution: ActionExecution, c: Colors): string {
  return details(
    [
      ['Execution', execution.actionExecutionId],
      ['Action', execution.actionId],
      ['Status', colorStatus(c, execution.status)],
      ['Started', formatTimestamp(execution.dateStarted)],
      ['Ended', formatTimestamp(execution.dateEnded)],
      ['Took', took(execution.dateStarted, execution.dateEnded)],
      ['Notes', execution.notes ?? c.dim('—')],
    ],
    c,
  );
}

/** One block execution, field by field. */
export function blockExecutionDetails(execution: BlockExecution, c: Colors): string {
  return details(
    [
      ['Execution', execution.executionId],
      ['Block', execution.blockId],
      ['Status', colorStatus(c, execution.status)],
      ['Message', execution.message],
      ['Queued', formatTimestamp(execution.dateQueued)],
      ['Started', formatTimestamp(execution.dateStarted)],
      ['Ended', formatTimestamp(execution.dateEnded)],
      ['Error', execution.errorMessage ?? c.dim('—')],
      ['Result', execution.result === null ? c.dim('—') : JSON.stringify(execution.result, null, 2)],
    ],
    c,
  );
}

/** A block's executions, one row each. */
export function blockExecutionsTable(items: readonly BlockExecution[], c: Colors): string {
  if (items.length === 0) {
    return c.dim('No executions listed.');
  }
  const table = new Table({
    ...plain,
    head: ['Execution', 'Status', 'Queued', 'Ended', 'Error'].map((h) => c.bold(h)),
  });
  for (const item of items) {
    table.push([
      item.executionId,
      colorStatus(c, item.status),
      formatTimestamp(item.dateQueued),
      formatTimestamp(item.dateEnded),
      oneLine(item.errorMessage),
    ]);
  }
  return table.toString();
}

/** One line for a finished run: status, ids and how long it took. */
export function actionExecutionSummary(execution: ActionExecution, c: Colors): string {
  const ms = durationBetween(execution.dateStarted, execution.dateEnded);
  const took = ms === undefined ? '' : ` (ran ${formatDuration(ms)})`;
  const ids = `execution ${c.bold(execution.actionExecutionId)} of action ${execution.actionId}`;
  return `${colorStatus(c, execution.status)}: ${ids}${took}`;
}
