/**
 * The NodeManager pastes a container's command inside `bash -c "..."` and every environment
 * value inside `export K="..."` without escaping (fixtures containers/probe-am: `x y "quoted"
 * $dollar` arrived as `x y quoted `). Whatever a launch context carries goes through these first.
 * Placeholders meant for the NM (`<LOG_DIR>`, `{{PWD}}`) contain none of the escaped characters.
 */

/** Makes text survive being pasted between double quotes in a bash script: escapes \ " $ and `. */
export function escapeForDoubleQuotes(text: string): string {
  return text.replace(/[\\"$`]/g, (ch) => `\\${ch}`);
}

/** One word for bash: plain when safe, else single-quoted. */
export function shellWord(text: string): string {
  if (/^[A-Za-z0-9_/.:=@%+,-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
