import { describe, expect, it } from 'vitest';
import { cut, plainTable, widthOf, wrap } from './width.js';

describe('widthOf', () => {
  it("takes a terminal's columns, else COLUMNS, else none (a pipe has no width)", () => {
    expect(widthOf({ write: () => true, isTTY: true, columns: 132 }, { COLUMNS: '40' })).toBe(132);
    expect(widthOf({ write: () => true, isTTY: false, columns: 132 }, { COLUMNS: '100' })).toBe(100);
    expect(widthOf({ write: () => true }, { COLUMNS: 'wide' })).toBeUndefined();
  });
});

describe('wrap', () => {
  it('wraps at spaces with a hanging indent, and cuts a word longer than the line', () => {
    const lines = wrap(`✖ Cannot create the folder /${'x'.repeat(50)}/${'y'.repeat(50)}: EACCES.`, 40, '  ');
    expect(lines.every((line) => line.length <= 40)).toBe(true);
    expect(lines.slice(1).every((line) => line.startsWith('  '))).toBe(true);
    // Nothing lost: the words, in order, once the breaks and indents are taken out.
    expect(lines.join('').replace(/ /g, '')).toBe(`✖Cannotcreatethefolder/${'x'.repeat(50)}/${'y'.repeat(50)}:EACCES.`);
  });
});

describe('plainTable', () => {
  const columns = [
    { head: 'Execution', cells: ['a'.repeat(36), 'b'.repeat(36)] },
    { head: 'Status', cells: ['Failed', 'Completed'] },
    { head: 'Ended', cells: ['2026-11-23 11:22:03Z', '—'], optional: true },
  ];

  it('pads columns two spaces apart and drops optional ones while too wide', () => {
    expect(plainTable(columns, [], 80).split('\n')[1]).toBe(`${'a'.repeat(36)}  Failed     2026-11-23 11:22:03Z`);
    expect(plainTable(columns, [], 60).split('\n')[1]).toBe(`${'a'.repeat(36)}  Failed`);
  });

  it("puts a row's note on its own indented line, cut to the width", () => {
    const table = plainTable(columns, ['n'.repeat(200), ''], 80);
    expect(table.split('\n')).toHaveLength(4);
    expect(table.split('\n')[2]).toBe(`    ${cut('n'.repeat(200), 76)}`);
    expect(table.split('\n')[2]).toHaveLength(80);
  });
});
