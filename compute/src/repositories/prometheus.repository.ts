/**
 * A Prometheus HTTP API client for one instant query (`GET /api/v1/query`). GitLab's
 * PrometheusMetric reads the first sample's value as a float; so does this.
 */
export interface PrometheusQueryOptions {
  baseUrl: string;
  query: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Injected in tests; the global fetch otherwise. */
  fetchFn?: typeof fetch;
}

interface InstantQueryResponse {
  status?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

export async function prometheusInstantQuery(options: PrometheusQueryOptions): Promise<number> {
  const url = new URL(
    'api/v1/query',
    options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`,
  );
  url.searchParams.set('query', options.query);
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await (options.fetchFn ?? fetch)(url, { signal, headers: { accept: 'application/json' } });
  } catch (err) {
    if (timeout.aborted) {
      throw new Error(`Prometheus query timed out after ${options.timeoutMs} ms`, { cause: err });
    }
    throw err;
  }
  const body = (await response.json().catch(() => ({}))) as InstantQueryResponse;
  if (!response.ok || body.status !== 'success') {
    throw new Error(`Prometheus answered ${response.status}: ${body.error ?? 'no error text'}`);
  }
  return firstSampleValue(body.data);
}

/** `vector` → the first sample's value; `scalar` → its value. Anything else or empty fails. */
function firstSampleValue(data: InstantQueryResponse['data']): number {
  const result = data?.result;
  let pair: unknown;
  if (data?.resultType === 'vector' && Array.isArray(result)) {
    pair = (result[0] as { value?: unknown } | undefined)?.value;
  } else if (data?.resultType === 'scalar') {
    pair = result;
  }
  if (!Array.isArray(pair) || pair.length !== 2) {
    throw new Error(`Prometheus query returned no sample (result type ${data?.resultType ?? 'none'})`);
  }
  const value = Number.parseFloat(String(pair[1]));
  if (Number.isNaN(value)) throw new Error(`Prometheus sample is not a number: ${String(pair[1])}`);
  return value;
}
