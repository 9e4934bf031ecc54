/**
 * Runs a program's main() in this process (session and per-job modes: the client), over the
 * mode's JobSubmitter. The bundle's module is imported before any job is submitted, so a bundle
 * that is not a program fails before a cluster is deployed for it.
 */
import { createProgramContext, type ProgramContextOptions } from './program-context.js';
import { loadProgram } from './program-loader.js';
import { runProgram, type ProgramOutcome } from './run-program.js';

export interface ClientProgramOptions extends ProgramContextOptions {
  /** The local module holding main(). */
  modulePath: string;
  /** `default` unless -c named another export. */
  entryExport: string;
}

export async function runClientProgram(opts: ClientProgramOptions): Promise<ProgramOutcome> {
  const { main, module } = await loadProgram(opts.modulePath, opts.entryExport);
  return runProgram(main, createProgramContext({ ...opts, bundleModule: module }));
}
