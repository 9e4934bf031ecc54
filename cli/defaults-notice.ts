/**
 * The "no Hadoop configuration: using Hadoop's defaults" notice, held until it tells the person
 * something. A command that then works (against 0.0.0.0:8032) or waits on a server (its retry
 * lines) says it; a command that fails ends with its one error line alone, which already names
 * HADOOP_CONF_DIR, so bad input stays one line.
 */
interface HeldNotice {
  text: string;
  stream: { write(text: string): unknown };
}

let held: HeldNotice | undefined;

export function holdDefaultsNotice(text: string, stream: { write(text: string): unknown }): void {
  held = { text, stream };
}

/** Writes the held notice, once. */
export function flushDefaultsNotice(): void {
  const notice = held;
  held = undefined;
  notice?.stream.write(`${notice.text}\n`);
}

/** Forgets the held notice (the command failed and said why). */
export function dropDefaultsNotice(): void {
  held = undefined;
}
