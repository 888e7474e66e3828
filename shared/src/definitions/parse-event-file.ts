/** One event definition file → the event it defines or the problems that stop it from loading. */
import type { DefinitionProblem } from '../errors';
import {
  BASE_PROPERTY_TYPES,
  eventDefinitionSchema,
  type EventDefinition,
  type EventDefinitionYaml,
} from './event-definition';
import type { DefinitionFile } from './parse-definition-file';
import { validateShape } from './schema-validator';
import { readYamlMapping } from './yaml-mapping';

/**
 * Parses and validates one event file. Never throws: a bad file yields no event and problems
 * naming the file, the event's action (where the problems' key_path goes) and the field.
 */
export function parseEventFile(file: DefinitionFile): {
  event?: EventDefinition;
  problems: DefinitionProblem[];
} {
  const read = readYamlMapping(file.path, file.text, 'action, description');
  if (read.problems) return { problems: read.problems };
  const action = typeof read.mapping.action === 'string' ? read.mapping.action : undefined;
  const issues = validateShape(eventDefinitionSchema, read.mapping);
  if (issues.length > 0) {
    return {
      problems: issues.map((issue) => ({
        file: file.path,
        ...(action ? { keyPath: action } : {}),
        field: issue.field,
        message: `${issue.message} (event definition, see docs/metric-definitions.md)`,
      })),
    };
  }
  const doc = read.mapping as unknown as EventDefinitionYaml;
  const properties = Object.fromEntries(
    Object.entries(doc.additional_properties ?? {}).map(([name, p]) => [
      name,
      (Object.hasOwn(BASE_PROPERTY_TYPES, name) ? BASE_PROPERTY_TYPES[name] : undefined) ??
        p.type ??
        'string',
    ]),
  );
  return {
    event: {
      action: doc.action,
      file: file.path,
      identifiers: doc.identifiers ?? [],
      properties,
      status: doc.status ?? 'active',
    },
    problems: [],
  };
}
