import type { ActionExecutionStatus, BlockExecutionStatus } from '@mindzie/client';
import cliProgress from 'cli-progress';
import { formatDuration } from '../format.js';
import type { Output } from '../output.js';

/** What the wait reports on each check. */
export interface WaitTick {
  status: string;
  /** When the next check is due (epoch ms), if another is planned. */
  nextCheckAt?: number | undefined;
  /** Why the last check failed, when the wait tolerated a failure and carries on. */
  problem?: string | undefined;
  /** How long the action usually takes (the poller's prior), when it knows. */
  usuallyMs?: number | undefined;
}

/** `, usually takes 9m 40s`, or nothing without a prior. */
export function usually(tick: WaitTick): string {
  return tick.usuallyMs === undefined ? '' : `, usually takes ${formatDuration(tick.usuallyMs)}`;
}

export interface StatusLine {
  update(tick: WaitTick): void;
  /** Ends the line; the last state stays on screen, marked with how the wait ended. */
  stop(ending: 'succeeded' | 'failed' | 'stopped'): void;
}

const endings = { succeeded: '✔', failed: '✖', stopped: '■' } as const;

const spinner = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * The live "status · elapsed · next check" line while a wait runs. On a terminal it is
 * redrawn in place ten times a second (so elapsed and the countdown tick between
 * checks). Elsewhere (CI logs, pipes) each status change is one plain line, and a line of
 * its own timer says the wait is still on whenever `heartbeatMs` passed without one, however
 * far apart the checks are; no countdowns there, they are noise in a log.
 */
export function createStatusLine(
  output: Output,
  subject: string,
  { heartbeatMs, startedAt = Date.now() }: { heartbeatMs: number; startedAt?: number },
): StatusLine {
  const c = output.errColor;
  let tick: WaitTick = { status: 'waiting' };
  let frame = 0;
  let ending: keyof typeof endings | undefined;

  if (!output.live) {
    let lastStatus: string | undefined;
    let heartbeat: ReturnType<typeof setTimeout> | undefined;
    const line = (text: string) => {
      output.log(text);
      clearTimeout(heartbeat);
      heartbeat = setTimeout(() => line(`${subject}: still ${tick.status} (${elapsed()})`), heartbeatMs);
      heartbeat.unref?.(); // the wait keeps the process alive, never this timer
    };
    const elapsed = () => `elapsed ${formatDuration(Date.now() - startedAt)}`;
    return {
      update(next) {
        tick = next;
        if (next.problem !== undefined) {
          line(`${subject}: check failed (${next.problem}); trying again`);
        }
        if (next.status !== lastStatus) {
          lastStatus = next.status;
          line(`${subject}: ${next.status} (${elapsed()}${usually(next)})`);
        }
      },
      stop() {
        clearTimeout(heartbeat);
      },
    };
  }

  const bar = new cliProgress.SingleBar({
    stream: output.stderr as NodeJS.WritableStream,
    hideCursor: true,
    clearOnComplete: false,
    fps: 10,
    format: () => {
      const now = Date.now();
      frame = (frame + 1) % spinner.length;
      const mark =
        ending === undefined
          ? c.cyan(spinner[frame])
          : ending === 'succeeded'
            ? c.green(endings[ending])
            : c.red(endings[ending]);
      const nextCheck =
        tick.nextCheckAt === undefined || ending !== undefined
          ? ''
          : `  ${c.dim('next check in')} ${formatDuration(Math.max(0, tick.nextCheckAt - now))}`;
      const problem =
        tick.problem === undefined || ending !== undefined
          ? ''
          : `  ${c.yellow(`(last check failed: ${tick.problem})`)}`;
      const elapsed = `${c.dim('elapsed')} ${formatDuration(now - startedAt)}${c.dim(usually(tick))}`;
      return `${mark} ${colorStatus(c, tick.status)}  ${elapsed}${nextCheck}  ${c.dim(subject)}${problem}`;
    },
  });
  bar.start(1, 0);
  return {
    update(next) {
      tick = next;
      bar.update(0);
    },
    stop(how) {
      ending = how;
      bar.stop();
    },
  };
}

// Keyed by the contract's status enums: a status added to the spec fails the build here
// until it is given a colour. A status the server sends outside the enum stays bold.
const statusTone: Record<ActionExecutionStatus | BlockExecutionStatus, 'green' | 'red' | 'yellow' | 'bold'> = {
  Queued: 'bold',
  Running: 'yellow',
  Completed: 'green',
  Success: 'green',
  Failed: 'red',
  Cancelled: 'red',
};

export function colorStatus(c: Output['errColor'], status: string): string {
  const tone = Object.hasOwn(statusTone, status) ? statusTone[status as keyof typeof statusTone] : 'bold';
  return c[tone](status);
}
