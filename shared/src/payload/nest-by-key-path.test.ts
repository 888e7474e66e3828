import { KeyPathConflictError, nestByKeyPath } from './nest-by-key-path';

describe('nestByKeyPath', () => {
  it.each([
    ['a single top-level key', [['uuid', 'abc']], { uuid: 'abc' }],
    [
      'siblings under one branch',
      [
        ['counts.issues', 3],
        ['counts.projects', 2],
        ['database.adapter', 'postgresql'],
      ],
      { counts: { issues: 3, projects: 2 }, database: { adapter: 'postgresql' } },
    ],
    [
      'deep paths and an object value kept as a leaf',
      [
        ['usage_activity_by_stage.plan.issues', 5],
        ['counts.issues_by_state', { opened: 2, closed: 1 }],
        ['usage_activity_by_stage.create.merge_requests', 0],
      ],
      {
        usage_activity_by_stage: { plan: { issues: 5 }, create: { merge_requests: 0 } },
        counts: { issues_by_state: { opened: 2, closed: 1 } },
      },
    ],
    ['no entries', [], {}],
  ] as const)('nests %s', (_name, entries, expected) => {
    expect(nestByKeyPath(entries)).toEqual(expected);
  });

  it.each([
    [
      'a duplicate path',
      [
        ['counts.issues', 1],
        ['counts.issues', 2],
      ],
      'counts.issues',
      'counts.issues',
    ],
    [
      'a path below a leaf',
      [
        ['counts.issues', 1],
        ['counts.issues.open', 2],
      ],
      'counts.issues',
      'counts.issues.open',
    ],
    [
      'a leaf on a branch',
      [
        ['counts.issues.open', 2],
        ['counts.issues', 1],
      ],
      'counts.issues.open',
      'counts.issues',
    ],
    [
      'a path below an object value',
      [
        ['a.b', { x: 1 }],
        ['a.b.x', 2],
      ],
      'a.b',
      'a.b.x',
    ],
  ] as const)('rejects %s, naming both key paths', (_name, entries, first, second) => {
    let caught: unknown;
    try {
      nestByKeyPath(entries);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(KeyPathConflictError);
    expect(caught).toMatchObject({ first, second, code: 'SERVPING_AGGREGATION' });
    expect((caught as Error).message).toBe(`key_path ${second} conflicts with key_path ${first}`);
  });

  it.each(['', 'a..b', 'counts.', '__proto__.polluted'])('rejects the malformed key path %j', (keyPath) => {
    expect(() => nestByKeyPath([[keyPath, 1]])).toThrow(`invalid key_path ${JSON.stringify(keyPath)}`);
  });

  it('does not touch Object.prototype', () => {
    expect(() => nestByKeyPath([['constructor.prototype.x', 1]])).toThrow('invalid key_path');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
