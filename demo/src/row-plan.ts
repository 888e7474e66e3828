/**
 * How `demo seed --rows N` spreads N rows over the instance tables. The shares follow the shape
 * of a real GitLab database: activity tables (events, notes, ci_builds) dwarf the entity tables,
 * and a few lookup tables (runners, clusters) stay tiny. Pure, so tests can check the database
 * against the same plan the seeder used.
 */
export const DEMO_TABLES = [
  'users',
  'namespaces',
  'projects',
  'integrations',
  'milestones',
  'labels',
  'issues',
  'merge_requests',
  'notes',
  'events',
  'todos',
  'boards',
  'lists',
  'ci_runners',
  'ci_pipelines',
  'ci_builds',
  'environments',
  'deployments',
  'releases',
  'packages_packages',
  'clusters',
] as const;
export type DemoTable = (typeof DEMO_TABLES)[number];

/** Share of the total per table, in per-mille; sums to 1000. */
const SHARE_PER_MILLE: Readonly<Record<DemoTable, number>> = {
  users: 20,
  namespaces: 24,
  projects: 20,
  integrations: 10,
  milestones: 5,
  labels: 15,
  issues: 60,
  merge_requests: 40,
  notes: 206,
  events: 260,
  todos: 50,
  boards: 3,
  lists: 9,
  ci_runners: 1,
  ci_pipelines: 50,
  ci_builds: 170,
  environments: 6,
  deployments: 30,
  releases: 5,
  packages_packages: 15,
  clusters: 1,
};

/**
 * Every table gets at least this many rows, so foreign keys always have something to point
 * at and the support bot plus a few humans exist even for `--rows 100`.
 */
const MIN_ROWS = 5;

export type RowPlan = Readonly<Record<DemoTable, number>>;

/** Row count per table for a total of `totalRows` (each floor(total × share), at least 5). */
export function planRowCounts(totalRows: number): RowPlan {
  if (!Number.isInteger(totalRows) || totalRows < 1) {
    throw new RangeError(`rows must be a positive integer, got ${totalRows}`);
  }
  const plan = {} as Record<DemoTable, number>;
  for (const table of DEMO_TABLES) {
    plan[table] = Math.max(MIN_ROWS, Math.floor((totalRows * SHARE_PER_MILLE[table]) / 1000));
  }
  return plan;
}

/** Sum of a plan's rows. */
export function plannedTotal(plan: RowPlan): number {
  return DEMO_TABLES.reduce((sum, table) => sum + plan[table], 0);
}
