// launch_container.sh exactly as a Hadoop 3.3.6 NodeManager (DefaultContainerExecutor) writes it.
// Values go inside double quotes WITHOUT escaping, as YARN does: `x y "quoted" $dollar` reaches
// the process as `x y quoted ` (fixtures containers/probe-am). Launchers must escape themselves.

import { javaHashMapOrder } from '../../client/hadoop/yarn/java-hash-order.js';

/** Default of yarn.nodemanager.env-whitelist in yarn-default.xml. */
export const DEFAULT_ENV_WHITELIST = [
  'JAVA_HOME',
  'HADOOP_COMMON_HOME',
  'HADOOP_HDFS_HOME',
  'HADOOP_CONF_DIR',
  'CLASSPATH_PREPEND_DISTCACHE',
  'HADOOP_YARN_HOME',
  'HADOOP_HOME',
  'PATH',
  'LANG',
  'TZ',
] as const;

/** Variables the NM sets itself, in the order it writes them (right after the whitelist). */
export const NM_SET_VARIABLES = [
  'HADOOP_TOKEN_FILE_LOCATION',
  'CONTAINER_ID',
  'NM_PORT',
  'NM_HOST',
  'NM_HTTP_PORT',
  'LOCAL_DIRS',
  'LOCAL_USER_DIRS',
  'LOG_DIRS',
  'USER',
  'LOGNAME',
  'HOME',
  'PWD',
  'LOCALIZATION_COUNTERS',
  'JVM_PID',
] as const;

export const CONTAINER_TOKENS_FILE = 'container_tokens';
export const LAUNCH_SCRIPT_FILE = 'launch_container.sh';

export interface LocalizationCounters {
  bytesMissed: number;
  bytesCached: number;
  filesMissed: number;
  filesCached: number;
  ms: number;
}

export function formatLocalizationCounters(c: LocalizationCounters): string {
  return `${c.bytesMissed},${c.bytesCached},${c.filesMissed},${c.filesCached},${c.ms}`;
}

export interface ContainerLaunchSpec {
  containerId: string;
  appId: string;
  user: string;
  /** The container's working directory: <local>/usercache/<user>/appcache/<app>/<container>. */
  workDir: string;
  /** The container's log directory: <logs>/<app>/<container>; replaces <LOG_DIR>. */
  logDir: string;
  /** NM local dir (one; the mini cluster has one disk). */
  localDir: string;
  nmHost: string;
  nmPort: number;
  nmHttpPort: number;
  localizationCounters: LocalizationCounters;
  /** CLC environment in wire order (the RM's additions included), before expansion. */
  environment: readonly (readonly [string, string])[];
  /** CLC commands, before expansion; joined with spaces into one `bash -c`. */
  commands: readonly string[];
  /** Localized resources: absolute cache path and link name, in the order to write them. */
  links: readonly { path: string; link: string }[];
  /** Whitelisted variables the NM process has (name, value), in whitelist order. */
  nmWhitelistEnv: readonly (readonly [string, string])[];
  /** yarn.nodemanager.admin-env; default `MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX` expanded against the NM env. */
  adminEnv?: readonly (readonly [string, string])[];
}

/** `<LOG_DIR>` -> log dir, `<CPS>` -> `:`, `{{VAR}}` -> `$VAR` (left for bash to expand). */
export function expandContainerVariables(text: string, logDir: string): string {
  return text.replaceAll('<LOG_DIR>', logDir).replaceAll('<CPS>', ':').replaceAll('{{', '$').replaceAll('}}', '');
}

/** The NM's whitelisted variables taken from a process environment, in whitelist order. */
export function whitelistFromEnv(
  env: Record<string, string | undefined>,
  whitelist: readonly string[] = DEFAULT_ENV_WHITELIST,
): [string, string][] {
  return whitelist.flatMap((k): [string, string][] => {
    const value = env[k];
    return value === undefined ? [] : [[k, value]];
  });
}

/** Default admin env: MALLOC_ARENA_MAX set to the NM's own value ("" when unset). */
export function defaultAdminEnv(env: Record<string, string | undefined>): [string, string][] {
  return [['MALLOC_ARENA_MAX', env.MALLOC_ARENA_MAX ?? '']];
}

/**
 * The container's environment map as the NM holds it after sanitizing: CLC variables (expanded),
 * the token file location, the NM's variables and the admin env. DefaultContainerExecutor also
 * passes exactly this map as the process environment (the "CLASSPATH inheritance quirk").
 */
export function containerEnvironment(spec: ContainerLaunchSpec): Map<string, string> {
  const env = new Map<string, string>();
  for (const [k, v] of spec.environment) env.set(k, expandContainerVariables(v, spec.logDir));
  const appDir = `${spec.localDir}/usercache/${spec.user}/appcache/${spec.appId}`;
  const nmValues: Record<(typeof NM_SET_VARIABLES)[number], string> = {
    HADOOP_TOKEN_FILE_LOCATION: `${spec.workDir}/${CONTAINER_TOKENS_FILE}`,
    CONTAINER_ID: spec.containerId,
    NM_PORT: String(spec.nmPort),
    NM_HOST: spec.nmHost,
    NM_HTTP_PORT: String(spec.nmHttpPort),
    LOCAL_DIRS: appDir,
    LOCAL_USER_DIRS: `${spec.localDir}/usercache/${spec.user}/`,
    LOG_DIRS: spec.logDir,
    USER: spec.user,
    LOGNAME: spec.user,
    HOME: '/home/',
    PWD: spec.workDir,
    LOCALIZATION_COUNTERS: formatLocalizationCounters(spec.localizationCounters),
    JVM_PID: '$$',
  };
  for (const name of NM_SET_VARIABLES) env.set(name, nmValues[name]);
  // The admin env is forced in, overriding the CLC.
  for (const [k, v] of spec.adminEnv ?? [['MALLOC_ARENA_MAX', '']]) env.set(k, v);
  return env;
}

/** Names of variables a value refers to ($X, ${X}); single-quoted text and \-escapes skipped. */
export function envDependencies(value: string): string[] {
  const deps: string[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') i++;
    else if (c === "'") {
      const end = value.indexOf("'", i + 1);
      i = end < 0 ? value.length : end;
    } else if (c === '$') {
      const rest = value.slice(i + 1);
      const m = /^\{([A-Za-z_][A-Za-z0-9_]*)/.exec(rest) ?? /^([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
      if (m) {
        deps.push(m[1]);
        i += m[0].length;
      }
    }
  }
  return [...new Set(deps)];
}

/** The NM's dependency ordering: depth-first over a HashMap of the variables, dependencies first. */
export function orderByDependencies(env: Map<string, string>): string[] {
  const names = javaHashMapOrder([...env.keys()]);
  const deps = new Map<string, string[]>();
  const inserted: string[] = [];
  for (const name of names) {
    if (!deps.has(name)) inserted.push(name);
    const own = javaHashMapOrder(envDependencies(env.get(name) ?? '')).filter((d) => env.has(d));
    deps.set(name, own);
    for (const d of own) {
      if (!deps.has(d)) {
        deps.set(d, []);
        inserted.push(d);
      }
    }
  }
  const ordered: string[] = [];
  const resolved = new Set<string>();
  const resolve = (name: string): void => {
    resolved.add(name);
    for (const d of deps.get(name) ?? []) if (!resolved.has(d)) resolve(d);
    ordered.push(name);
  };
  for (const name of javaHashMapOrder(inserted)) if (!resolved.has(name)) resolve(name);
  return ordered;
}

/** The text of launch_container.sh. */
export function renderLaunchScript(spec: ContainerLaunchSpec): string {
  const env = containerEnvironment(spec);
  const log = spec.logDir;
  const info = `${log}/directory.info`;
  const lines: string[] = [
    '#!/bin/bash',
    '',
    'set -o pipefail -e',
    `export PRELAUNCH_OUT="${log}/prelaunch.out"`,
    'exec >"${PRELAUNCH_OUT}"',
    `export PRELAUNCH_ERR="${log}/prelaunch.err"`,
    'exec 2>"${PRELAUNCH_ERR}"',
    'echo "Setting up env variables"',
  ];
  for (const [k, v] of spec.nmWhitelistEnv) if (!env.has(k)) lines.push(`export ${k}=\${${k}:-"${v}"}`);
  for (const k of NM_SET_VARIABLES) lines.push(`export ${k}="${env.get(k)}"`);
  const nmSet = new Set<string>(NM_SET_VARIABLES);
  for (const k of orderByDependencies(env)) if (!nmSet.has(k)) lines.push(`export ${k}="${env.get(k)}"`);
  lines.push('echo "Setting up job resources"');
  for (const { path, link } of spec.links) {
    // A link name with a directory in it (a provided lib dir's nested file): the NM makes the dir first.
    const slash = link.lastIndexOf('/');
    if (slash > 0) lines.push(`mkdir -p ${link.slice(0, slash)}`);
    lines.push(`ln -sf -- "${path}" "${link}"`);
  }
  lines.push(
    'echo "Copying debugging information"',
    '# Creating copy of launch script',
    `cp "${LAUNCH_SCRIPT_FILE}" "${log}/${LAUNCH_SCRIPT_FILE}"`,
    `chmod 640 "${log}/${LAUNCH_SCRIPT_FILE}"`,
    '# Determining directory contents',
    `echo "ls -l:" 1>"${info}"`,
    `ls -l 1>>"${info}"`,
    `echo "find -L . -maxdepth 5 -ls:" 1>>"${info}"`,
    `find -L . -maxdepth 5 -ls 1>>"${info}"`,
    `echo "broken symlinks(find -L . -maxdepth 5 -type l -ls):" 1>>"${info}"`,
    `find -L . -maxdepth 5 -type l -ls 1>>"${info}"`,
    'echo "Launching container"',
    `exec /bin/bash -c "${spec.commands.map((c) => expandContainerVariables(c, log)).join(' ')}"`,
  );
  return lines.join('\n') + '\n';
}
