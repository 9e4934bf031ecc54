// Jobs the end-to-end tests submit with `loom run`.

/** The square of task.args[0] (default: the task index), and where it ran. */
export function square(task) {
  const n = task.args.length > 0 ? Number(task.args[0]) + task.index : task.index;
  return { index: task.index, square: n * n, pid: process.pid };
}

/** Sleeps task.args[0] ms (default 3000), then returns its index and attempt-independent facts. */
export async function slow(task) {
  const ms = task.args.length > 0 ? Number(task.args[0]) : 3000;
  await new Promise((resolve) => setTimeout(resolve, ms));
  return { index: task.index, sleptMs: ms, pid: process.pid };
}

/** Always fails, with a message the client must show. */
export function broken(task) {
  throw new Error(`task ${task.index} is broken on purpose`);
}

/** The contents of files in the container's working dir: ship files (-t) are linked there by name. */
export async function readShipped(task) {
  const { readFile } = await import('node:fs/promises');
  return Promise.all(task.args.map((p) => readFile(p, 'utf8')));
}

/**
 * Holds the task until the file task.args[0] exists (the test opens the gate once it has seen
 * what it waits for, e.g. every task running at once), then returns its square like `square`.
 */
export async function gated(task) {
  const { existsSync } = await import('node:fs');
  while (!existsSync(task.args[0])) await new Promise((resolve) => setTimeout(resolve, 50));
  return { index: task.index, square: task.index * task.index, pid: process.pid };
}
