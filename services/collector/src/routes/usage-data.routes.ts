import express, { type Router } from 'express';
import type { JSONSchemaType } from 'ajv';
import type { RawUsageDataRepository, RedisClient, SettingsRepository } from '@servping/runtime';
import {
  counterKey,
  definitionsToYaml,
  knownCounterKeys,
  knownEvents,
  type EventDefinition,
  type MetricDefinition,
  type TrackEventBody,
  MAX_EVENTS_PER_REQUEST,
} from '@servping/shared';
import type { DictionarySource } from '../dictionary/dictionary-source';
import { ApiError } from '../http/api-error';
import { requireScope, type TokenTable } from '../http/auth';
import { authThenJson } from '../http/json-body';
import { validateBody } from '../http/validate-body';
import { EventTracker } from '../repositories/event-tracking.repository';
import { planTracking, trackingDictionary, type TrackingDictionary } from '../tracking/tracking-plan';
import { nonSqlExport, queriesExport, type ExportFacts } from '../usage-data/export-shapes';

const trackEventSchema: JSONSchemaType<TrackEventBody> = {
  type: 'object',
  required: ['event'],
  additionalProperties: false,
  properties: {
    event: { type: 'string', minLength: 1, maxLength: 200 },
    namespace_id: { type: 'integer', nullable: true },
    project_id: { type: 'integer', nullable: true },
    user_id: { type: ['integer', 'string'], nullable: true, maxLength: 200 } as never,
    additional_properties: { type: 'object', nullable: true, required: [] },
    send_to_snowplow: { type: 'boolean', nullable: true },
  },
};

const trackEventsSchema: JSONSchemaType<{ events: TrackEventBody[] }> = {
  type: 'object',
  required: ['events'],
  additionalProperties: false,
  properties: { events: { type: 'array', items: trackEventSchema } },
};

const eventOnlySchema: JSONSchemaType<{ event: string }> = {
  type: 'object',
  required: ['event'],
  additionalProperties: false,
  properties: { event: { type: 'string', minLength: 1, maxLength: 200 } },
};

export interface UsageDataRoutesDeps {
  tokens: TokenTable;
  /** The dictionary, reloaded at most every few seconds (exports and tracking are public hot paths). */
  dictionary: DictionarySource;
  /** The event dictionary (GitLab's config/events), reloaded as `dictionary` is. */
  events: () => Promise<EventDefinition[]>;
  /** Cached load for the tracking hot path. */
  settings: SettingsRepository;
  payloads: RawUsageDataRepository;
  redis: RedisClient;
  clock: () => Date;
}

/** GitLab's `/api/v4/usage_data/*`: payload and dictionary exports, and the event tracking API. */
export function usageDataRoutes(deps: UsageDataRoutesDeps): Router {
  const router = express.Router();
  const admin = requireScope(deps.tokens, 'admin');
  const api = authThenJson(requireScope(deps.tokens, 'api'));

  let tracking:
    | {
        definitions: MetricDefinition[];
        events: EventDefinition[];
        tracker: EventTracker;
        dictionary: TrackingDictionary;
      }
    | undefined;
  const currentTracking = async () => {
    const [definitions, events] = await Promise.all([deps.dictionary(), deps.events()]);
    if (tracking?.definitions !== definitions || tracking.events !== events) {
      const legacyEvents = knownEvents(definitions);
      tracking = {
        definitions,
        events,
        tracker: new EventTracker({
          redis: deps.redis,
          knownEvents: legacyEvents,
          knownCounters: knownCounterKeys(definitions),
        }),
        dictionary: trackingDictionary(definitions, events, legacyEvents),
      };
    }
    return tracking;
  };
  const exportFacts = async (): Promise<ExportFacts> => {
    const s = await deps.settings.get();
    return { ...s, recordedAt: deps.clock() };
  };

  router.get('/service_ping', requireScope(deps.tokens, 'read_service_ping'), async (_req, res) => {
    res.json((await deps.payloads.latest())?.payload ?? {});
  });

  // Anonymous, as in GitLab: the dictionary is public documentation.
  router.get('/metric_definitions', async (req, res) => {
    const flag = req.query.include_paths;
    const includePaths = typeof flag === 'string' && ['true', '1'].includes(flag);
    const yaml = definitionsToYaml(await deps.dictionary(), { includePaths });
    res.type('application/yaml').send(yaml);
  });

  router.get('/queries', admin, async (_req, res) => {
    res.json(queriesExport(await deps.dictionary(), await exportFacts()));
  });

  router.get('/non_sql_metrics', admin, async (_req, res) => {
    const [definitions, facts, last] = await Promise.all([
      deps.dictionary(),
      exportFacts(),
      deps.payloads.latest(),
    ]);
    res.json(nonSqlExport(definitions, facts, last?.payload));
  });

  /** Checks every event, then writes: a request with one unknown event or property tracks nothing. */
  const track = async (bodies: readonly TrackEventBody[], tokenId: string | undefined) => {
    const { tracker, dictionary } = await currentTracking();
    const at = deps.clock();
    const plan = planTracking(bodies, dictionary, at, `token:${tokenId}`);
    await tracker.applyWrites(plan.writes);
    for (const { event, user } of plan.legacy) await tracker.trackUniqueEvent(event, [user], at);
  };

  router.post('/track_event', api, validateBody(trackEventSchema), async (req, res) => {
    await track([req.body as TrackEventBody], req.principal?.tokenId);
    res.json({ tracked: 1 });
  });

  router.post(
    '/track_events',
    api,
    (req, _res, next) => {
      const events = (req.body as { events?: unknown } | undefined)?.events;
      if (Array.isArray(events) && events.length > MAX_EVENTS_PER_REQUEST) {
        throw new ApiError(400, `Maximum ${MAX_EVENTS_PER_REQUEST} events allowed in one request.`);
      }
      next();
    },
    validateBody(trackEventsSchema),
    async (req, res) => {
      const { events } = req.body as { events: TrackEventBody[] };
      await track(events, req.principal?.tokenId);
      res.json({ tracked: events.length });
    },
  );

  router.post('/increment_counter', api, validateBody(eventOnlySchema), async (req, res) => {
    const { event } = req.body as { event: string };
    const definitions = await deps.dictionary();
    const counters = knownCounterKeys(definitions);
    // GitLab clients send the event name; the full key (USAGE_…) is accepted too.
    const key = [counterKey({ event }), event].find((k) => counters.has(k)) ?? counterKey({ event });
    const total = await (await currentTracking()).tracker.incrementCounter(key);
    res.json({ counter: key, total });
  });

  router.post('/increment_unique_users', api, validateBody(eventOnlySchema), async (req, res) => {
    await track([{ event: (req.body as { event: string }).event }], req.principal?.tokenId);
    res.json({ tracked: 1 });
  });

  return router;
}
