import { Configuration } from './configuration.js';
import { defaultsInUseNotice } from './hadoop-conf-dir.js';
import { applyHadoopKeys } from './hadoop-keys-in-loom-config.js';
import { LoomConfig } from './loom-config.js';

/** Both configurations a client works with, and what it should tell the person about them. */
export interface ClientConfigs {
  hadoopConf: Configuration;
  conf: LoomConfig;
  /** loom.yaml's warnings (deprecated or unknown keys), one line each. */
  warnings: string[];
  /** With no Hadoop configuration at all (no directory, no Hadoop key): which defaults are in use. */
  defaultsNotice?: string;
}

export interface ClientConfigsOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** `key=value` pairs (-D), over loom.yaml. */
  dynamicProperties?: readonly string[];
}

/**
 * Both configurations, as the CLI and the programmatic client read them: a bad Loom value, a
 * mistyped key or an unusable HADOOP_CONF_DIR throws here, before any network call. Hadoop keys
 * set in loom.yaml or with -D apply to the Hadoop configuration too.
 */
export function loadClientConfigs(opts: ClientConfigsOptions = {}): ClientConfigs {
  const env = opts.env ?? process.env;
  const conf = LoomConfig.load({ env, dynamicProperties: opts.dynamicProperties ?? [], ...(opts.cwd ? { cwd: opts.cwd } : {}) });
  const hadoopConf = Configuration.load({ env });
  const hadoopKeysGiven = applyHadoopKeys(conf, hadoopConf);
  const none = hadoopConf.confDir === undefined && hadoopKeysGiven === 0;
  return { hadoopConf, conf, warnings: conf.warnings(), ...(none ? { defaultsNotice: defaultsInUseNotice(hadoopConf) } : {}) };
}
