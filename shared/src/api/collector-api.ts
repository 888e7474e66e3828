/**
 * The collector's admin and tracking API as its clients see it: the JSON bodies of
 * `GET /api/v1/runs/:id` and of the GitLab-compatible `track_event(s)`. The collector builds these
 * shapes and the one client (`@servping/runtime`'s `CollectorClient`) reads them, so both compile
 * against the same declaration.
 */
import type { MetricValue } from '../payload/metric-result';
import type { JobDataByName } from '../pipeline/jobs';

export type RunState = 'planned' | 'running' | 'finished' | 'failed';
/** Who asked for a run: the schedule, the API, the console, the CLI… */
export type RequestedBy = JobDataByName['trigger-run']['requestedBy'];

export interface MetricProgress {
  /** The metric's key_path once it finished; the job id while pending or after a crash. */
  name: string;
  state: 'done' | 'fallback' | 'failed' | 'pending';
  timeElapsedS?: number;
  error?: string;
  /** The value reported (the fallback for a failed metric), once finished. */
  value?: MetricValue;
  /** The BullMQ job that computes it, while the run's jobs are kept: `<queue>:<job id>`. */
  job?: string;
}

export interface Submission {
  sentAt: string | null;
  usageDataId: number | null;
  attempts: number;
  lastError: string | null;
}

/** `GET /api/v1/runs/:id` (and each item of `GET /api/v1/runs`). */
export interface RunView {
  id: string;
  state: RunState;
  requestedBy: RequestedBy;
  submit: boolean;
  /** Asked to submit while the instance collects only: stored, never sent. */
  collectOnly: boolean;
  recordedAt: string | null;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
  metrics: { total: number; done: number; fallbacks: number; pending: number };
  shards: number;
  /** State of the `aggregate-run` job, or null once it was removed (retention) or never enqueued. */
  aggregate: string | null;
  /** Where the per-metric list came from: the live flow, the stored payload's metadata, or nothing yet. */
  source: 'flow' | 'stored' | 'none';
  perMetric: MetricProgress[];
  /** Delivery to Versions of the run's stored payload; null until the aggregator stored it. */
  submission: Submission | null;
}

/** One event of a `track_event(s)` body (GitLab's API fields, plus servping's `user_id`). */
export interface TrackEventBody {
  event: string;
  namespace_id?: number;
  project_id?: number;
  /** servping extension: the user to count; default is the token's own identity. */
  user_id?: number | string;
  additional_properties?: Record<string, unknown>;
  send_to_snowplow?: boolean;
}

/** GitLab's limit of events per `track_events` request. */
export const MAX_EVENTS_PER_REQUEST = 50;

/**
 * A run is over once it failed, or finished and, when it submits, was sent or failed a first
 * attempt: later retries are hours apart (GitLab's 8h/16h/24h), no one waits for them.
 */
export function isRunOver(view: Pick<RunView, 'state' | 'submission'>, submit: boolean): boolean {
  if (view.state === 'failed') return true;
  if (view.state !== 'finished') return false;
  const submission = view.submission;
  return (
    !submit ||
    Boolean(submission?.sentAt) ||
    Boolean(submission && submission.attempts > 0 && submission.lastError)
  );
}

/**
 * One line of a run's progress, `run-7 running: 45/120 metrics, 2 fallbacks, 3 shards`; with
 * `bar` (a terminal redrawing the line), a bar of that many characters in front: `[#####-----] …`.
 */
export function progressLine(
  view: Pick<RunView, 'id' | 'state' | 'metrics' | 'shards'>,
  options: { bar?: number } = {},
): string {
  const { done, total, fallbacks } = view.metrics;
  const line = `${view.id} ${view.state}: ${done}/${total} metrics, ${fallbacks} fallbacks, ${view.shards} shards`;
  if (options.bar === undefined) return line;
  const filled = Math.round((Math.min(done, Math.max(total, 1)) / Math.max(total, 1)) * options.bar);
  return `[${'#'.repeat(filled)}${'-'.repeat(options.bar - filled)}] ${line}`;
}
