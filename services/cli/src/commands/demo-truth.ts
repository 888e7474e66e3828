/**
 * `servping demo truth`: the exact value of every database metric of a dictionary, each from one
 * plain unbatched query against INSTANCE_DATABASE_URL — the reference the counting engine is
 * checked against.
 */
import { commonEnv, readEnv } from '@servping/shared';
import { createPgPool } from '@servping/runtime';
import { parseFlags, UsageError, type Command } from '../command';
import { loadDefinitionsOrReport } from '../load-definitions';
import { computeGroundTruth } from '@servping/demo';

const FLAGS = {
  definitions: { type: 'string' },
  now: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const USAGE = `usage: servping demo truth --definitions <dir> [--now <ISO time>] [--json]

Computes every active database metric of the dictionary in <dir> with one exact, unbatched
query each (COUNT(DISTINCT) for estimates) against INSTANCE_DATABASE_URL, with the 7d/28d
windows fixed at --now (default: the current time).

  --definitions <dir>   metric dictionary root (e.g. shared/metrics)
  --now <ISO time>      the run's recorded_at the windows are relative to
  --json                print one JSON object { key_path: value } instead of lines
`;

export const demoTruthCommand: Command = {
  name: 'demo truth',
  summary: 'Exact values of the database metrics, one plain query each',
  usage: USAGE,
  async run(args, io) {
    const { flags } = parseFlags(args, FLAGS);
    if (!flags.definitions) throw new UsageError('--definitions <dir> is required');
    const now = flags.now === undefined ? new Date() : new Date(flags.now);
    if (Number.isNaN(now.getTime())) throw new UsageError(`--now expects an ISO time, got "${flags.now}"`);
    const { instanceDatabaseUrl } = readEnv(io.env, { instanceDatabaseUrl: commonEnv.instanceDatabaseUrl });

    const definitions = await loadDefinitionsOrReport(flags.definitions, io.stderr);
    if (!definitions) return 1;

    const pool = createPgPool({
      connectionString: instanceDatabaseUrl,
      applicationName: 'servping-demo-truth',
      max: 1,
    });
    try {
      const truth = await computeGroundTruth(pool, definitions, now);
      if (flags.json) {
        io.stdout.write(`${JSON.stringify(truth, null, 2)}\n`);
      } else {
        for (const [keyPath, value] of Object.entries(truth)) {
          io.stdout.write(
            `${keyPath} ${typeof value === 'object' ? JSON.stringify(value) : String(value)}\n`,
          );
        }
      }
      return 0;
    } finally {
      await pool.end();
    }
  },
};
