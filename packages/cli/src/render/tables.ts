import { type components, parseServerTime } from '@mindzie/client';
import Table from 'cli-table3';
import { durationBetween, formatDuration } from '../format.js';
import type { Colors } from '../output.js';
import { colorStatus } from './status-line.js';
import { plainTable, visibleWidth, widest, wrap } from './width.js';

type ActionExecution = components['schemas']['ActionExecution'];
type BlockExecution = components['schemas']['BlockExecution'];

// cli-table3 colours through its own dependency; switch that off and colour with picocolors.
const plain = { style: { head: [], border: [] } };

/** `2026-11-23T11:22:03.123Z` → `2026-11-23 11:22:03Z` (UTC, so every reader sees the same). */
export function formatTimestamp(iso: string | null | undefined): string {
  if (!iso) {
    return '—';
  }
  const date = new Date(parseServerTime(iso));
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

/** Boxed rows when they fit in `width`; else gh-style plain columns with the free text under each row. */
function fittedTable(
  head: string[],
  rows: string[][],
  plainLayout: { optional: readonly string[]; note: string; notes: readonly string[] },
  width: number,
  c: Colors,
): string {
  const boxed = new Table({ ...plain, head: head.map((h) => c.bold(h)) });
  boxed.push(...rows);
  const rendered = boxed.toString();
  if (widest(rendered) <= width) {
    return rendered;
  }
  const noteAt = head.indexOf(plainLayout.note);
  const columns = head
    .map((h, index) => ({
      head: c.bold(h),
      cells: rows.map((row) => row[index]!),
      optional: plainLayout.optional.includes(h),
    }))
    .filter((_, index) => index !== noteAt);
  // The free text whole: plainTable cuts it to the line, longer than the boxed column's 60.
  return plainTable(columns, plainLayout.notes, width);
}

/** An action's executions, one row each. */
export function executionsTable(items: readonly ActionExecution[], c: Colors, width: number): string {
  if (items.length === 0) {
    return c.dim('No executions yet.');
  }
  const rows = items.map((item) => [
    item.actionExecutionId,
    colorStatus(c, item.status),
    formatTimestamp(item.dateStarted),
    formatTimestamp(item.dateEnded),
    took(item.dateStarted, item.dateEnded),
    oneLine(item.notes),
  ]);
  const head = ['Execution', 'Status', 'Started', 'Ended', 'Took', 'Notes'];
  const notes = items.map((item) => item.notes ?? '');
  return fittedTable(head, rows, { optional: ['Ended'], note: 'Notes', notes }, width, c);
}

/** Field by field: boxed when it fits in `width`, else `Key  value` lines with long values wrapped. */
function details(rows: Array<[string, string]>, c: Colors, width: number): string {
  const table = new Table(plain);
  for (const [key, value] of rows) {
    table.push({ [c.bold(key)]: value });
  }
  const boxed = table.toString();
  if (widest(boxed) <= width) {
    return boxed;
  }
  const keyWidth = Math.max(...rows.map(([key]) => key.length)) + 2;
  const indent = ' '.repeat(keyWidth);
  return rows
    .flatMap(([key, value]) => {
      const lines = value
        .split('\n')
        .flatMap((part) => (visibleWidth(part) <= width - keyWidth ? [part] : wrap(part, width - keyWidth)));
      return lines.map((line, index) => (index === 0 ? c.bold(key.padEnd(keyWidth)) : indent) + line);
    })
    .join('\n');
}

/** One action execution, field by field. */
export function actionExecutionDetails(execution: ActionExecution, c: Colors, width: number): string {
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
    width,
  );
}

/** One block execution, field by field. */
export function blockExecutionDetails(execution: BlockExecution, c: Colors, width: number): string {
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
    width,
  );
}

/** A block's executions, one row each. */
export function blockExecutionsTable(items: readonly BlockExecution[], c: Colors, width: number): string {
  if (items.length === 0) {
    return c.dim('No executions listed.');
  }
  const rows = items.map((item) => [
    item.executionId,
    colorStatus(c, item.status),
    formatTimestamp(item.dateQueued),
    formatTimestamp(item.dateEnded),
    oneLine(item.errorMessage),
  ]);
  const head = ['Execution', 'Status', 'Queued', 'Ended', 'Error'];
  const notes = items.map((item) => item.errorMessage ?? '');
  return fittedTable(head, rows, { optional: ['Ended'], note: 'Error', notes }, width, c);
}

/** One line for a finished run: status, ids and how long it took. */
export function actionExecutionSummary(execution: ActionExecution, c: Colors): string {
  const ms = durationBetween(execution.dateStarted, execution.dateEnded);
  const took = ms === undefined ? '' : ` (ran ${formatDuration(ms)})`;
  const ids = `execution ${c.bold(execution.actionExecutionId)} of action ${execution.actionId}`;
  return `${colorStatus(c, execution.status)}: ${ids}${took}`;
}
