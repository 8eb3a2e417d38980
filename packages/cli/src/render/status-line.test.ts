import { actionExecutionStatusValues, blockExecutionStatusValues } from '@mindzie/client';
import picocolors from 'picocolors';
import { describe, expect, it } from 'vitest';
import { colorStatus, usually } from './status-line.js';

const colors = picocolors.createColors(true);

describe('colorStatus', () => {
  it('paints terminal successes green, failures red, running yellow', () => {
    expect(colorStatus(colors, 'Completed')).toBe(colors.green('Completed'));
    expect(colorStatus(colors, 'Success')).toBe(colors.green('Success'));
    expect(colorStatus(colors, 'Failed')).toBe(colors.red('Failed'));
    expect(colorStatus(colors, 'Cancelled')).toBe(colors.red('Cancelled'));
    expect(colorStatus(colors, 'Running')).toBe(colors.yellow('Running'));
  });

  it('gives every status of the contract a colour and keeps an unknown one readable', () => {
    for (const status of [...actionExecutionStatusValues, ...blockExecutionStatusValues]) {
      expect(colorStatus(colors, status)).toContain(status);
    }
    expect(colorStatus(colors, 'Paused')).toBe(colors.bold('Paused'));
    expect(colorStatus(colors, 'toString')).toBe(colors.bold('toString'));
  });
});

describe('usually', () => {
  it('says how long the action usually takes when the wait knows, and nothing otherwise', () => {
    expect(usually({ status: 'Running', usuallyMs: 580_000 })).toBe(', usually takes 9m 40s');
    expect(usually({ status: 'Running' })).toBe('');
  });
});
