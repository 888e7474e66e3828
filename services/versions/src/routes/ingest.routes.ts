import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '@servping/runtime';
import { BodyReadError, drainRequest, readJsonBody } from '../http/read-body';
import type { VersionsMetrics } from '../http/versions-metrics';
import type { NumericLeaves } from '../ingest/numeric-leaves';
import { toUsageDataFacts } from '../ingest/usage-data-facts';
import type { BodyByEndpoint, BodyValidator, IngestEndpoint, RejectionReason } from '../ingest/validate-body';
import type { MetricKeySetsRepository } from '../repositories/metric-key-sets.repository';
import type { MetricKeysRepository } from '../repositories/metric-keys.repository';
import type { PingDiagnosticsRepository } from '../repositories/ping-diagnostics.repository';
import type { UsageDataRepository } from '../repositories/usage-data.repository';
import { perUserValues } from '../scoring/devops-score';

export interface IngestRouteOptions {
  usageData: Pick<UsageDataRepository, 'storePing'>;
  pingDiagnostics: Pick<PingDiagnosticsRepository, 'storeMetadata' | 'storePingError'>;
  metricKeys: Pick<MetricKeysRepository, 'pingMetricValuesOf'>;
  metricKeySets: Pick<MetricKeySetsRepository, 'keySetIdOf'>;
  validate: BodyValidator;
  metrics: VersionsMetrics;
  logger: Logger;
  bodyLimitBytes: number;
  now: () => Date;
}

/** The one place a refusal reason becomes an HTTP status. */
const STATUS_BY_REASON: Record<RejectionReason, number> = {
  invalid_json: 400,
  forbidden_key: 422,
  non_finite_number: 422,
  number_out_of_range: 422,
  too_deep: 422,
  too_many_keys: 422,
  invalid_string: 422,
  schema: 422,
};

/** A refused body is read (and dropped) up to this many times the limit, so the client can read the 413. */
const DRAIN_FACTOR = 4;

/**
 * The three public endpoints GitLab's SubmitService calls. Each reads and validates the whole
 * body before anything touches the database, so a refused body writes nothing.
 */
export function createIngestRouter(options: IngestRouteOptions): Router {
  const router = express.Router();
  const { usageData, pingDiagnostics, metricKeys, metricKeySets, metrics, now } = options;

  // `/usage_data/upload` takes a payload downloaded from an offline instance and carried here by
  // `servping upload` (GitLab's manual upload, 14.8+): the same validation, and the same row for
  // the same uuid + recorded_at, however often it is uploaded or was also sent.
  router.post(
    ['/usage_data', '/usage_data/upload'],
    ingest(options, 'usage_data', async (body, res, { text, leaves }) => {
      const receivedAt = now();
      const metricValues = await metricKeys.pingMetricValuesOf(leaves);
      const keySetId = await metricKeySets.keySetIdOf(metricValues.keyIds);
      const stored = await usageData.storePing({
        facts: toUsageDataFacts(body),
        payloadText: text,
        payload: body,
        metricValues,
        keySetId,
        perUser: perUserValues(body),
        receivedAt,
      });
      metrics.ingest.inc({ endpoint: 'usage_data', outcome: stored.created ? 'stored' : 'duplicate' });
      options.logger.info(
        { uuid: body.uuid, usageDataId: stored.usageDataId, created: stored.created },
        'usage data stored',
      );
      res
        .status(stored.created ? 201 : 200)
        .json({ conv_index: { usage_data_id: stored.usageDataId, ...stored.score } });
    }),
  );

  router.post(
    '/usage_ping_metadata',
    ingest(options, 'usage_ping_metadata', async (body, res) => {
      const { metadataId } = await pingDiagnostics.storeMetadata({
        uuid: body.metadata.uuid,
        metrics: body.metadata.metrics.map((m) => ({
          name: m.name,
          timeElapsedS: m.time_elapsed,
          error: m.error ?? null,
          batchSizeKept: m.batch_size_kept ?? null,
          pass:
            m.pass === undefined
              ? null
              : { id: m.pass, statements: m.pass_statements ?? null, rows: m.pass_rows ?? null },
        })),
        receivedAt: now(),
      });
      metrics.ingest.inc({ endpoint: 'usage_ping_metadata', outcome: 'stored' });
      res.status(201).json({ id: metadataId });
    }),
  );

  router.post(
    '/usage_ping_errors',
    ingest(options, 'usage_ping_errors', async (body, res) => {
      const { errorId } = await pingDiagnostics.storePingError({
        occurredAt: new Date(body.error.time),
        uuid: body.error.uuid,
        hostname: body.error.hostname,
        version: body.error.version,
        message: body.error.message,
        elapsedS: body.error.elapsed,
        receivedAt: now(),
      });
      metrics.ingest.inc({ endpoint: 'usage_ping_errors', outcome: 'stored' });
      res.status(201).json({ id: errorId });
    }),
  );

  return router;
}

/** Read → validate → handle, turning every refusal into a 4xx with the failing paths. */
function ingest<E extends IngestEndpoint>(
  options: IngestRouteOptions,
  endpoint: E,
  /** `text` is the body as received (decompressed), already validated as `body`, whose numeric leaves are `leaves`. */
  handle: (
    body: BodyByEndpoint[E],
    res: Response,
    received: { text: string; leaves: NumericLeaves },
  ) => Promise<void>,
) {
  const { metrics } = options;
  const refuse = (res: Response, status: number, reason: string, message: string, errors?: unknown[]) => {
    metrics.ingest.inc({ endpoint, outcome: 'rejected' });
    metrics.rejections.inc({ endpoint, reason });
    res.status(status).json({ error: reason, message, ...(errors ? { errors } : {}) });
  };
  return async (req: Request, res: Response) => {
    let text: string;
    try {
      text = await readJsonBody(req, options.bodyLimitBytes);
    } catch (err) {
      if (!(err instanceof BodyReadError)) throw err;
      if (err.reason === 'aborted') {
        metrics.rejections.inc({ endpoint, reason: 'aborted' });
        return;
      }
      if (err.status === 413) {
        await drainRequest(req, DRAIN_FACTOR * options.bodyLimitBytes);
        res.set('Connection', 'close');
      }
      return refuse(res, err.status, err.reason, err.message);
    }
    const result = options.validate(endpoint, text);
    if (!result.ok) {
      const message = result.reason === 'invalid_json' ? 'body is not valid JSON' : 'body failed validation';
      return refuse(res, STATUS_BY_REASON[result.reason], result.reason, message, result.problems);
    }
    try {
      await handle(result.body, res, { text, leaves: result.leaves });
    } catch (err) {
      metrics.ingest.inc({ endpoint, outcome: 'failed' });
      throw err;
    }
  };
}
