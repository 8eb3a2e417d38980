// Fitting text to the terminal: how wide it is, wrapping prose, and gh-style plain columns for tables that
// would not fit boxed. Commander's own wrapping (Help.boxWrap) does the prose, as it does for --help.
import { stripVTControlCharacters } from 'node:util';
import { Help } from 'commander';
import type { CliIo, OutputStream } from '../io.js';

/** `--help`'s width when nothing says otherwise (commander's own default). */
export const DEFAULT_HELP_WIDTH = 80;

/**
 * The terminal's columns; off a terminal `COLUMNS` when set, else none: a pipe or a CI log has no width, and lines
 * cut there would only break searching in them.
 */
export function widthOf(stream: OutputStream, env: CliIo['env']): number | undefined {
  const columns = stream.isTTY ? stream.columns : undefined;
  const fromEnv = Number.parseInt(env.COLUMNS ?? '', 10);
  return columns && columns > 0 ? columns : fromEnv > 0 ? fromEnv : undefined;
}

/** Width on screen: colours take none. */
export const visibleWidth = (text: string): number => stripVTControlCharacters(text).length;

/** The widest line of a block of text. */
export const widest = (text: string): number => Math.max(0, ...text.split('\n').map(visibleWidth));

const help = new Help();
help.minWidthToWrap = 1; // commander leaves text under 40 columns unwrapped; here every line must fit

/**
 * `text` wrapped at spaces to `width`, later lines indented by `indent`; a word longer than a line (a long
 * path) is cut where it must be, so no line is ever wider than `width`.
 */
export function wrap(text: string, width: number, indent = ''): string[] {
  const lead = /^\s*/.exec(text)![0];
  const room = Math.max(10, width - indent.length);
  const lines = help.boxWrap(text.trimStart(), room - lead.length).split('\n');
  const out: string[] = [];
  for (const [index, line] of lines.entries()) {
    let rest = line;
    let prefix = index === 0 ? lead : indent;
    // Only plain text is cut (a cut through a colour code would garble it); coloured text is wrapped at spaces.
    while (visibleWidth(prefix + rest) > width && stripVTControlCharacters(rest) === rest) {
      const take = Math.max(1, width - prefix.length);
      out.push(prefix + rest.slice(0, take));
      rest = rest.slice(take);
      prefix = indent;
    }
    out.push(prefix + rest);
  }
  return out;
}

/** One column of a plain table; optional ones are dropped, last first, while the table is too wide. */
export interface Column {
  head: string;
  cells: string[];
  optional?: boolean;
}

/**
 * Plain aligned columns like `gh`'s lists: each padded to its widest cell, two spaces apart, no boxes. A row's
 * note (free text) goes on its own line under the row, indented and cut to the width.
 */
export function plainTable(columns: Column[], notes: readonly string[], width: number): string {
  let shown = columns;
  const total = (cols: Column[]) =>
    cols.reduce((sum, col) => sum + Math.max(...[col.head, ...col.cells].map(visibleWidth)), 0) + 2 * (cols.length - 1);
  while (total(shown) > width && shown.some((col) => col.optional)) {
    const last = shown.map((col) => col.optional).lastIndexOf(true);
    shown = shown.filter((_, index) => index !== last);
  }
  const widths = shown.map((col) => Math.max(...[col.head, ...col.cells].map(visibleWidth)));
  const line = (cells: string[]) =>
    cells
      .map((cell, index) =>
        index === cells.length - 1 ? cell : cell + ' '.repeat(widths[index]! - visibleWidth(cell)),
      )
      .join('  ');
  const rows = shown[0]!.cells.map((_, row) => {
    const note = notes[row] ? `\n    ${cut(notes[row]!, width - 4)}` : '';
    return line(shown.map((col) => col.cells[row]!)) + note;
  });
  return [line(shown.map((col) => col.head)), ...rows].join('\n');
}

/** One line of at most `max` characters, `…` where it was cut. */
export function cut(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, Math.max(0, max - 1))}…` : flat;
}
