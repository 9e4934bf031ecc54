// Jobs of the task output e2e test: tasks that print to stdout and stderr.

/**
 * Prints a few lines to stdout and stderr (console.* and process.*.write, a last one without a
 * newline); task args[0]'s first attempt then prints "before the kill" and waits a minute, for
 * the test to kill its TaskExecutor; task args[1] waits for the file args[2] to exist (the test
 * makes it when the killed task's retry has finished), prints "before the throw" and throws.
 */
export async function chatty(task) {
  console.log(`out ${task.index} attempt ${task.attempt}`);
  console.error(`err ${task.index} attempt ${task.attempt}`);
  console.warn(`warn ${task.index}`);
  process.stdout.write(`write ${task.index}\n`);
  if (task.index === Number(task.args[0]) && task.attempt === 1) {
    console.log(`before the kill ${task.index}`);
    await new Promise((resolve) => setTimeout(resolve, 60_000));
    console.log('never printed');
  }
  if (task.index === Number(task.args[1])) {
    const { existsSync } = await import('node:fs');
    for (let waited = 0; !existsSync(task.args[2]) && waited < 60_000; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
    console.log(`before the throw ${task.index}`);
    throw new Error(`task ${task.index} throws on purpose`);
  }
  process.stdout.write(`last ${task.index} without newline`);
  return task.index;
}
