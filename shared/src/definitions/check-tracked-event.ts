/**
 * Whether a tracked occurrence fits its event definition, as GitLab's
 * Gitlab::Tracking::EventValidator checks it: only defined additional properties, each of its
 * type, and only the identifiers the event is defined with.
 */
import type { EventDefinition, EventIdentifier } from './event-definition';

/** What the tracking API received for one event, before it becomes a `TrackedEvent`. */
export interface TrackedInput {
  /** The identifiers the request named explicitly. */
  identifiers: readonly EventIdentifier[];
  properties: Readonly<Record<string, unknown>>;
}

/** Why `input` does not fit `definition`, or undefined when it does. */
export function trackedEventProblem(definition: EventDefinition, input: TrackedInput): string | undefined {
  const undeclared = input.identifiers.filter((id) => !definition.identifiers.includes(id));
  if (undeclared.length > 0) {
    return `event '${definition.action}' is not tracked with ${undeclared.map((id) => `${id}_id`).join(', ')} (its identifiers: ${definition.identifiers.join(', ') || 'none'}; ${definition.file})`;
  }
  for (const [name, value] of Object.entries(input.properties)) {
    const type = Object.hasOwn(definition.properties, name) ? definition.properties[name] : undefined;
    if (type === undefined) {
      const known = Object.keys(definition.properties);
      return `event '${definition.action}' has no additional property '${name}' (defined: ${known.join(', ') || 'none'}; ${definition.file})`;
    }
    if (typeof value !== type) {
      return `additional property '${name}' of event '${definition.action}' must be a ${type}; got ${JSON.stringify(value)}`;
    }
  }
  return undefined;
}
