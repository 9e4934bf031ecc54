/**
 * How the CLIs print an error they end with: one line for a person, or, with `--verbose` (or
 * LOOM_VERBOSE=1), the line, then what it summarises (LoomError's detail), the stack and the
 * chain of causes.
 */
import { LoomError } from '../client/errors/loom-error.js';

let verbose = false;

/** Set once per command line (loom --verbose / yarn-session --verbose / LOOM_VERBOSE=1). */
export function setVerboseErrors(on: boolean): void {
  verbose = on;
  // Whole stacks for --verbose (V8 keeps 10 frames by default).
  if (on && Error.stackTraceLimit < 50) Error.stackTraceLimit = 50;
}

export function verboseErrors(): boolean {
  return verbose;
}

/** LOOM_VERBOSE=1 (or true/yes) asks for --verbose from the environment. */
export function verboseFromEnv(env: NodeJS.ProcessEnv): boolean {
  return /^(1|true|yes|on)$/i.test(env.LOOM_VERBOSE?.trim() ?? '');
}

/** One line for a person: the message, without a stack trace; everything with --verbose. */
export function describeError(err: unknown, opts: { verbose?: boolean } = {}): string {
  if (opts.verbose ?? verbose) return describeErrorVerbosely(err);
  if (err instanceof Error) return firstLine(err.message) || err.name;
  return firstLine(thrownValueText(err));
}

/** The message, the detail, the stack frames, then each cause the same way. */
export function describeErrorVerbosely(err: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = err;
  for (let depth = 0; current !== undefined && !seen.has(current) && depth < 8; depth++) {
    seen.add(current);
    const prefix = depth === 0 ? '' : 'caused by: ';
    if (!(current instanceof Error)) {
      parts.push(`${prefix}${thrownValueText(current)}`);
      break;
    }
    const heading = current.name && current.name !== 'Error' ? `${current.name}: ${current.message}` : current.message;
    parts.push(`${prefix}${heading}`);
    if (current instanceof LoomError && current.detail) parts.push(indent(current.detail));
    const frames = stackFrames(current);
    if (frames.length) parts.push(frames.join('\n'));
    current = current.cause;
  }
  return parts.join('\n');
}

/** The `    at ...` lines of an error's stack. */
export function stackFrames(err: Error): string[] {
  return (err.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
}

/** Text from a server or a remote process shown to a person: without stack frames unless --verbose. */
export function withoutStackFrames(text: string, opts: { verbose?: boolean } = {}): string {
  if (opts.verbose ?? verbose) return text;
  return text
    .split('\n')
    .filter((l) => !/^\s+at /.test(l))
    .join('\n');
}

/** Something thrown that is not an Error, as text: a string as it is, an object as JSON rather than "[object Object]". */
function thrownValueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    // undefined for undefined, a function or a symbol, whatever its declared type says.
    const json = JSON.stringify(value) as string | undefined;
    return json ?? typeof value;
  } catch {
    return typeof value;
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => (/^\s/.test(l) ? l : `  ${l}`))
    .join('\n');
}
