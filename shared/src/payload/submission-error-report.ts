/** What the instance tells Versions when a submission failed (GitLab's `/usage_ping_errors`). */
export interface SubmissionErrorReport {
  /** When the submission failed. */
  time: Date;
  uuid: string;
  hostname: string;
  version: string;
  message: string;
  /** Seconds from the start of the submission to its failure. */
  elapsedS: number;
}

/** The wire body: `{ error: { time, uuid, hostname, version, message, elapsed } }`, elapsed to 0.1 s as in GitLab. */
export function toWireErrorReport(report: SubmissionErrorReport): {
  error: { time: string; uuid: string; hostname: string; version: string; message: string; elapsed: number };
} {
  return {
    error: {
      time: report.time.toISOString(),
      uuid: report.uuid,
      hostname: report.hostname,
      version: report.version,
      message: report.message,
      elapsed: Math.round(report.elapsedS * 10) / 10,
    },
  };
}
