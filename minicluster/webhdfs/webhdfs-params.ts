/**
 * WebHDFS query parameters, validated as Hadoop's `web.resources.*Param` classes do: names are
 * case-insensitive (Hadoop's ParamFilter lower-cases them), an empty value means "not given",
 * and a bad value answers 400 IllegalArgumentException `Invalid value for webhdfs parameter
 * "<name>": <reason>` with Hadoop's reason texts.
 */
import { illegalArgument, unsupportedOperation } from './hdfs-errors.js';
import { MAX_PERMISSION } from './fs-permission.js';

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

/** Every op Hadoop 3.3 knows, per HTTP method; the ones this server implements are in IMPLEMENTED. */
const OPS: Record<HttpMethod, readonly string[]> = {
  GET: [
    'OPEN',
    'GETFILESTATUS',
    'LISTSTATUS',
    'GETCONTENTSUMMARY',
    'GETQUOTAUSAGE',
    'GETFILECHECKSUM',
    'GETHOMEDIRECTORY',
    'GETDELEGATIONTOKEN',
    'GETFILEBLOCKLOCATIONS',
    'GET_BLOCK_LOCATIONS',
    'GETACLSTATUS',
    'GETXATTRS',
    'GETTRASHROOT',
    'LISTXATTRS',
    'NULL',
    'CHECKACCESS',
    'LISTSTATUS_BATCH',
    'GETSERVERDEFAULTS',
    'GETSTORAGEPOLICIES',
    'GETSTORAGEPOLICY',
    'GETECPOLICY',
    'GETSNAPSHOTDIFF',
    'GETSNAPSHOTDIFFLISTING',
    'GETSNAPSHOTTABLEDIRECTORYLIST',
    'GETSNAPSHOTLIST',
    'GETALLSTORAGEPOLICY',
    'GETSTATUS',
  ],
  PUT: [
    'CREATE',
    'MKDIRS',
    'CREATESYMLINK',
    'RENAME',
    'SETREPLICATION',
    'SETOWNER',
    'SETPERMISSION',
    'SETTIMES',
    'RENEWDELEGATIONTOKEN',
    'CANCELDELEGATIONTOKEN',
    'MODIFYACLENTRIES',
    'REMOVEACLENTRIES',
    'REMOVEDEFAULTACL',
    'REMOVEACL',
    'SETACL',
    'SETXATTR',
    'REMOVEXATTR',
    'ENABLEECPOLICY',
    'DISABLEECPOLICY',
    'SETECPOLICY',
    'ALLOWSNAPSHOT',
    'DISALLOWSNAPSHOT',
    'CREATESNAPSHOT',
    'RENAMESNAPSHOT',
    'SETSTORAGEPOLICY',
    'SETQUOTA',
    'SETQUOTABYSTORAGETYPE',
    'SATISFYSTORAGEPOLICY',
    'NULL',
  ],
  POST: ['APPEND', 'CONCAT', 'TRUNCATE', 'UNSETSTORAGEPOLICY', 'UNSETECPOLICY', 'NULL'],
  DELETE: ['DELETE', 'DELETESNAPSHOT', 'NULL'],
};

function isHttpMethod(method: string): method is HttpMethod {
  return Object.hasOwn(OPS, method);
}

const IMPLEMENTED = new Set([
  'OPEN',
  'GETFILESTATUS',
  'LISTSTATUS',
  'LISTSTATUS_BATCH',
  'GETCONTENTSUMMARY',
  'GETFILECHECKSUM',
  'GETHOMEDIRECTORY',
  'GETDELEGATIONTOKEN',
  'GETTRASHROOT',
  'CREATE',
  'MKDIRS',
  'RENAME',
  'SETREPLICATION',
  'SETOWNER',
  'SETPERMISSION',
  'SETTIMES',
  'RENEWDELEGATIONTOKEN',
  'CANCELDELEGATIONTOKEN',
  'APPEND',
  'DELETE',
  'CHECKACCESS',
  'GETSERVERDEFAULTS',
]);

/** Options.Rename, the values RenameOptionSetParam takes. */
const RENAME_OPTIONS = ['NONE', 'OVERWRITE', 'TO_TRASH'] as const;
export type RenameOption = (typeof RENAME_OPTIONS)[number];

/** FsActionParam's domain. */
const FS_ACTION_PATTERN = /^[r-][w-][x-]$/;

/** Hadoop's UserParam domain. */
const USER_PATTERN = /^[A-Za-z_][A-Za-z0-9._-]*[$]?$/;

function invalid(name: string, reason: string) {
  return illegalArgument(`Invalid value for webhdfs parameter "${name}": ${reason}`);
}

export class WebHdfsParams {
  private readonly values = new Map<string, string>();

  constructor(search: URLSearchParams) {
    for (const [key, value] of search) {
      const name = key.toLowerCase();
      if (!this.values.has(name)) this.values.set(name, value); // the first occurrence wins, as with Jersey
    }
  }

  /** The op for this method: 400 for unknown/wrong-method ops, 400 UnsupportedOperation for none. */
  op(method: string): string {
    const raw = this.string('op');
    const op = raw === undefined ? 'NULL' : raw.toUpperCase();
    if (!isHttpMethod(method)) throw unsupportedOperation(`HTTP method ${method} is not supported by WebHDFS`);
    const known = OPS[method];
    if (!known.includes(op)) throw invalid('op', `${raw} is not a valid ${method} operation.`);
    if (op === 'NULL') throw unsupportedOperation('op=NULL is not supported');
    if (!IMPLEMENTED.has(op)) throw unsupportedOperation(`${op} is not supported by the Loom mini cluster's WebHDFS`);
    return op;
  }

  string(name: string): string | undefined {
    const v = this.values.get(name);
    return v === undefined || v === '' ? undefined : v;
  }

  has(name: string): boolean {
    return this.string(name) !== undefined;
  }

  user(name: 'user.name' | 'doas'): string | undefined {
    const v = this.string(name);
    if (v !== undefined && !USER_PATTERN.test(v)) {
      throw invalid(name, `Invalid value: "${v}" does not belong to the domain ${USER_PATTERN.source}`);
    }
    return v;
  }

  boolean(name: string): boolean | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    if (v.toLowerCase() === 'true') return true;
    if (v.toLowerCase() === 'false') return false;
    throw invalid(name, `Failed to parse "${v}" to Boolean.`);
  }

  long(name: string, min?: number): number | undefined {
    return this.integer(name, 10, 'long integer', -(2 ** 63), 2 ** 63 - 1, min);
  }

  int(name: string, min?: number): number | undefined {
    return this.integer(name, 10, 'integer', -(2 ** 31), 2 ** 31 - 1, min);
  }

  short(name: string, min?: number): number | undefined {
    return this.integer(name, 10, 'short integer', -32768, 32767, min);
  }

  /** PermissionParam: a radix-8 short in [0, 01777]. */
  permission(name = 'permission'): number | undefined {
    const value = this.integer(name, 8, 'short integer', -32768, 32767, 0);
    if (value !== undefined && value > MAX_PERMISSION) {
      throw invalid(name, `Invalid parameter range: ${name} = ${value.toString(8)} > ${MAX_PERMISSION.toString(8)}`);
    }
    return value;
  }

  /**
   * RenameOptionSetParam: comma-separated Options.Rename names; undefined when absent or empty
   * (then RENAME is the old rename that answers a boolean). An unknown name is refused with
   * Enum.valueOf's message, as on Hadoop.
   */
  renameOptions(): Set<RenameOption> | undefined {
    const v = this.string('renameoptions');
    if (v === undefined) return undefined;
    const options = new Set<RenameOption>();
    for (const part of v.split(',')) {
      const name = part.trim().toUpperCase();
      if (!(RENAME_OPTIONS as readonly string[]).includes(name)) {
        throw invalid('renameoptions', `No enum constant org.apache.hadoop.fs.Options.Rename.${name}`);
      }
      options.add(name as RenameOption);
    }
    return options;
  }

  /** FsActionParam (`rwx`, `r--`, ...) as permission bits; undefined when absent. */
  fsAction(): number | undefined {
    const v = this.string('fsaction');
    if (v === undefined) return undefined;
    if (!FS_ACTION_PATTERN.test(v)) {
      throw invalid('fsaction', `Invalid value: "${v}" does not belong to the domain ${FS_ACTION_PATTERN.source.slice(1, -1)}`);
    }
    return (v.startsWith('r') ? 4 : 0) | (v[1] === 'w' ? 2 : 0) | (v[2] === 'x' ? 1 : 0);
  }

  /** DestinationParam: an absolute path. */
  destination(): string | undefined {
    const v = this.string('destination');
    if (v !== undefined && !v.startsWith('/')) {
      throw invalid('destination', `Invalid parameter value: destination = "${v}" is not an absolute path.`);
    }
    return v;
  }

  private integer(name: string, radix: 8 | 10, kind: string, lo: number, hi: number, min?: number): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const digits = radix === 8 ? /^[+-]?[0-7]+$/ : /^[+-]?[0-9]+$/;
    const value = digits.test(v) ? parseInt(v, radix) : NaN;
    if (Number.isNaN(value) || value < lo || value > hi) throw invalid(name, `Failed to parse "${v}" as a radix-${radix} ${kind}.`);
    if (min !== undefined && value < min) {
      throw invalid(name, `Invalid parameter range: ${name} = ${value.toString(radix)} < ${min.toString(radix)}`);
    }
    return value;
  }
}
