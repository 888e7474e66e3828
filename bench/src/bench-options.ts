/** What one `servping bench` invocation measures and where (pure: built by the command). */

export interface BenchOptions {
  repoRoot: string;
  /** Total demo rows and data seed (`demo seed --rows --seed`). */
  rows: number;
  seed: number;
  /** Worker counts of the servping mode, one stack start per count and run. */
  workers: number[];
  /** Runs of the servping mode per worker count, each after a fresh ANALYZE. */
  servpingRuns: number;
  definitionsDir: string;
  /** PostgreSQL server URL without a database; the bench's databases are `<dbPrefix>…` on it. */
  pgUrl: string;
  dbPrefix: string;
  redisUrl: string;
  /** Largest HLL cardinality measured (a power of ten ≥ 10³). */
  hllMax: number;
  ingestSeconds: number;
  ingestConnections: number;
  queueMetrics: number;
  skip: {
    hll: boolean;
    floor: boolean;
    naive: boolean;
    gitlab: boolean;
    servping: boolean;
    queue: boolean;
    ingest: boolean;
  };
  outDir: string;
  /** Per-run limit for a servping run (trigger → payload stored). */
  runTimeoutS: number;
}

export interface BenchDatabases {
  instance: string;
  servping: string;
  versions: string;
  /** The server's `postgres` database: watches the instance's sessions without being one. */
  maintenance: string;
  /** The queue prefix of the bench's stacks, so they never share queues with a running servping. */
  queuePrefix: string;
}

export function benchDatabases(pgUrl: string, prefix: string): BenchDatabases {
  const at = (name: string) => {
    const url = new URL(pgUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  return {
    instance: at(`${prefix}_instance`),
    servping: at(prefix),
    versions: at(`${prefix}_versions`),
    maintenance: at('postgres'),
    queuePrefix: `{${prefix}}`,
  };
}

/** The default HLL ceiling: the power of ten at or below the row count, within 10³…10⁷. */
export function defaultHllMax(rows: number): number {
  const power = Math.floor(Math.log10(Math.max(rows, 1)));
  return 10 ** Math.min(7, Math.max(3, power));
}

/** `1e6` → "1e6", 20000 → "2e4", 1234 → "1234": short labels for file names and tables. */
export function scaleLabel(n: number): string {
  const exponent = Math.floor(Math.log10(n));
  const mantissa = n / 10 ** exponent;
  return exponent >= 3 && Number.isInteger(mantissa) ? `${mantissa}e${exponent}` : String(n);
}
