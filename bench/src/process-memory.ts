/**
 * Peak and current resident memory of a process from `/proc/<pid>/status` (Linux only): VmHWM is
 * the resident high-water mark since the process started (or since its peak was last reset),
 * VmRSS the resident size now.
 */
import { readFile, writeFile } from 'node:fs/promises';

export interface ProcessMemory {
  peakRssMb: number;
  rssMb: number;
}

/** Parses the `VmHWM` and `VmRSS` lines (kB) of a status file; null when either is missing. */
export function parseProcStatus(status: string): ProcessMemory | null {
  const kb = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
    return match ? Number(match[1]) : undefined;
  };
  const peak = kb('VmHWM');
  const rss = kb('VmRSS');
  if (peak === undefined || rss === undefined) return null;
  return { peakRssMb: round1(peak / 1024), rssMb: round1(rss / 1024) };
}

/** Memory of `pid` (default: this process), or null when /proc cannot tell (exited, not Linux). */
export async function readProcessMemory(pid: number | 'self' = 'self'): Promise<ProcessMemory | null> {
  try {
    return parseProcStatus(await readFile(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Resets this process's VmHWM to its current RSS (`echo 5 > /proc/self/clear_refs`), so the peak
 * read after a mode belongs to that mode alone. Returns false where the kernel refuses it; the
 * peak then covers the whole bench process so far, and the report says so.
 */
export async function resetPeakMemory(): Promise<boolean> {
  try {
    await writeFile('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

const round1 = (n: number) => Math.round(n * 10) / 10;
