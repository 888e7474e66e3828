/**
 * What one tracking request writes: each event of the body is checked against the event
 * dictionary (or, for events without a definition, against the legacy Redis HLL events), then
 * turned into the Redis writes its metrics need. Pure: the route reads the dictionaries and the
 * clock, the tracker writes. Every event is checked before anything is written, so a request with
 * one bad event tracks nothing.
 */
import {
  eventWrites,
  ServpingError,
  trackedEventProblem,
  trackingRules,
  type EventDefinition,
  type EventIdentifier,
  type MetricDefinition,
  type PropertyValue,
  type RedisWrite,
  type TrackingRule,
  type TrackEventBody,
} from '@servping/shared';

/** The dictionaries a request is checked against, derived once per dictionary load. */
export interface TrackingDictionary {
  events: ReadonlyMap<string, EventDefinition>;
  rules: ReadonlyMap<string, TrackingRule[]>;
  /** Events of legacy redis_hll metrics (`knownEvents`): tracked as one unique user each. */
  legacyEvents: ReadonlySet<string>;
}

/** The tracking dictionary of a loaded metric and event dictionary. */
export function trackingDictionary(
  definitions: readonly MetricDefinition[],
  events: readonly EventDefinition[],
  legacyEvents: ReadonlySet<string>,
): TrackingDictionary {
  return {
    events: new Map(events.filter((e) => e.status === 'active').map((e) => [e.action, e])),
    rules: trackingRules(definitions),
    legacyEvents,
  };
}

/** What a request writes: Internal Events writes, and legacy events to add a user to. */
export interface TrackingPlan {
  writes: RedisWrite[];
  legacy: { event: string; user: string }[];
}

/**
 * The plan of `bodies` tracked at `at`; `tokenUser` is the user when a body names none. Throws
 * `SERVPING_UNKNOWN_EVENT` naming the first event or property the dictionaries do not define.
 */
export function planTracking(
  bodies: readonly TrackEventBody[],
  dictionary: TrackingDictionary,
  at: Date,
  tokenUser: string,
): TrackingPlan {
  const plan: TrackingPlan = { writes: [], legacy: [] };
  for (const body of bodies) {
    const defined = dictionary.events.get(body.event);
    const legacy = dictionary.legacyEvents.has(body.event);
    if (!defined && !legacy) {
      throw new ServpingError(
        'SERVPING_UNKNOWN_EVENT',
        `unknown event '${body.event}': not in the event dictionary, and no active or broken redis_hll metric counts it`,
      );
    }
    // A RedisHLLMetric may still count a defined event by its legacy weekly key, as GitLab's
    // key_overrides.yml keeps such metrics counting after their events moved to Internal Events.
    if (legacy) plan.legacy.push({ event: body.event, user: String(body.user_id ?? tokenUser) });
    if (!defined) continue;
    const properties = body.additional_properties ?? {};
    const named: EventIdentifier[] = [
      ...(body.user_id !== undefined ? (['user'] as const) : []),
      ...(body.project_id !== undefined ? (['project'] as const) : []),
      ...(body.namespace_id !== undefined ? (['namespace'] as const) : []),
    ];
    const problem = trackedEventProblem(defined, { identifiers: named, properties });
    if (problem) throw new ServpingError('SERVPING_UNKNOWN_EVENT', problem);
    const tracked = {
      event: body.event,
      // The request's user is the token's identity unless it names one (GitLab: current_user).
      ...(defined.identifiers.includes('user') ? { user: String(body.user_id ?? tokenUser) } : {}),
      ...(body.project_id !== undefined ? { project: String(body.project_id) } : {}),
      ...(body.namespace_id !== undefined ? { namespace: String(body.namespace_id) } : {}),
      // trackedEventProblem checked every value against its property's scalar type.
      properties: properties as Record<string, PropertyValue>,
    };
    plan.writes.push(...eventWrites(dictionary.rules.get(body.event) ?? [], tracked, at));
  }
  return plan;
}
