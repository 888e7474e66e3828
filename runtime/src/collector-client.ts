/**
 * The one client of the collector's admin API (`/api/v1/runs`) and tracking API (`track_events`):
 * plain HTTP with an admin token, so the CLI drives a deployed collector exactly as the demo, the
 * bench and the tests drive a local one. Bodies are typed by `@servping/shared`'s `collector-api`,
 * the declarations the collector itself answers with.
 */
import {
  isRunOver,
  MAX_EVENTS_PER_REQUEST,
  type RunView,
  type TrackEventBody,
  type RequestedBy,
} from '@servping/shared';

/** A problem the collector found in the dictionary when asked to start a run (400). */
export interface RunProblem {
  file: string;
  field?: string;
  message: string;
}

/** The collector answered a trigger with something else than 202. */
export class RunNotStartedError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The run in progress (409). */
    readonly runningId: string | undefined,
    /** What is wrong with the dictionary (400). */
    readonly problems: readonly RunProblem[],
  ) {
    super(`run not started: ${status} ${message}`);
    this.name = 'RunNotStartedError';
  }
}

export interface WaitOptions {
  /** Whether the run submits: then it is over once sent, or once its first attempt failed. */
  submit: boolean;
  timeoutMs: number;
  intervalMs?: number;
  onProgress?: (view: RunView) => void;
}

export class CollectorClient {
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly adminToken: string,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** Starts a run; resolves to its id. Throws RunNotStartedError when the collector refuses. */
  async trigger(options: {
    submit: boolean;
    requestedBy: Extract<RequestedBy, 'api' | 'cli'>;
  }): Promise<string> {
    const { status, body } = await this.call('POST', '/api/v1/runs', {
      submit: options.submit,
      requested_by: options.requestedBy,
    });
    const answer = body as { runId?: unknown; message?: unknown; error?: unknown; problems?: unknown };
    if (status === 202 && typeof answer.runId === 'string') return answer.runId;
    const reason = [answer.message, answer.error].find((text) => typeof text === 'string');
    throw new RunNotStartedError(
      status,
      typeof reason === 'string' ? reason : JSON.stringify(body),
      typeof answer.runId === 'string' ? answer.runId : undefined,
      Array.isArray(answer.problems) ? (answer.problems as RunProblem[]) : [],
    );
  }

  /** The run view of `runId`. */
  async run(runId: string): Promise<RunView> {
    const path = `/api/v1/runs/${encodeURIComponent(runId)}`;
    const { status, body } = await this.call('GET', path);
    if (status !== 200) {
      throw new Error(`GET ${path} answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);
    }
    return body as RunView;
  }

  /** Polls the run view every `intervalMs` (default 250) until the run is over (`isRunOver`). */
  async waitForRun(runId: string, options: WaitOptions): Promise<RunView> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const view = await this.run(runId);
      options.onProgress?.(view);
      if (isRunOver(view, options.submit)) return view;
      if (Date.now() > deadline) {
        throw new Error(
          `run ${runId} still ${view.state} after ${options.timeoutMs / 1000} s; stopped waiting`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
    }
  }

  /**
   * Tracks `bodies` through the GitLab-compatible tracking API (`track_events`, at most 50 per
   * request as GitLab allows); throws on the first refused request.
   */
  async trackEvents(bodies: readonly TrackEventBody[]): Promise<void> {
    for (let i = 0; i < bodies.length; i += MAX_EVENTS_PER_REQUEST) {
      const events = bodies.slice(i, i + MAX_EVENTS_PER_REQUEST);
      const { status, body } = await this.call('POST', '/api/v4/usage_data/track_events', { events });
      if (status < 200 || status > 299)
        throw new Error(`track_events answered ${status}: ${JSON.stringify(body)}`);
    }
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }).catch((err: Error) => {
      const reason = (err.cause as Error | undefined)?.message ?? err.message;
      throw new Error(`cannot reach the collector at ${this.baseUrl}: ${reason}`, { cause: err });
    });
    const text = await res.text();
    try {
      return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as unknown) };
    } catch {
      return { status: res.status, body: { message: text.slice(0, 300) } };
    }
  }
}
