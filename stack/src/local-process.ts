/**
 * Process plumbing shared by the PostgreSQL and Redis servers started on this machine: running a
 * helper program to its end, and waiting for a daemon's pid to go away.
 */
import { spawn } from 'node:child_process';

/** A server started (or found still running) by servping in its state folder. */
export interface LocalServer {
  /** URL of the server: `postgres://root@127.0.0.1:<port>` or `redis://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** Folder holding its data and log. */
  dir: string;
  stop(): Promise<void>;
}

/** The user a program runs as (root starting PostgreSQL runs it as `postgres`). */
export interface RunAs {
  uid: number;
  gid: number;
}

/** Runs `command` to its end; resolves to its exit code and combined output. Detached, so a
 * daemon it leaves behind (pg_ctl's postmaster, redis-server) is not in the terminal's process
 * group: Ctrl-C reaches the demo, which then stops the servers in order. */
export function runToEnd(
  command: string,
  args: readonly string[],
  runAs?: RunAs,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...runAs, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, owned by another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}
