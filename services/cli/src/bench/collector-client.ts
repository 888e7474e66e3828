/** The two admin API calls the bench makes: trigger a run and read its state. */

export interface RunState {
  id: string;
  state: 'planned' | 'running' | 'finished' | 'failed';
  error: string | null;
  finishedAt: string | null;
  metrics: { total: number; done: number; fallbacks: number; pending: number };
  shards: number;
  perMetric: Array<{ name: string; state: string; timeElapsedS?: number; error?: string }>;
}

async function call(url: string, token: string, init: RequestInit = {}): Promise<unknown> {
  const res = await fetch(url, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
  });
  const text = await res.text();
  if (!res.ok)
    throw new Error(`${init.method ?? 'GET'} ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

export async function triggerRun(collectorUrl: string, token: string): Promise<string> {
  const body = (await call(`${collectorUrl}/api/v1/runs`, token, {
    method: 'POST',
    body: JSON.stringify({ submit: true, requested_by: 'cli' }),
  })) as { runId?: string };
  if (typeof body.runId !== 'string')
    throw new Error(`trigger answered without a runId: ${JSON.stringify(body)}`);
  return body.runId;
}

export async function getRun(collectorUrl: string, token: string, runId: string): Promise<RunState> {
  return (await call(`${collectorUrl}/api/v1/runs/${encodeURIComponent(runId)}`, token)) as RunState;
}
