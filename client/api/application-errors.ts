/**
 * What the programmatic client's application-mode handle (LoomApplication.result()) rejects with:
 * an application that did not end SUCCEEDED, and a result asked of an application deployed
 * detached, whose main() nobody follows.
 */
import { LoomError } from '../errors/loom-error.js';
import type { ApplicationReport } from '../hadoop/yarn/cluster-reports.js';

/** The application ended FAILED or KILLED (or FINISHED with another final status than SUCCEEDED). */
export class ApplicationFailedError extends LoomError {
  static override readonly code: string = 'APPLICATION_FAILED';
  override name = 'ApplicationFailedError';
  constructor(
    /** YARN's final report: state, final status, diagnostics (with main()'s stack when it threw). */
    readonly report: ApplicationReport,
    /** main()'s error when main() threw, as the ApplicationMaster reported it. */
    readonly programError: string | undefined,
  ) {
    const reason = programError ?? firstLine(report.diagnostics);
    super(`application ${report.applicationId} ended ${report.state}/${report.finalStatus}${reason ? `: ${reason}` : ''}`, {
      ...(report.diagnostics.trim() ? { detail: report.diagnostics.trim() } : {}),
    });
  }
}

/** result() of an application deployed detached: main()'s end is not followed. */
export class ApplicationDetachedError extends LoomError {
  static override readonly code: string = 'APPLICATION_RESULT_DETACHED';
  override name = 'ApplicationDetachedError';
  constructor(readonly applicationId: string) {
    super(
      `application ${applicationId} was deployed detached: what its main() returns is not followed; deploy it with attached: true, or use waitForEnd() for its final status`,
    );
  }
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
