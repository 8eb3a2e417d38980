import picocolors from 'picocolors';
import type { CliIo, OutputStream } from './io.js';
import { visibleWidth, widthOf, wrap } from './render/width.js';

export type Colors = ReturnType<typeof picocolors.createColors>;

/**
 * Where each kind of output goes. Results go to stdout: one JSON document with `--json`
 * or off a terminal, readable text otherwise. Logs and progress always go to stderr, so
 * stdout stays parseable; progress redraws in place only when stderr is a terminal.
 */
export class Output {
  readonly json: boolean;
  /** stderr is a terminal: redraw status lines and progress bars in place. */
  readonly live: boolean;
  /** Colours for stdout and for stderr, each on only for a terminal (NO_COLOR / FORCE_COLOR respected). */
  readonly color: Colors;
  readonly errColor: Colors;
  /** Columns to lay results (stdout) and logs (stderr) out in: the terminal's, else COLUMNS, else no limit. */
  readonly width: number;
  readonly errWidth: number;
  private readonly secrets: string[] = [];

  constructor(
    readonly io: CliIo,
    jsonFlag: boolean | undefined,
  ) {
    this.json = jsonFlag ?? !io.stdout.isTTY;
    this.live = Boolean(io.stderr.isTTY);
    this.color = picocolors.createColors(colorsWanted(io.stdout, io.env));
    this.errColor = picocolors.createColors(colorsWanted(io.stderr, io.env));
    this.width = widthOf(io.stdout, io.env) ?? Number.POSITIVE_INFINITY;
    this.errWidth = widthOf(io.stderr, io.env) ?? Number.POSITIVE_INFINITY;
  }

  get stderr(): OutputStream {
    return this.io.stderr;
  }

  /** Never let this value reach the screen (the token). */
  redact(secret: string): void {
    if (secret) {
      this.secrets.push(secret);
    }
  }

  /** A log line on stderr, wrapped to its width (later lines indented two more than the first). */
  log(line: string): void {
    this.io.stderr.write(`${fit(this.scrub(line), this.errWidth)}\n`);
  }

  /** The command's result: `document` as JSON, or `human()` as text. Called once per run. */
  result(document: object, human: () => string): void {
    if (this.json) {
      this.io.stdout.write(`${this.scrub(JSON.stringify(document, null, 2))}\n`);
    } else {
      this.io.stdout.write(`${fit(this.scrub(human()), this.width)}\n`);
    }
  }

  private scrub(text: string): string {
    return this.secrets.reduce((out, secret) => out.split(secret).join('***'), text);
  }
}

/** Each line that is wider than `width` wrapped (tables are laid out to fit already; prose may not be). */
function fit(text: string, width: number): string {
  return text
    .split('\n')
    .flatMap((line) => (visibleWidth(line) <= width ? [line] : wrap(line, width, `${/^\s*/.exec(line)![0]}  `)))
    .join('\n');
}

function colorsWanted(stream: OutputStream, env: CliIo['env']): boolean {
  if (env.NO_COLOR) {
    return false;
  }
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') {
    return true;
  }
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}
