/**
 * Finds a program's main() in an imported bundle: the default export, or the export named with
 * `-c`. A bundle that only holds task functions (the session `-c <export> -p N` form) gets an
 * error that says how to make it a program.
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ProgramMain } from './program-api.js';
import { ProgramError } from './program-errors.js';

export const DEFAULT_PROGRAM_EXPORT = 'default';

/** Imports the module at `modulePath` (a local file) and returns its main(). */
export async function loadProgramMain(modulePath: string, exportName = DEFAULT_PROGRAM_EXPORT): Promise<ProgramMain> {
  return (await loadProgram(modulePath, exportName)).main;
}

/** Imports the module at `modulePath`: its main(), and the module (where the jobs' exports are). */
export async function loadProgram(
  modulePath: string,
  exportName = DEFAULT_PROGRAM_EXPORT,
): Promise<{ main: ProgramMain; module: Record<string, unknown> }> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
  } catch (err) {
    throw new ProgramError(`cannot load the program ${modulePath}: ${(err as Error).message}`, { cause: err });
  }
  return { main: programMainOf(mod, exportName, modulePath), module: mod };
}

export function programMainOf(mod: Record<string, unknown>, exportName: string, where: string): ProgramMain {
  const fn = mod[exportName];
  if (typeof fn === 'function') return fn as ProgramMain;
  const functions = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
  const listed = functions.length ? functions.join(', ') : 'none';
  if (fn === undefined && exportName === DEFAULT_PROGRAM_EXPORT) {
    throw new ProgramError(
      `${where} has no default export, so it is not a program: add \`export default async function main(ctx) { ... }\`, ` +
        `or name the export holding main with -c (its exported functions: ${listed})`,
    );
  }
  if (fn === undefined) throw new ProgramError(`${where} exports no function named "${exportName}" (its exported functions: ${listed})`);
  throw new ProgramError(`${where}: the export "${exportName}" is a ${typeof fn}, not a main(ctx) function`);
}

/** The module to import for a local bundle: the file itself, or the entry inside the directory. */
export function localModulePath(bundlePath: string, description: { kind: 'file' | 'archive'; entry?: string }): string {
  if (description.kind === 'file') return resolve(bundlePath);
  if (description.entry === undefined) throw new Error(`the archive bundle ${bundlePath} needs its entry module (--entry)`);
  return join(resolve(bundlePath), description.entry);
}
