/**
 * A task's error as the user can place it: the TaskExecutor imports a bundle from its cache
 * (`<cache>/<key>/throws-8394da82d297.mjs`, or `<cache>/<key>/lib/parse.mjs` inside an unpacked
 * archive), so stack frames and messages name paths the user never saw. Here they become relative
 * to the bundle (`throws-8394da82d297.mjs:6:31`, `lib/parse.mjs:3:9`); the client that packed the
 * bundle maps those to the user's own paths (client/deploy/bundle/bundle-names.ts). Frames of Loom and
 * of Node stay as they are: --verbose shows them, and without it the client leaves them out.
 */
import { dirname, posix, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The directory a cached bundle's module sits in, relative paths inside the bundle start from. */
export function bundleRoot(modulePath: string, bundle: { kind: 'file' | 'archive'; entry?: string }): string {
  if (bundle.kind !== 'archive' || !bundle.entry) return dirname(modulePath);
  let root = modulePath;
  for (let depth = posix.normalize(bundle.entry).split('/').length; depth > 0; depth--) root = dirname(root);
  return root;
}

/** `text` with every file URL and path under `root` made relative to it. */
export function relativeToBundle(text: string, root: string): string {
  const dir = root.endsWith(sep) ? root : `${root}${sep}`;
  const url = pathToFileURL(dir).href;
  return text.split(url).join('').split(dir).join('');
}
