/**
 * `servping definitions validate` end to end on real directories: a good dictionary, a broken
 * one, a missing one and an oversized file, through `runCli` dispatch as an operator runs it.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { definitionsValidateCommand } from '../../src/commands/definitions-validate';
import { runCaptured } from '../support/captured-io';

const run = (args: string[]) => runCaptured(args);

const HEADER = `product_group: project_management
value_type: number
status: active
milestone: "17.0"
introduced_by_url: https://gitlab.example/mr/1
data_category: optional
tiers: [free]
`;

const GOOD: Record<string, string> = {
  'counts_all/20240101000000_issues.yml': `key_path: counts.issues
description: Count of issues
${HEADER}time_frame: all
data_source: database
instrumentation_class: DatabaseMetric
options: { operation: count, table: issues }
`,
  'counts_28d/20240101000001_issue_authors.yaml': `key_path: usage_activity_by_stage.plan.issue_authors
description: Distinct issue authors
${HEADER}time_frame: [28d, all]
data_source: database
options:
  operation: distinct_count
  table: issues
  column: author_id
`,
  'counts_all/20240101000002_pushes.yml': `key_path: counts.source_code_pushes
description: Git pushes
${HEADER}time_frame: all
data_source: redis
instrumentation_class: RedisMetric
options: { event: pushes, prefix: source_code }
`,
  'counts_all/20240101000003_ruby.yml': `key_path: counts.users_creating_issues
description: Users creating issues
${HEADER}time_frame: 28d
data_source: database
instrumentation_class: CountUsersCreatingIssuesMetric
`,
  'README.md': 'not a definition',
};

describe('servping definitions validate', () => {
  let root: string;
  let good: string;
  let broken: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'servping-definitions-validate-'));
    good = join(root, 'good');
    broken = join(root, 'broken');
    for (const [path, text] of Object.entries(GOOD)) {
      await mkdir(join(good, path, '..'), { recursive: true });
      await writeFile(join(good, path), text);
    }
    await mkdir(join(broken, 'counts_all'), { recursive: true });
    await writeFile(join(broken, 'counts_all/a.yml'), GOOD['counts_all/20240101000000_issues.yml'] as string);
    await writeFile(join(broken, 'counts_all/b.yml'), GOOD['counts_all/20240101000000_issues.yml'] as string);
    await writeFile(
      join(broken, 'counts_all/c.yml'),
      `key_path: counts.bad
description: Bad table
${HEADER}time_frame: all
data_source: database
options: { operation: count, table: issues, filters: [{ column: projects.id, op: eq, value: 1 }] }
`,
    );
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('summarises a valid dictionary and exits 0', async () => {
    const result = await run(['definitions', 'validate', good]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        '5 definitions loaded from 4 files; 0 problems',
        'by kind: database 3, redis_counter 1, unsupported 1',
        'by data source: database 4, redis 1',
        'by status: active 5',
        'files by GitLab schema generation: current (tiers, milestone, introduced_by_url) 4',
        'unsupported (1):',
        '  counts.users_creating_issues (counts_all/20240101000003_ruby.yml): instrumentation class CountUsersCreatingIssuesMetric is Ruby code in GitLab; servping runs only declarative classes (DatabaseMetric, RedisMetric, RedisHLLMetric, AggregatedMetric, NumbersMetric, SettingMetric, LicenseMetric, PrometheusMetric and the system classes)',
        '',
      ].join('\n'),
    );
  });

  it('prints every problem as "file [key_path] /field: message" and exits 1', async () => {
    const result = await run(['definitions', 'validate', broken]);
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')).toEqual([
      'counts_all/c.yml [counts.bad] /options/filters/0/column: table "projects" is neither the main table nor joined before this point (expected one of: issues)',
      'counts_all/b.yml [counts.issues] /key_path: duplicate key_path: also defined in counts_all/a.yml',
      '',
    ]);
    expect(result.stdout.split('\n')[0]).toBe('1 definition loaded from 3 files; 2 problems');
  });

  it('rejects a definition file over 256 KiB, naming it', async () => {
    const big = join(root, 'big');
    await mkdir(big);
    await writeFile(join(big, 'huge.yml'), `# ${'x'.repeat(256 * 1024)}\n`);
    const result = await run(['definitions', 'validate', big]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'huge.yml: is 262147 bytes; a definition file may be at most 262144 bytes (256 KiB)\n',
    );
  });

  it('fails on a missing directory and on a directory without definitions', async () => {
    const missing = await run(['definitions', 'validate', join(root, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^servping definitions validate: cannot read metric dictionary .*nope: ENOENT\n$/,
    );
    const empty = join(root, 'empty');
    await mkdir(empty);
    const none = await run(['definitions', 'validate', empty]);
    expect([none.code, none.stderr]).toEqual([1, `no .yml or .yaml files under ${empty}\n`]);
  });

  it('answers usage errors with exit 2 and the usage text', async () => {
    const result = await run(['definitions', 'validate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expected one dictionary directory; got 0 arguments');
    expect(result.stderr).toContain('usage: servping definitions validate <dir>');
    const unknownFlag = await run(['definitions', 'validate', good, '--strict']);
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toContain('unknown flag --strict');
  });

  it('is reachable directly as a Command for other tooling', async () => {
    const { code, stdout } = await runCaptured([good], {}, definitionsValidateCommand);
    expect(code).toBe(0);
    expect(stdout).toContain('5 definitions loaded from 4 files');
  });
});
