/**
 * The servping mode's verdicts against the other modes (pure): its median wall time over each
 * baseline's, and issue #13's targets from every mode's figures.
 */
import { checkTargets } from './bench-targets';
import type { DatabaseLoad } from './database-load';
import type { BenchResult, Section } from './bench-result';
import type { ServpingRuns } from './servping-runs';

/** The wall time of a measured section, or null where it did not run. */
const wallOf = (section: unknown): number | null =>
  section && typeof section === 'object' && 'wallMs' in section
    ? (section as { wallMs: number }).wallMs
    : null;

/** The median wall time of a servping series, or null where no run finished. */
const medianWallOf = (section: Section<ServpingRuns>): number | null =>
  'spread' in section ? (section.spread.wallMs?.median ?? null) : null;

/** servping's median wall time over each baseline's, per worker count (null where either is missing). */
export function ratios(result: Pick<BenchResult, 'modes'>): BenchResult['ratios'] {
  const naive = wallOf(result.modes.naive);
  const gitlab = wallOf(result.modes.gitlab);
  const out: BenchResult['ratios'] = {};
  for (const [workers, section] of Object.entries(result.modes.servping)) {
    const servping = medianWallOf(section);
    const over = (base: number | null) =>
      servping !== null && base !== null && base > 0 ? Math.round((servping / base) * 1000) / 1000 : null;
    out[workers] = { overNaive: over(naive), overGitlab: over(gitlab) };
  }
  return out;
}

/** The measured load of a mode section, or undefined where it did not run or was not measured. */
const loadOf = (section: unknown): DatabaseLoad | undefined => {
  const load = section && typeof section === 'object' && 'load' in section ? section.load : undefined;
  return load && typeof load === 'object' && !('error' in load) ? (load as DatabaseLoad) : undefined;
};

/** Issue #13's targets for each servping worker count, from the figures in `result`. */
export function targetsOf(result: Pick<BenchResult, 'modes'>): BenchResult['targets'] {
  const naiveWall = wallOf(result.modes.naive);
  const gitlabWall = wallOf(result.modes.gitlab);
  const floorLoad = loadOf(result.modes.floor);
  const out: BenchResult['targets'] = {};
  for (const [workers, section] of Object.entries(result.modes.servping)) {
    out[workers] = checkTargets({
      ...(naiveWall !== null ? { naive: { wallMs: naiveWall } } : {}),
      ...(gitlabWall !== null ? { gitlab: { wallMs: gitlabWall } } : {}),
      ...(floorLoad ? { floor: { rowsRead: floorLoad.rowsRead, rowsVisited: floorLoad.rowsVisited } } : {}),
      ...('spread' in section
        ? {
            servping: {
              wallMs: section.spread.wallMs,
              rowsRead: section.spread.rowsRead,
              rowsVisited: section.spread.rowsVisited,
              longestStatementMs: section.spread.longestStatementMs,
              agreement: section.runs.map((r) => ('error' in r ? undefined : r.agreementWithNaive)),
            },
          }
        : {}),
    });
  }
  return out;
}
