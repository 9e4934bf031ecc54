/**
 * `loom --quiet` (and `--quiet` of run, run-application and yarn-session): no progress output at
 * all, neither the live line on a terminal nor the plain progress lines in a log. Errors, warnings
 * and what a command answers stay. A switch for the process, as `--verbose` is for errors
 * (cli/describe-error.ts), because the code that draws progress is far below the option parsing.
 */
let quiet = false;

export function setQuiet(on: boolean): void {
  quiet = on;
}

export function isQuiet(): boolean {
  return quiet;
}
