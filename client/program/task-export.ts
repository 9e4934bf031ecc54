/**
 * The one rule for which function a job's tasks call: the bundle's export named `exportName`
 * (for a CommonJS module, a property of its `module.exports`). TaskExecutors apply it to run a
 * task; a program's ctx.submit() applies it to its own imported bundle before the job is
 * submitted, so a misspelt export fails at once, in the program, instead of on every task.
 */
export type TaskExport = { fn: (task: unknown) => unknown } | { problem: string };

export function findTaskExport(mod: Record<string, unknown>, name: string): TaskExport {
  // CommonJS modules arrive as { default: module.exports }.
  const fromDefault = typeof mod.default === 'object' && mod.default !== null ? (mod.default as Record<string, unknown>)[name] : undefined;
  const fn = mod[name] ?? fromDefault;
  if (typeof fn === 'function') return { fn: fn as (task: unknown) => unknown };
  const names = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
  return {
    problem:
      fn === undefined
        ? `the bundle exports no function named "${name}" (its exported functions: ${names.length ? names.join(', ') : 'none'})`
        : `the bundle's export "${name}" is a ${typeof fn}, not a function`,
  };
}
