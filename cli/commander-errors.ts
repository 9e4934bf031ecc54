/**
 * Commander's own usage errors (unknown option, missing argument, an option without its value,
 * too many arguments, unknown command) as one line for a person: the command, the problem with
 * the flag as the user typed it, and where the help is:
 *
 *   loom run: unknown option '--foo' (see loom run --help)
 *   yarn-session: option -jm <size> needs a value (see yarn-session --help)
 *
 * instead of commander's `error: ...` (and a suggestion on a second line).
 */
import type { Command } from 'commander';

/**
 * Makes `cmd` write its usage errors as one line naming `name`. `aliases` are the Flink-style
 * flags rewritten to long options before parsing (`-jm` -> `--jobManagerMemory`): messages name
 * the flag the user typed.
 */
export function oneLineCommanderErrors(cmd: Command, name: string, aliases: Readonly<Record<string, string>> = {}): Command {
  return cmd.configureOutput({ outputError: (text, write) => write(`${commanderErrorLine(text, cmd, name, aliases)}\n`) });
}

/** The line for commander's error `text` (`error: ...`, perhaps with a `(Did you mean ...?)` line). */
export function commanderErrorLine(text: string, cmd: Command, name: string, aliases: Readonly<Record<string, string>> = {}): string {
  const [first = '', ...more] = text.trim().split('\n');
  let problem = first.replace(/^error: /, '');
  const excess = problem.startsWith('too many arguments') ? cmd.args.slice(cmd.registeredArguments.length) : [];
  if (excess.length > 0) {
    const takes =
      cmd.registeredArguments.length === 0
        ? 'takes no arguments'
        : `takes ${cmd.registeredArguments.map((a) => `<${a.name()}>`).join(' ')}`;
    problem = `unexpected argument${excess.length > 1 ? 's' : ''} ${excess.map((a) => `'${a}'`).join(' ')}: ${name} ${takes}`;
  }
  const missingValue = /^option '(.+)' argument missing$/.exec(problem);
  if (missingValue) problem = `option ${typedFlags(missingValue[1], aliases)} needs a value`;
  const suggestion = more.map((l) => /^\(Did you mean (.+)\?\)$/.exec(l.trim())?.[1]).find((s) => s !== undefined);
  return `${name}: ${problem}${suggestion ? `, did you mean ${suggestion}?` : ''} (see ${name} --help)`;
}

/** `--jobManagerMemory <size>` -> `-jm <size>` when `-jm` is the alias the user has. */
function typedFlags(flags: string, aliases: Readonly<Record<string, string>>): string {
  for (const [alias, long] of Object.entries(aliases)) {
    if (flags.split(/[ ,]+/).includes(long)) return flags.replace(long, alias);
  }
  return flags;
}
