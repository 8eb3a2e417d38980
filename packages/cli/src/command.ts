// Commander echoes an unknown option as typed, value included: a misspelt `--tokn=eyJ…`
// would print the token on stderr and in the --json document. Here the option is shown by
// its name, its value replaced by `…`, and commander's suggestion is still made.
// Not configureOutput/exitOverride alone: they can hide the value, but commander suggests from the whole token.
import { Command, type ErrorOptions, Help } from 'commander';

declare module 'commander' {
  interface Command {
    /** Commander's (untyped) report of an unknown option. */
    unknownOption(flag: string): void;
  }
}

/** A part of `--help` after commander's own: a heading and items, e.g. Examples or Exit codes. */
export interface HelpSection {
  heading: string;
  /** `[term, description]` pairs, laid out like options; a lone string is a line of its own (an example command). */
  items: Array<readonly [string, string] | string>;
}

export class MindzieCommand extends Command {
  /** The unknown option being reported: its name, and how it is shown. */
  #unknown: { name: string; shown: string } | undefined;
  /** Shown after commander's help, wrapped to the same width by commander's own formatter. */
  readonly helpSections: HelpSection[] = [];

  /** Adds a part to this command's `--help` (Examples, Settings, Exit codes). */
  helpSection(heading: string, items: HelpSection['items']): this {
    this.helpSections.push({ heading, items });
    return this;
  }

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

/**
 * Commander's help, then the command's sections in the same layout and width (`helper.helpWidth`). For
 * `configureHelp({ formatHelp })`, which subcommands inherit.
 */
export function formatHelpWithSections(command: Command, helper: Help): string {
  const base = Help.prototype.formatHelp.call(helper, command, helper);
  const sections = command instanceof MindzieCommand ? command.helpSections : [];
  const width = helper.helpWidth ?? 80;
  const parts = sections.map(({ heading, items }) => {
    const termWidth = Math.max(0, ...items.map((item) => (typeof item === 'string' ? 0 : item[0].length)));
    const lines = items.map((item) =>
      typeof item === 'string'
        ? `  ${helper.boxWrap(item, width - 4).replace(/\n/g, '\n      ')}`
        : helper.formatItem(item[0], termWidth, item[1], helper),
    );
    return helper.formatItemList(heading, lines, helper).join('\n');
  });
  return `${[base.trimEnd(), ...parts.map((part) => part.trimEnd())].join('\n\n')}\n`;
}
