/**
 * How a container starts Node.js: one builder for the AM's command (built by the client) and the
 * TaskExecutors' (built by the AM), so the two cannot drift apart.
 *
 * Which node: the binary the client shipped as the local resource `loom-node`, run by its
 * relative path in the container's working dir (never looked up on PATH), when that resource is
 * there; otherwise `loom.node.path`, a node already installed on the nodes. The client registers
 * `loom-node` exactly when it wants it used, so the AM decides the same way from the resources it
 * was given (LOOM_LOCAL_RESOURCES), without a setting of its own.
 */
import { heapMbForContainer } from './am-container-contract.js';
import { escapeForDoubleQuotes, shellWord } from '../hadoop/yarn/launch-escaping.js';

/** Link name of the shipped Node.js binary (a FILE: YARN localizes files with mode r-x). */
export const NODE_LINK_NAME = 'loom-node';

/** The executable a container runs: `./loom-node` when shipped, else `configuredNodePath`. */
export function containerNodePath(configuredNodePath: string, localResources: Readonly<Record<string, unknown>>): string {
  return Object.hasOwn(localResources, NODE_LINK_NAME) ? `./${NODE_LINK_NAME}` : configuredNodePath;
}

export interface NodeProcessCommand {
  /** What containerNodePath chose. */
  nodePath: string;
  /** Memory YARN granted the container: the heap is sized from it. */
  containerMemoryMb: number;
  /** Script to run, relative to the working dir (e.g. `loom-runtime/dist/appmaster/main.js`). */
  entryPoint: string;
  /** File names in <LOG_DIR> for the process's stdout and stderr. */
  stdoutFile: string;
  stderrFile: string;
}

/** glibc malloc arenas a container's node may create (one per thread otherwise, 64 MiB of address space each). */
export const DEFAULT_MALLOC_ARENA_MAX = 4;

/**
 * `MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-4}`, expanded by the container's bash: the value the
 * cluster's admin gave wins, else 4 (Hadoop's docs recommend capping arenas against the virtual
 * memory check). Not in the launch context's environment: the NodeManager forces
 * yarn.nodemanager.admin-env (default `MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX`) in after it, which
 * turns a value given there into "4:4" (appended) and leaves "" when the NM itself has none
 * (fixtures containers/probe-am: `export MALLOC_ARENA_MAX=""` closes every recorded script).
 */
export const MALLOC_ARENA_MAX_ASSIGNMENT = escapeForDoubleQuotes(`MALLOC_ARENA_MAX=\${MALLOC_ARENA_MAX:-${DEFAULT_MALLOC_ARENA_MAX}}`);

/**
 * `MALLOC_ARENA_MAX=.. <node> --max-old-space-size=<heap> <entry> 1><LOG_DIR>/<out> 2><LOG_DIR>/<err>`.
 * The NodeManager pastes it inside `bash -c "..."` unescaped, so it is escaped for that here.
 */
export function nodeProcessCommand(c: NodeProcessCommand): string {
  return [
    MALLOC_ARENA_MAX_ASSIGNMENT,
    escapeForDoubleQuotes(shellWord(c.nodePath)),
    `--max-old-space-size=${heapMbForContainer(c.containerMemoryMb)}`,
    c.entryPoint,
    `1><LOG_DIR>/${c.stdoutFile}`,
    `2><LOG_DIR>/${c.stderrFile}`,
  ].join(' ');
}
