/**
 * Deploys an application-mode cluster: main() of the user's bundle runs in the AM. The client
 * uploads the configuration and secret (the shared deploy step) and the user bundle, or no bundle
 * at all when it already is on HDFS; the AM gets the bundle as a local resource and its
 * description in LOOM_PROGRAM. Returns once YARN accepted the application: following it is the
 * caller's choice (run-application --attached).
 */
import type { BundleRef } from '../../contracts/bundle-ref.js';
import type { LocalResourceSpec } from '../../hadoop/yarn/container-launch-context.js';
import { deployCluster, type ClusterDeployOptions, type DeployedCluster } from './cluster-deployer.js';
import type { DeployContext } from './deploy-context.js';
import type { ProgramBundle } from './program-bundle.js';
import { writeApplicationProgram } from '../../contracts/am-env.js';
import { programLinkName } from '../../contracts/program-contract.js';

export interface ApplicationDeployOptions extends Pick<ClusterDeployOptions, 'shipFiles' | 'timeoutMs' | 'pollMs' | 'signal' | 'runtime'> {
  bundle: ProgramBundle;
  /** The export holding main() (`-c`); default `default`. */
  entryExport?: string;
  /** ctx.args */
  args: string[];
}

export interface DeployedApplication extends DeployedCluster {
  /** Where the program's jobs fetch the bundle from. */
  bundle: BundleRef;
}

export async function deployApplication(ctx: DeployContext, opts: ApplicationDeployOptions): Promise<DeployedApplication> {
  let bundle: BundleRef | undefined;
  const deployed = await deployCluster(ctx, {
    ...opts,
    mode: 'application',
    defaultName: `Loom application: ${displayName(opts.bundle)}`,
    waitFor: 'submitted',
    stageModeFiles: async (staging) => {
      let resource: LocalResourceSpec;
      if (opts.bundle.where === 'hdfs') {
        bundle = opts.bundle.ref;
        resource = {
          uri: bundle.url,
          size: bundle.size,
          timestamp: bundle.modificationTime,
          type: bundle.kind === 'archive' ? 'ARCHIVE' : 'FILE',
          visibility: 'APPLICATION',
        };
      } else {
        const { packed } = opts.bundle;
        resource = await staging.stageFile(
          packed.localFile,
          packed.uploadName,
          packed.description.kind === 'archive' ? 'ARCHIVE' : 'FILE',
          'APPLICATION',
        );
        bundle = { ...packed.description, url: resource.uri, size: resource.size, modificationTime: resource.timestamp };
      }
      return {
        resources: { [programLinkName(bundle)]: resource },
        environment: writeApplicationProgram({
          bundle,
          entryExport: opts.entryExport ?? 'default',
          args: opts.args,
          bundleName: displayName(opts.bundle),
        }),
      };
    },
  });
  if (bundle === undefined) throw new Error(`the deployment of ${deployed.applicationId} staged no bundle`);
  return { ...deployed, bundle };
}

function displayName(b: ProgramBundle): string {
  const path = b.where === 'hdfs' ? b.ref.url : b.path;
  return path.replace(/\/+$/, '').split('/').pop() || path;
}
