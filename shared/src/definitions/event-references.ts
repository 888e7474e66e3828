/**
 * The rules between Internal Events metrics and the event dictionary (GitLab checks them in
 * spec/support/shared_examples for every metric definition): each event a metric counts is
 * defined and not removed, every filter names a property the event defines, and a unique count
 * names an identifier or property the event is tracked with.
 */
import type { DefinitionProblem } from '../errors';
import type { EventDefinition, EventIdentifier } from './event-definition';
import type { MetricDefinition, UniqueIdentifier } from './types';

const IDENTIFIER_OF: Partial<Record<UniqueIdentifier, EventIdentifier>> = {
  'user.id': 'user',
  'project.id': 'project',
  'namespace.id': 'namespace',
};

/** The problems of `definition`'s references to events; empty for other kinds. */
export function eventReferenceProblems(
  definition: MetricDefinition,
  events: ReadonlyMap<string, EventDefinition>,
): DefinitionProblem[] {
  const { spec } = definition;
  const problems: DefinitionProblem[] = [];
  const report = (field: string, message: string) =>
    problems.push({ file: definition.file, keyPath: definition.keyPath, field, message });
  const check = (
    event: string,
    filter: Readonly<Record<string, unknown>>,
    unique: UniqueIdentifier | undefined,
    fields: { name: string; filter: string; unique: string },
  ) => {
    const defined = events.get(event);
    if (!defined || defined.status === 'removed') {
      report(
        fields.name,
        `event '${event}' is ${defined ? 'removed' : 'not defined'} in the event dictionary (events/*.yml)`,
      );
      return;
    }
    for (const name of Object.keys(filter)) {
      if (!Object.hasOwn(defined.properties, name)) {
        report(
          `${fields.filter}/${name}`,
          `event '${event}' has no additional property '${name}' (${defined.file})`,
        );
      }
    }
    const identifier = unique && IDENTIFIER_OF[unique];
    const tracked = identifier
      ? defined.identifiers.includes(identifier)
      : !unique || Object.hasOwn(defined.properties, unique);
    if (!tracked) {
      report(fields.unique, `event '${event}' is not tracked with ${unique} (${defined.file})`);
    }
  };
  if (spec.kind === 'internal_events') {
    spec.selections.forEach((s, i) =>
      check(s.event, s.filter, s.unique, {
        name: `/events/${i}/name`,
        filter: `/events/${i}/filter`,
        unique: `/events/${i}/unique`,
      }),
    );
  } else if (spec.kind === 'aggregated' && spec.source === 'internal_events') {
    spec.events.forEach((event, i) =>
      check(event, {}, spec.unique, {
        name: `/options/events/${i}`,
        filter: '/options/events',
        unique: '/options/aggregate/attribute',
      }),
    );
  }
  return problems;
}
