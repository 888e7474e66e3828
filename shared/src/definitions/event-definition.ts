/**
 * GitLab's event dictionary (`config/events/*.yml`, validated by `config/events/schema.json`):
 * one file per event that Internal Events track, naming the event (`action`), the identifiers
 * it is tracked with and the additional properties it may carry. servping accepts through its
 * tracking API only the events and properties defined here.
 */
import {
  nonEmptyStringSchema,
  nullableStringSchema,
  objectSchema,
  type OptionsSchema,
} from './definition-schema';

/** The identifiers an event may be tracked with (`identifiers` in GitLab's event schema). */
export const EVENT_IDENTIFIERS = [
  'project',
  'user',
  'namespace',
  'feature_enabled_by_namespace_ids',
] as const;
/** One of {@link EVENT_IDENTIFIERS}. */
export type EventIdentifier = (typeof EVENT_IDENTIFIERS)[number];

/**
 * GitLab's base additional properties, always of these types (Gitlab::Tracking::EventValidator's
 * BASE_ADDITIONAL_PROPERTIES); any other defined property is a custom one.
 */
export const BASE_PROPERTY_TYPES: Readonly<Record<string, 'string' | 'number'>> = {
  label: 'string',
  property: 'string',
  value: 'number',
};

/** One additional property of an event: what it holds. */
export interface EventPropertyYaml {
  description: string;
  type?: 'string' | 'number' | 'boolean';
}

/** One event definition file as written. */
export interface EventDefinitionYaml {
  description: string;
  category?: string;
  internal_events?: boolean;
  action: string;
  identifiers?: EventIdentifier[] | null;
  additional_properties?: Record<string, EventPropertyYaml>;
  extra_properties?: Record<string, unknown> | null;
  iglu_schema_url?: string | null;
  product_group: string;
  product_categories?: string[];
  product_section?: string;
  product_stage?: string;
  milestone?: string | null;
  introduced_by_url?: string | null;
  distributions?: ('ce' | 'ee')[];
  tiers?: ('free' | 'premium' | 'ultimate')[];
  status?: 'active' | 'removed';
  milestone_removed?: string;
  removed_by_url?: string;
  classification?: string;
}

/** Property names are identifiers, as GitLab's custom properties are Ruby keyword names. */
const PROPERTY_NAME = '^[a-z_][a-z0-9_]*$';

export const eventDefinitionSchema: OptionsSchema<EventDefinitionYaml> = objectSchema<EventDefinitionYaml>(
  {
    description: nonEmptyStringSchema,
    category: nonEmptyStringSchema,
    internal_events: { const: true },
    action: { type: 'string', pattern: '^[a-z0-9_]+$' },
    identifiers: { type: ['array', 'null'], items: { enum: [...EVENT_IDENTIFIERS] }, uniqueItems: true },
    additional_properties: {
      type: 'object',
      propertyNames: { pattern: PROPERTY_NAME },
      additionalProperties: objectSchema<EventPropertyYaml>(
        { description: nonEmptyStringSchema, type: { enum: ['string', 'number', 'boolean'] } },
        ['description'],
      ),
    },
    extra_properties: { type: ['object', 'null'] },
    iglu_schema_url: nullableStringSchema,
    product_group: nonEmptyStringSchema,
    product_categories: { type: 'array', items: nonEmptyStringSchema },
    product_section: nonEmptyStringSchema,
    product_stage: nonEmptyStringSchema,
    milestone: { type: ['string', 'null'], pattern: '^[0-9]+\\.[0-9]+$' },
    introduced_by_url: { type: ['string', 'null'], format: 'uri' },
    distributions: { type: 'array', items: { enum: ['ce', 'ee'] } },
    tiers: { type: 'array', items: { enum: ['free', 'premium', 'ultimate'] }, uniqueItems: true },
    status: { enum: ['active', 'removed'] },
    milestone_removed: nonEmptyStringSchema,
    removed_by_url: { type: 'string', format: 'uri' },
    classification: nonEmptyStringSchema,
  },
  ['description', 'action', 'product_group'],
);

/** One event of the dictionary, as the tracking API and the metric loader use it. */
export interface EventDefinition {
  /** The event's name (`action`), as tracked and as metrics' `events[].name` say it. */
  action: string;
  /** Path of the YAML file relative to the dictionary root. */
  file: string;
  identifiers: readonly EventIdentifier[];
  /** Defined additional properties and the type of each value. */
  properties: Readonly<Record<string, 'string' | 'number' | 'boolean'>>;
  /** A removed event is no longer tracked. */
  status: 'active' | 'removed';
}

/**
 * Whether a dictionary file is an event definition: it lies in a folder named `events`, as
 * GitLab's `config/events/` and `ee/config/events/` beside `config/metrics/`.
 */
export function isEventFile(path: string): boolean {
  return path.split('/').slice(0, -1).includes('events');
}
