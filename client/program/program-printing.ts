/**
 * How an attached client prints a program: main()'s ctx.log lines and console.error on stderr,
 * console.log on stdout (each as written), and what main() returned as indented JSON on stdout.
 * One form whether main() ran in the client (`loom run`) or in the AM (`loom run-application
 * --attached`, which receives the same lines over REST).
 */
import type { ProgramOutputStream } from '../contracts/dispatcher-rest-types.js';

export interface ProgramPrintStreams {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** One line main() wrote, on the stream it goes to. */
export function printProgramLine(io: ProgramPrintStreams, stream: ProgramOutputStream, text: string): void {
  (stream === 'stdout' ? io.stdout : io.stderr).write(`${text}\n`);
}

/** What main() returned: nothing for undefined, else its JSON, indented by two. */
export function printProgramResult(io: ProgramPrintStreams, value: unknown): void {
  if (value !== undefined) io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
