/**
 * The row generators of the demo instance: for each table, the SELECT list that turns an id of
 * `generate_series` into a row. Values are hashes of (seed, table, column, id) (see
 * random-sql.ts), so a table can recompute another table's column for a foreign id: a build
 * takes its pipeline's project and user, a deployment its environment's project, a note the
 * project of the issue or merge request it is on.
 */
import { createdAtSql, laterSql, TableRandom } from './random-sql';
import { RowValues } from './row-values-sql';
import type { DemoTable, RowPlan } from './row-plan';

export interface TableRowsSql {
  table: DemoTable;
  columns: string[];
  /** SQL expressions over the columns of `from`, one per column; `$1` is `now`. */
  expressions: string[];
  /** The FROM item: ids `$2..$3` with the values each row computes once. */
  from: string;
}

const DAY_S = 86_400;
const ID = RowValues.ID;

/** The support bot (GitLab's `User.support_bot`, user_type 1) authors service desk issues. */
export const SUPPORT_BOT_USER_ID = 1;

const lit = (text: string) => `'${text}'`;

/**
 * Expressions shared by several tables, each a function of a row id expression, for the
 * generator of one table (whose per-row values collect in `rowValues`).
 */
class InstanceShape {
  readonly userNamespaces: number;
  private readonly randoms = new Map<string, TableRandom>();

  constructor(
    readonly seed: number,
    readonly plan: RowPlan,
    private readonly rowValues: RowValues,
  ) {
    this.userNamespaces = Math.max(1, Math.min(plan.users, Math.floor(plan.namespaces * 0.8)));
  }

  random(table: DemoTable): TableRandom {
    let random = this.randoms.get(table);
    if (!random) {
      random = new TableRandom(this.seed, table, this.rowValues);
      this.randoms.set(table, random);
    }
    return random;
  }

  /** A human user, skewed so that a core of heavy users authors most activity (never the bot). */
  humanUser(table: DemoTable, column: string, id: string): string {
    return `(1 + ${this.random(table).skewed(column, id, this.plan.users - 1, 2)})`;
  }

  /** A project, heavily skewed: a few huge projects, a long tail of small ones. */
  busyProject(table: DemoTable, column: string, id: string): string {
    return this.random(table).skewed(column, id, this.plan.projects, 3);
  }

  group(table: DemoTable, column: string, id: string): string {
    const groups = Math.max(1, this.plan.namespaces - this.userNamespaces);
    return `(${this.userNamespaces} + ${this.random(table).pick(column, id, groups)})`;
  }

  issueProject = (id: string) => this.busyProject('issues', 'project_id', id);
  mergeRequestProject = (id: string) => this.busyProject('merge_requests', 'target_project_id', id);
  pipelineProject = (id: string) => this.busyProject('ci_pipelines', 'project_id', id);
  pipelineUser = (id: string) => this.humanUser('ci_pipelines', 'user_id', id);
  environmentProject = (id: string) =>
    this.random('environments').skewed('project_id', id, this.plan.projects, 2);
  issueIsServiceDesk = (id: string) => this.random('issues').chance('service_desk', id, 0.02);

  /** `expression` over {@link RowValues.INNER_ID}, computed once per row. */
  perRow(expression: string): string {
    return this.rowValues.once(expression);
  }

  /** Computed once per row: it also fills updated_at and bounds the later timestamps. */
  createdAt(table: DemoTable): string {
    return this.rowValues.once(createdAtSql(this.random(table), RowValues.INNER_ID, this.plan[table]));
  }
}

type Columns = Record<string, string>;

const GENERATORS: Record<DemoTable, (shape: InstanceShape) => Columns> = {
  users: (s) => {
    const r = s.random('users');
    const created = s.createdAt('users');
    return {
      id: ID,
      username: `'user' || ${ID}`,
      state: `CASE WHEN ${ID} = ${SUPPORT_BOT_USER_ID} THEN 'active' ELSE ${r.choice('state', ID, [
        [lit('active'), 0.9],
        [lit('blocked'), 0.07],
        [lit('deactivated'), 0.03],
      ])} END`,
      user_type: `CASE WHEN ${ID} = ${SUPPORT_BOT_USER_ID} THEN 1 WHEN ${r.chance('bot', ID, 0.03)} THEN 6 ELSE 0 END`,
      admin: `(${ID} = 2 OR ${r.chance('admin', ID, 0.002)})`,
      last_activity_on: `(${laterSql(r, 'last_activity_on', ID, created, 365 * DAY_S)})::date`,
      created_at: created,
      updated_at: created,
    };
  },
  namespaces: (s) => {
    const r = s.random('namespaces');
    const isUser = `${ID} <= ${s.userNamespaces}`;
    const created = s.createdAt('namespaces');
    return {
      id: ID,
      name: `'namespace' || ${ID}`,
      path: `'namespace-' || ${ID}`,
      type: `CASE WHEN ${isUser} THEN 'User' ELSE 'Group' END`,
      owner_id: `CASE WHEN ${isUser} THEN ${ID} END`,
      // A third of groups are subgroups of an older group.
      parent_id: `CASE WHEN NOT (${isUser}) AND ${ID} > ${s.userNamespaces + 1} AND ${r.chance('subgroup', ID, 0.3)}
        THEN ${s.userNamespaces + 1} + floor((${ID} - ${s.userNamespaces + 1}) * ${r.uniform('parent_id', ID)})::bigint END`,
      visibility_level: r.choice('visibility_level', ID, [
        ['0', 0.6],
        ['10', 0.2],
        ['20', 0.2],
      ]),
      created_at: created,
      updated_at: created,
    };
  },
  projects: (s) => {
    const r = s.random('projects');
    const created = s.createdAt('projects');
    return {
      id: ID,
      name: `'project' || ${ID}`,
      path: `'project-' || ${ID}`,
      namespace_id: r.skewed('namespace_id', ID, s.plan.namespaces, 2),
      creator_id: s.humanUser('projects', 'creator_id', ID),
      visibility_level: r.choice('visibility_level', ID, [
        ['0', 0.55],
        ['10', 0.2],
        ['20', 0.25],
      ]),
      archived: r.chance('archived', ID, 0.05),
      service_desk_enabled: r.chance('service_desk_enabled', ID, 0.1),
      last_activity_at: laterSql(r, 'last_activity_at', ID, created, 365 * DAY_S),
      created_at: created,
      updated_at: created,
    };
  },
  integrations: (s) => {
    const r = s.random('integrations');
    const created = s.createdAt('integrations');
    return {
      id: ID,
      project_id: r.pick('project_id', ID, s.plan.projects),
      type_new: r.choice('type_new', ID, [
        [lit('Integrations::Prometheus'), 0.25],
        [lit('Integrations::Jira'), 0.25],
        [lit('Integrations::Slack'), 0.2],
        [lit('Integrations::Asana'), 0.1],
        [lit('Integrations::Mattermost'), 0.1],
        [lit('Integrations::Datadog'), 0.1],
      ]),
      active: r.chance('active', ID, 0.7),
      category: `'common'`,
      created_at: created,
      updated_at: created,
    };
  },
  milestones: (s) => {
    const r = s.random('milestones');
    const created = s.createdAt('milestones');
    return {
      id: ID,
      project_id: r.skewed('project_id', ID, s.plan.projects, 2),
      group_id: 'NULL',
      title: `'v' || ${ID}`,
      state: r.choice('state', ID, [
        [lit('active'), 0.6],
        [lit('closed'), 0.4],
      ]),
      due_date: `(${laterSql(r, 'due_date', ID, created, 90 * DAY_S)})::date`,
      created_at: created,
      updated_at: created,
    };
  },
  labels: (s) => {
    const r = s.random('labels');
    const created = s.createdAt('labels');
    const onProject = r.chance('owner', ID, 0.8);
    return {
      id: ID,
      project_id: `CASE WHEN ${onProject} THEN ${r.pick('project_id', ID, s.plan.projects)} END`,
      group_id: `CASE WHEN NOT ${onProject} THEN ${s.group('labels', 'group_id', ID)} END`,
      title: `'label' || ${ID}`,
      type: `CASE WHEN ${onProject} THEN 'ProjectLabel' ELSE 'GroupLabel' END`,
      created_at: created,
      updated_at: created,
    };
  },
  issues: (s) => {
    const r = s.random('issues');
    const created = s.createdAt('issues');
    const serviceDesk = s.issueIsServiceDesk(ID);
    const closed = r.chance('state', ID, 0.65);
    return {
      id: ID,
      project_id: s.issueProject(ID),
      author_id: `CASE WHEN ${serviceDesk} THEN ${SUPPORT_BOT_USER_ID} ELSE ${s.humanUser('issues', 'author_id', ID)} END`,
      milestone_id: `CASE WHEN ${r.chance('has_milestone', ID, 0.3)} THEN ${r.pick('milestone_id', ID, s.plan.milestones)} END`,
      iid: `${ID}::integer`,
      state_id: `CASE WHEN ${closed} THEN 2 ELSE 1 END`,
      confidential: r.chance('confidential', ID, 0.05),
      weight: `CASE WHEN ${r.chance('has_weight', ID, 0.4)} THEN ${r.pick('weight', ID, 8)} END`,
      issue_type: r.choice('issue_type', ID, [
        ['0', 0.9],
        ['1', 0.05],
        ['4', 0.05],
      ]),
      service_desk_reply_to: `CASE WHEN ${serviceDesk} THEN 'customer' || ${ID} || '@example.com' END`,
      closed_at: `CASE WHEN ${closed} THEN ${laterSql(r, 'closed_at', ID, created, 60 * DAY_S)} END`,
      created_at: created,
      updated_at: created,
    };
  },
  merge_requests: (s) => {
    const r = s.random('merge_requests');
    const created = s.createdAt('merge_requests');
    const project = s.mergeRequestProject(ID);
    return {
      id: ID,
      target_project_id: project,
      source_project_id: project,
      author_id: s.humanUser('merge_requests', 'author_id', ID),
      milestone_id: `CASE WHEN ${r.chance('has_milestone', ID, 0.2)} THEN ${r.pick('milestone_id', ID, s.plan.milestones)} END`,
      iid: `${ID}::integer`,
      state_id: r.choice('state_id', ID, [
        ['1', 0.15],
        ['2', 0.15],
        ['3', 0.65],
        ['4', 0.05],
      ]),
      draft: r.chance('draft', ID, 0.1),
      created_at: created,
      updated_at: created,
    };
  },
  notes: (s) => {
    const r = s.random('notes');
    const created = s.createdAt('notes');
    const kind = r.uniform('noteable_type', ID);
    const issue = r.pick('issue', ID, s.plan.issues);
    const mergeRequest = r.pick('merge_request', ID, s.plan.merge_requests);
    return {
      id: ID,
      project_id: `CASE WHEN ${kind} < 0.5 THEN ${s.issueProject(issue)} WHEN ${kind} < 0.9 THEN ${s.mergeRequestProject(mergeRequest)} ELSE ${s.busyProject('notes', 'project_id', ID)} END`,
      author_id: s.humanUser('notes', 'author_id', ID),
      noteable_type: `CASE WHEN ${kind} < 0.5 THEN 'Issue' WHEN ${kind} < 0.9 THEN 'MergeRequest' ELSE 'Commit' END`,
      noteable_id: `CASE WHEN ${kind} < 0.5 THEN ${issue} WHEN ${kind} < 0.9 THEN ${mergeRequest} END`,
      system: r.chance('system', ID, 0.3),
      created_at: created,
      updated_at: created,
    };
  },
  events: (s) => {
    const r = s.random('events');
    const created = s.createdAt('events');
    const action = r.uniform('action', ID);
    return {
      id: ID,
      project_id: s.busyProject('events', 'project_id', ID),
      author_id: s.humanUser('events', 'author_id', ID),
      target_type: `CASE WHEN ${action} < 0.45 THEN NULL WHEN ${action} < 0.75 THEN 'Issue' WHEN ${action} < 0.9 THEN 'Note' ELSE 'MergeRequest' END`,
      target_id: `CASE WHEN ${action} >= 0.45 THEN ${r.pick('target_id', ID, s.plan.issues)} END`,
      // 5 pushed, 1 created, 6 commented, 3 closed, 7 merged (GitLab's Event actions).
      action: `CASE WHEN ${action} < 0.45 THEN 5 WHEN ${action} < 0.65 THEN 1 WHEN ${action} < 0.9 THEN 6 WHEN ${action} < 0.95 THEN 3 ELSE 7 END`,
      created_at: created,
      updated_at: created,
    };
  },
  todos: (s) => {
    const r = s.random('todos');
    const created = s.createdAt('todos');
    return {
      id: ID,
      user_id: s.humanUser('todos', 'user_id', ID),
      author_id: s.humanUser('todos', 'author_id', ID),
      project_id: s.busyProject('todos', 'project_id', ID),
      target_type: `CASE WHEN ${r.chance('target_type', ID, 0.6)} THEN 'Issue' ELSE 'MergeRequest' END`,
      target_id: r.pick('target_id', ID, s.plan.issues),
      action: r.choice('action', ID, [
        ['1', 0.4],
        ['2', 0.4],
        ['4', 0.1],
        ['5', 0.1],
      ]),
      state: `CASE WHEN ${r.chance('state', ID, 0.7)} THEN 'done' ELSE 'pending' END`,
      created_at: created,
      updated_at: created,
    };
  },
  boards: (s) => {
    const r = s.random('boards');
    const created = s.createdAt('boards');
    return {
      id: ID,
      project_id: r.skewed('project_id', ID, s.plan.projects, 2),
      group_id: 'NULL',
      name: `'Development'`,
      created_at: created,
      updated_at: created,
    };
  },
  lists: (s) => {
    const r = s.random('lists');
    const created = s.createdAt('lists');
    const listType = r.choice('list_type', ID, [
      ['0', 0.2],
      ['1', 0.6],
      ['2', 0.2],
    ]);
    return {
      id: ID,
      board_id: r.pick('board_id', ID, s.plan.boards),
      label_id: `CASE WHEN ${listType} = 1 THEN ${r.pick('label_id', ID, s.plan.labels)} END`,
      list_type: listType,
      position: `CASE WHEN ${listType} = 1 THEN (${ID} % 10)::integer END`,
      created_at: created,
      updated_at: created,
    };
  },
  ci_runners: (s) => {
    const r = s.random('ci_runners');
    const created = s.createdAt('ci_runners');
    return {
      id: ID,
      runner_type: r.choice('runner_type', ID, [
        ['1', 0.2],
        ['2', 0.3],
        ['3', 0.5],
      ]),
      active: r.chance('active', ID, 0.85),
      contacted_at: laterSql(r, 'contacted_at', ID, created, 1000 * DAY_S),
      created_at: created,
      updated_at: created,
    };
  },
  ci_pipelines: (s) => {
    const r = s.random('ci_pipelines');
    const created = s.createdAt('ci_pipelines');
    const duration = `(10 + floor(3000 * power(${r.uniform('duration', ID)}, 2)))::integer`;
    return {
      id: ID,
      project_id: s.pipelineProject(ID),
      user_id: s.pipelineUser(ID),
      ref: r.choice('ref', ID, [
        [lit('main'), 0.6],
        [lit('develop'), 0.2],
        [lit('feature'), 0.2],
      ]),
      status: r.choice('status', ID, [
        [lit('success'), 0.7],
        [lit('failed'), 0.18],
        [lit('canceled'), 0.07],
        [lit('running'), 0.05],
      ]),
      // GitLab's Ci::Pipeline sources: 1 push, 2 web, 3 trigger, 4 schedule, 5 api, 6 external.
      source: r.choice('source', ID, [
        ['1', 0.6],
        ['2', 0.1],
        ['3', 0.05],
        ['4', 0.1],
        ['5', 0.1],
        ['6', 0.05],
      ]),
      // 1 repository_source, 2 auto_devops_source, 4 remote_source.
      config_source: r.choice('config_source', ID, [
        ['1', 0.85],
        ['2', 0.1],
        ['4', 0.05],
      ]),
      duration: `CASE WHEN ${r.chance('finished', ID, 0.9)} THEN ${duration} END`,
      created_at: created,
      updated_at: created,
      finished_at: `CASE WHEN ${r.chance('finished', ID, 0.9)} THEN ${created} + make_interval(secs => ${duration}) END`,
    };
  },
  ci_builds: (s) => {
    const r = s.random('ci_builds');
    const created = s.createdAt('ci_builds');
    // Builds are generated in pipeline order, about plan.ci_builds / plan.ci_pipelines per pipeline.
    // Integer division is floor() of the exact quotient, without numeric arithmetic (3× the cost
    // of the whole row otherwise); computed once per row, it feeds three columns.
    const pipeline = s.perRow(
      `least(${s.plan.ci_pipelines}, 1 + (${RowValues.INNER_ID} - 1) * ${s.plan.ci_pipelines} / ${s.plan.ci_builds})`,
    );
    return {
      id: ID,
      commit_id: pipeline,
      project_id: s.pipelineProject(pipeline),
      user_id: s.pipelineUser(pipeline),
      runner_id: `CASE WHEN ${r.chance('has_runner', ID, 0.9)} THEN ${r.pick('runner_id', ID, s.plan.ci_runners)} END`,
      type: r.choice('type', ID, [
        [lit('Ci::Build'), 0.85],
        [lit('Ci::Bridge'), 0.05],
        [lit('GenericCommitStatus'), 0.1],
      ]),
      name: r.choice('name', ID, [
        [lit('rspec'), 0.35],
        [lit('build'), 0.2],
        [lit('lint'), 0.2],
        [lit('test'), 0.15],
        [lit('deploy'), 0.1],
      ]),
      stage: `'test'`,
      status: r.choice('status', ID, [
        [lit('success'), 0.75],
        [lit('failed'), 0.15],
        [lit('canceled'), 0.05],
        [lit('skipped'), 0.05],
      ]),
      created_at: created,
      updated_at: created,
      finished_at: laterSql(r, 'finished_at', ID, created, 3600),
    };
  },
  environments: (s) => {
    const r = s.random('environments');
    const created = s.createdAt('environments');
    return {
      id: ID,
      project_id: s.environmentProject(ID),
      name: r.choice('name', ID, [
        [lit('production'), 0.4],
        [lit('staging'), 0.3],
        [`'review/branch-' || ${ID}`, 0.3],
      ]),
      state: `CASE WHEN ${r.chance('stopped', ID, 0.25)} THEN 'stopped' ELSE 'available' END`,
      // Drawn from the name's uniform: production is tier 0, staging 1, review apps 3.
      tier: r.choice('name', ID, [
        ['0', 0.4],
        ['1', 0.3],
        ['3', 0.3],
      ]),
      created_at: created,
      updated_at: created,
    };
  },
  deployments: (s) => {
    const r = s.random('deployments');
    const created = s.createdAt('deployments');
    const environment = r.skewed('environment_id', ID, s.plan.environments, 2);
    return {
      id: ID,
      project_id: s.environmentProject(environment),
      environment_id: environment,
      user_id: s.humanUser('deployments', 'user_id', ID),
      iid: `${ID}::integer`,
      ref: `'main'`,
      // 1 running, 2 success, 3 failed, 4 canceled (GitLab's Deployment statuses).
      status: r.choice('status', ID, [
        ['2', 0.75],
        ['3', 0.15],
        ['4', 0.05],
        ['1', 0.05],
      ]),
      created_at: created,
      updated_at: created,
      finished_at: laterSql(r, 'finished_at', ID, created, 1800),
    };
  },
  releases: (s) => {
    const created = s.createdAt('releases');
    return {
      id: ID,
      project_id: s.random('releases').skewed('project_id', ID, s.plan.projects, 2),
      author_id: s.humanUser('releases', 'author_id', ID),
      tag: `'v1.' || ${ID}`,
      released_at: created,
      created_at: created,
      updated_at: created,
    };
  },
  packages_packages: (s) => {
    const r = s.random('packages_packages');
    const created = s.createdAt('packages_packages');
    return {
      id: ID,
      project_id: r.skewed('project_id', ID, s.plan.projects, 2),
      creator_id: s.humanUser('packages_packages', 'creator_id', ID),
      name: `'package-' || (${ID} % 1000)`,
      version: `'1.0.' || ${ID}`,
      // 1 maven, 2 npm, 3 conan, 4 nuget, 5 pypi, 6 composer, 7 generic.
      package_type: r.choice('package_type', ID, [
        ['1', 0.25],
        ['2', 0.3],
        ['3', 0.05],
        ['4', 0.1],
        ['5', 0.15],
        ['6', 0.05],
        ['7', 0.1],
      ]),
      status: `CASE WHEN ${r.chance('hidden', ID, 0.05)} THEN 1 ELSE 0 END`,
      created_at: created,
      updated_at: created,
    };
  },
  clusters: (s) => {
    const r = s.random('clusters');
    const created = s.createdAt('clusters');
    return {
      id: ID,
      user_id: s.humanUser('clusters', 'user_id', ID),
      management_project_id: `CASE WHEN ${r.chance('managed', ID, 0.2)} THEN ${r.pick('management_project_id', ID, s.plan.projects)} END`,
      // 0 user-provided, 1 GKE, 2 EKS.
      provider_type: r.choice('provider_type', ID, [
        ['0', 0.5],
        ['1', 0.3],
        ['2', 0.2],
      ]),
      platform_type: '1',
      cluster_type: r.choice('cluster_type', ID, [
        ['1', 0.1],
        ['2', 0.3],
        ['3', 0.6],
      ]),
      enabled: r.chance('enabled', ID, 0.85),
      name: `'cluster-' || ${ID}`,
      created_at: created,
      updated_at: created,
    };
  },
};

/** The row generator of every table for one seed and plan. */
export function tableRowsSql(seed: number, plan: RowPlan): Record<DemoTable, TableRowsSql> {
  const out = {} as Record<DemoTable, TableRowsSql>;
  for (const [table, generate] of Object.entries(GENERATORS) as [
    DemoTable,
    (s: InstanceShape) => Columns,
  ][]) {
    const rowValues = new RowValues();
    const columns = generate(new InstanceShape(seed, plan, rowValues));
    out[table] = {
      table,
      columns: Object.keys(columns),
      expressions: Object.values(columns),
      from: rowValues.fromSql(),
    };
  }
  return out;
}

/**
 * The INSERT of ids `$2..$3` of one table; `$1` is `now`. Chunks of one table can run on
 * different connections because every value depends only on its id.
 */
export function insertChunkSql(rows: TableRowsSql): string {
  return (
    `INSERT INTO "${rows.table}" (${rows.columns.map((c) => `"${c}"`).join(', ')}) ` +
    `SELECT ${rows.expressions.join(',\n  ')}\n  FROM ${rows.from}`
  );
}
