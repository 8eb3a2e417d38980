// Commander echoes an unknown option as typed, value included: a misspelt `--tokn=eyJ…`
// would print the token on stderr and in the --json document. Here the option is shown by
// its name, its value replaced by `…`, and commander's suggestion is still made.
// Not configureOutput/exitOverride alone: they can hide the value, but commander suggests from the whole token.
import { Command, type ErrorOptions } from 'commander';

declare module 'commander' {
  interface Command {
    /** Commander's (untyped) report of an unknown option. */
    unknownOption(flag: string): void;
  }
}

export class MindzieCommand extends Command {
  /** The unknown option being reported: its name, and how it is shown. */
  #unknown: { name: string; shown: string } | undefined;

  override createCommand(name?: string): Command {
    return new MindzieCommand(name);
  }

  override unknownOption(flag: string): void {
    // `--name=value`, or `-x` with anything after it (`-xvalue`, `-x=value`).
    const name = /^(?:--[^=]+(?==)|-[^-](?=.))/s.exec(flag)?.[0];
    if (name !== undefined) {
      this.#unknown = { name, shown: `${name}${flag[name.length] === '=' ? '=' : ''}…` };
    }
    super.unknownOption(name ?? flag); // the suggestion comes from the name alone
  }

  override error(message: string, options?: ErrorOptions): never {
    const unknown = this.#unknown;
    return super.error(unknown ? message.replace(`'${unknown.name}'`, `'${unknown.shown}'`) : message, options);
  }
}
