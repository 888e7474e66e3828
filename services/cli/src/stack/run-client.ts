/**
 * The collector's admin API as the CLI uses it: trigger a run, follow it to the end. Plain HTTP
 * with the admin token, so the CLI drives a deployed collector exactly as it drives a local one.
 */

import type { TrackEventBody } from '@servping/collector';

/** GitLab's limit of events per `track_events` request. */
const MAX_EVENTS_PER_REQUEST = 50;

/** The subset of the collector's run view (`GET /api/v1/runs/:id`) the CLI reads. */
export interface RunProgress {
  id: string;
  state: string;
  error: string | null;
  metrics: { total: number; done: number; fallbacks: number; pending: number };
  shards: number;
  submission?: {
    sentAt: string | null;
    usageDataId: number | null;
    attempts: number;
    lastError: string | null;
  } | null;
}

/** A run is over once the aggregator stored it and, when submitting, sent it or failed a first attempt. */
export function isRunOver(view: RunProgress, submit: boolean): boolean {
  if (view.state === 'failed') return true;
  if (view.state !== 'finished') return false;
  // A first failed attempt ends the wait: later retries are hours apart (GitLab's 8h/16h/24h).
  const submission = view.submission;
  return (
    !submit ||
    Boolean(submission?.sentAt) ||
    Boolean(submission && submission.attempts > 0 && submission.lastError)
  );
}

export class CollectorClient {
  constructor(
    private readonly baseUrl: string,
    private readonly adminToken: string,
  ) {}

  /** Starts a run; resolves to its id. A run already in progress answers 409 with its id. */
  async trigger(options: { submit: boolean; requestedBy: 'api' | 'cli' }): Promise<string> {
    const res = await fetch(`${this.baseUrl}/api/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.adminToken}` },
      body: JSON.stringify({ submit: options.submit, requested_by: options.requestedBy }),
    });
    const body = (await res.json().catch(() => ({}))) as { runId?: string; error?: string; message?: string };
    if (res.status === 202 && body.runId) return body.runId;
    throw new Error(`trigger answered ${res.status}: ${body.message ?? body.error ?? JSON.stringify(body)}`);
  }

  async run(runId: string): Promise<RunProgress> {
    const res = await fetch(`${this.baseUrl}/api/v1/runs/${encodeURIComponent(runId)}`, {
      headers: { authorization: `Bearer ${this.adminToken}` },
    });
    if (!res.ok) throw new Error(`GET /api/v1/runs/${runId} answered ${res.status}`);
    return (await res.json()) as RunProgress;
  }

  /**
   * Tracks `bodies` through the GitLab-compatible tracking API (`track_events`, at most 50 per
   * request as GitLab allows); throws on the first refused request.
   */
  async trackEvents(bodies: readonly TrackEventBody[]): Promise<void> {
    for (let i = 0; i < bodies.length; i += MAX_EVENTS_PER_REQUEST) {
      const res = await fetch(`${this.baseUrl}/api/v4/usage_data/track_events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.adminToken}` },
        body: JSON.stringify({ events: bodies.slice(i, i + MAX_EVENTS_PER_REQUEST) }),
      });
      if (!res.ok) throw new Error(`track_events answered ${res.status}: ${await res.text()}`);
    }
  }

  /** Polls the run view every `intervalMs` until the run is over or `timeoutMs` passes. */
  async waitForRun(
    runId: string,
    options: {
      submit: boolean;
      timeoutMs: number;
      intervalMs?: number;
      onProgress?: (view: RunProgress) => void;
    },
  ): Promise<RunProgress> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const view = await this.run(runId);
      options.onProgress?.(view);
      if (isRunOver(view, options.submit)) return view;
      if (Date.now() > deadline)
        throw new Error(`run ${runId} not finished after ${options.timeoutMs} ms (state ${view.state})`);
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
    }
  }
}

/** One line of progress: `[#########-----------]  45/120 metrics  2 fallbacks  running`. */
export function progressLine(view: RunProgress, width = 30): string {
  const total = Math.max(view.metrics.total, 1);
  const filled = Math.round((view.metrics.done / total) * width);
  const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
  return `[${bar}] ${String(view.metrics.done).padStart(4)}/${view.metrics.total} metrics  ${view.metrics.fallbacks} fallbacks  ${view.state}`;
}
