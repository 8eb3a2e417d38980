import cliProgress from 'cli-progress';
import { formatBytes, formatDuration, formatRate } from '../format.js';
import type { Output } from '../output.js';

export interface DownloadBar {
  onProgress(bytes: number, total: number | undefined): void;
  stop(): void;
}

/**
 * A progress bar with bytes and rate while a package downloads. Without a terminal it
 * writes one line when the download starts and one when it ends.
 */
export function createDownloadBar(output: Output, label: string): DownloadBar {
  const c = output.errColor;
  const startedAt = Date.now();
  let bytes = 0;
  let total: number | undefined;

  if (!output.live) {
    output.log(`Downloading ${label}…`);
    return {
      onProgress(value, size) {
        bytes = value;
        total = size;
      },
      stop() {
        const ms = Date.now() - startedAt;
        output.log(`Downloaded ${label}: ${formatBytes(bytes)} in ${formatDuration(ms)} (${formatRate(bytes, ms)})`);
      },
    };
  }

  const bar = new cliProgress.SingleBar({
    stream: output.stderr as NodeJS.WritableStream,
    hideCursor: true,
    clearOnComplete: false,
    fps: 10,
    barsize: 24,
    barCompleteChar: '█',
    barIncompleteChar: '░',
    format: (options, params) => {
      const ms = Date.now() - startedAt;
      const size = total === undefined ? formatBytes(bytes) : `${formatBytes(bytes)} / ${formatBytes(total)}`;
      const percent = String(Math.floor(params.progress * 100)).padStart(3);
      const gauge =
        total === undefined ? '' : `${c.cyan(cliProgress.Format.BarFormat(params.progress, options))} ${percent}%  `;
      // The label last: cli-progress turns the terminal's wrapping off, so a line wider than the screen
      // (80 columns, a 40-character file name) loses its end, which must not be the numbers.
      return `${c.bold('Downloading')}  ${gauge}${size}  ${formatRate(bytes, ms)}  ${label}`;
    },
  });
  bar.start(1, 0);
  return {
    onProgress(value, size) {
      bytes = value;
      total = size;
      bar.setTotal(size ?? Math.max(1, value));
      bar.update(value);
    },
    stop() {
      if (total === undefined) {
        bar.setTotal(Math.max(1, bytes));
      }
      bar.update(total ?? bytes);
      bar.stop();
    },
  };
}
