/** The log of a deployer whose caller asked for no progress lines: it drops each line. */
export function noLog(): void {
  // Nobody asked for the lines.
}
