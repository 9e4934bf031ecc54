/**
 * A failed call to the AM's dispatcher: `status` is the HTTP status (undefined when the AM could
 * not be reached or did not answer in time), `errors` the server's own messages. The message is
 * for the person at the command line: it names what failed in CLI terms (`loom list`, `loom
 * cancel`, `loom info`), not the REST route; the route and the server's answer are the detail
 * (--verbose), and `errors` keep them for programs.
 */
import { LoomError } from '../../errors/loom-error.js';

export class DispatcherError extends LoomError {
  static override readonly code: string = 'DISPATCHER_CALL_FAILED';
  override name = 'DispatcherError';
  constructor(
    message: string,
    readonly status?: number,
    readonly errors: string[] = [],
    options: { detail?: string; cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

export interface RestCall {
  method: string;
  path: string;
  baseUrl: string;
  /** The cluster's application id, when the client knows it: messages name it. */
  applicationId?: string;
}

/** A failed REST call: the person's message for its route and status, the route and answer as detail. */
export function restCallFailed(call: RestCall, status: number, errors: string[], answer: string): DispatcherError {
  const detail = `${call.method} ${call.path} at ${call.baseUrl} answered HTTP ${status}: ${answer}`;
  return new DispatcherError(forPerson(call, status, errors, answer), status, errors, { detail });
}

/** What a REST route does, in a person's words. */
function whatTheCallDoes(method: string, path: string): string {
  const route = path.split('?')[0];
  const job = /^\/jobs\/([^/]+)$/.exec(route)?.[1];
  if (job !== undefined && method === 'PATCH') return `cancelling job ${decodeURIComponent(job)}`;
  if (job !== undefined && job !== 'overview') return `reading job ${decodeURIComponent(job)}`;
  if (route === '/jobs' && method === 'POST') return 'submitting the job';
  if (route === '/jobs' || route === '/jobs/overview') return "listing the cluster's jobs";
  if (route === '/overview' || route === '/taskmanagers') return 'reading the cluster';
  if (route === '/cluster' && method === 'DELETE') return 'stopping the cluster';
  return `${method} ${route}`;
}

function forPerson(call: RestCall, status: number, errors: string[], answer: string): string {
  const what = whatTheCallDoes(call.method, call.path);
  const cluster = call.applicationId ?? `the Loom cluster at ${call.baseUrl}`;
  const yid = call.applicationId ? ` -yid ${call.applicationId}` : '';
  const job = /^\/jobs\/([^/?]+)/.exec(call.path)?.[1];
  const said = errors.length ? errors.join('; ') : answer;
  if (status === 404 && job !== undefined && job !== 'overview') {
    const id = decodeURIComponent(job);
    const shape = /^[0-9a-f]{32}$/.test(id) ? '' : ' (job ids are 32 hex digits)';
    return `${cluster} has no job ${id}${shape}: loom list${yid} shows its jobs, loom list-clusters the other clusters`;
  }
  if (status === 404)
    return `${call.baseUrl} is not the REST endpoint of a Loom cluster (it does not know ${what}): check -yid, or see loom list-clusters`;
  if (status === 409 && call.method === 'POST') {
    const chosen = new URLSearchParams(call.path.split('?')[1] ?? '').get('jobid');
    return `${cluster} has a job ${chosen ?? 'with the id this client chose'} already: loom list${yid} shows it`;
  }
  if (status === 400 && call.method === 'POST') return `${cluster} refused the job: ${said}`;
  if (status === 401 || status === 403 || status === 503) return `${cluster} refused ${what}: ${withoutRoutes(said)}`;
  return `${what} failed: ${cluster} answered HTTP ${status}: ${withoutRoutes(said)}`;
}

/** A server message's REST routes ("; GET /jobs lists ...") are for REST users; the CLI names its commands instead. */
function withoutRoutes(text: string): string {
  return text.replace(/;?\s*(GET|POST|PATCH|DELETE|PUT) \/\S*[^;]*/g, '').trim() || text;
}
