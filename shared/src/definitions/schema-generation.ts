/**
 * Which generation of GitLab's metric schema (`config/metrics/schema/base.json` and its history)
 * a definition file follows, read from the fields it carries. servping loads all three; the
 * validator reports the mix so an operator knows how old a dictionary is.
 */

/** The generations, oldest first. */
export const SCHEMA_GENERATIONS = ['first', 'distribution_tier', 'tiers'] as const;
/** One of {@link SCHEMA_GENERATIONS}. */
export type SchemaGeneration = (typeof SCHEMA_GENERATIONS)[number];

/** What each generation looks like, for people reading the validator's summary. */
export const SCHEMA_GENERATION_LABELS: Readonly<Record<SchemaGeneration, string>> = {
  first: 'first (2020-21: status data_available/implemented/not_used or data_source ruby)',
  distribution_tier: 'distribution + tier (2021-23)',
  tiers: 'current (tiers, milestone, introduced_by_url)',
};

const FIRST_STATUSES: ReadonlySet<unknown> = new Set(['data_available', 'implemented', 'not_used']);

/**
 * The generation of one parsed YAML document: `tiers` when it carries `tiers` (today's required
 * field), `first` when it uses a status or data source only the first schema had, else
 * `distribution_tier`. Never throws; any mapping has a generation.
 */
export function schemaGeneration(doc: Readonly<Record<string, unknown>>): SchemaGeneration {
  if (doc.tiers !== undefined) return 'tiers';
  if (FIRST_STATUSES.has(doc.status) || doc.data_source === 'ruby') return 'first';
  return 'distribution_tier';
}
