import {
  classOptionsRule,
  specInvalid,
  specOk,
  withOptions,
  type DefinitionKind,
  type DefinitionYaml,
  type SchemaIssue,
  type SpecResult,
  type TimeFrame,
} from '@servping/shared';
import { redisHllOptionsSchema } from './options';

const REDIS_HLL_CLASS = 'RedisHLLMetric';

/** RedisHLLMetric: its events from `options.events` or `events[].name` (one of the two). */
export const redisHllDefinition: DefinitionKind = {
  classes: [REDIS_HLL_CLASS],
  schemaRules: [
    classOptionsRule(REDIS_HLL_CLASS, redisHllOptionsSchema, {
      dataSource: { const: 'redis_hll' },
      optional: true,
    }),
  ],
  resolve: ({ doc, timeFrame }) =>
    doc.options === undefined || doc.options === null
      ? redisHll(doc, undefined, timeFrame)
      : withOptions(redisHllOptionsSchema, doc, (options) => redisHll(doc, options.events, timeFrame)),
};

function redisHll(doc: DefinitionYaml, fromOptions: string[] | undefined, timeFrame: TimeFrame): SpecResult {
  const issues: SchemaIssue[] = [];
  const fromEvents = doc.events?.map((e) => e.name);
  if (fromOptions && fromEvents) {
    issues.push({
      field: '/events',
      message: 'give the events either in options.events or in events, not both',
    });
  }
  const events = fromOptions ?? fromEvents;
  if (!events) {
    issues.push({
      field: '/options/events',
      message: 'is required: RedisHLLMetric needs options.events or events[].name',
    });
  }
  const uniques = new Set((doc.events ?? []).map((e) => e.unique));
  if (uniques.size > 1) {
    issues.push({
      field: '/events',
      message: `all events must count the same unique attribute; got ${[...uniques].map((u) => u ?? 'none').join(', ')}`,
    });
  }
  if (timeFrame !== '7d' && timeFrame !== '28d') {
    issues.push({
      field: '/time_frame',
      message: `RedisHLLMetric counts ISO weeks: time_frame must be 7d or 28d; got ${timeFrame}`,
    });
  }
  if (issues.length > 0 || !events) return specInvalid(issues);
  return specOk({ kind: 'redis_hll', events: [...events] });
}
