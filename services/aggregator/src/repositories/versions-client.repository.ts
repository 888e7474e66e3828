import {
  errorText,
  isRetryableStatus,
  parseUsageDataAnswer,
  SubmissionError,
  type PayloadObject,
  type UsageDataAnswer,
  type WireTimingsMetadata,
} from '@servping/shared';

export interface VersionsClientOptions {
  baseUrl: string;
  timeoutMs: number;
}

/**
 * The three Versions endpoints an instance calls (GitLab's `ServicePing::SubmitService`,
 * `app/services/service_ping/submit_service.rb`). Every
 * failure is a `SubmissionError` whose `retryable` says whether trying again can help.
 */
export class VersionsClient {
  private readonly base: string;

  constructor(private readonly options: VersionsClientOptions) {
    // URL resolution drops the last path segment of a base without a trailing slash.
    this.base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
  }

  async postUsageData(payload: PayloadObject): Promise<UsageDataAnswer> {
    return parseUsageDataAnswer(await this.post('usage_data', payload));
  }

  async postMetadata(metadata: WireTimingsMetadata): Promise<void> {
    await this.post('usage_ping_metadata', { metadata });
  }

  async postError(body: unknown): Promise<void> {
    await this.post('usage_ping_errors', body);
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.base), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      // Refused connection, DNS failure, timeout: the network may come back.
      throw new SubmissionError(`POST /${path} failed: ${errorText(causeOf(err))}`, undefined, true);
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      throw new SubmissionError(
        `Unsuccessful response code: ${response.status}`,
        response.status,
        isRetryableStatus(response.status),
      );
    }
    return text ? parseJson(text) : undefined;
  }
}

function causeOf(err: unknown): unknown {
  return err instanceof Error && err.cause !== undefined ? err.cause : err;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
