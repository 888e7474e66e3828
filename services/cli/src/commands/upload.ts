/**
 * `servping upload <file>`: the other half of the console's "Download payload". An instance that
 * cannot reach Versions collects only; its operator downloads the payload and, from a machine that
 * can, uploads the file with this command (GitLab's manual upload of a downloaded payload, 14.8+).
 */
import { readFile, stat } from 'node:fs/promises';
import { parseFlags, UsageError, type Command } from '../command';

const USAGE = `usage: servping upload <file> [--versions-url <url>]

Uploads a payload downloaded from the collector's console to Versions (POST /usage_data/upload)
and prints the usage_data_id Versions stored it under. Versions checks it as it checks a payload
sent by an instance; uploading the same file again answers the same id and stores nothing new.
  --versions-url <url>  Versions base URL (default: VERSIONS_URL, else http://127.0.0.1:3001)`;

/** Versions refuses larger bodies by default (VERSIONS_BODY_LIMIT_BYTES); fail before sending. */
const MAX_FILE_BYTES = 10 * 1024 * 1024;

interface Refusal {
  error?: string;
  message?: string;
  errors?: { path: string; message: string }[];
}

async function readPayloadFile(file: string): Promise<string> {
  const info = await stat(file).catch((err: NodeJS.ErrnoException) => {
    throw new Error(`cannot read ${file}: ${err.code ?? err.message}`);
  });
  if (!info.isFile()) throw new Error(`${file} is not a file`);
  if (info.size > MAX_FILE_BYTES)
    throw new Error(`${file} is ${info.size} bytes; the limit is ${MAX_FILE_BYTES}`);
  const text = await readFile(file, 'utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new Error(`${file} must hold one JSON object (a downloaded payload)`);
  }
  return text;
}

export const uploadCommand: Command = {
  name: 'upload',
  summary: 'upload a downloaded payload file to Versions (offline instances)',
  usage: USAGE,
  async run(args, io) {
    const { flags, positionals } = parseFlags(args, { 'versions-url': { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError('give exactly one payload file');
    const file = positionals[0] as string;
    const base = (flags['versions-url'] ?? io.env.VERSIONS_URL ?? 'http://127.0.0.1:3001').replace(
      /\/+$/,
      '',
    );
    const body = await readPayloadFile(file);
    const res = await fetch(`${base}/usage_data/upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body,
    }).catch((err: Error) => {
      throw new Error(
        `cannot reach Versions at ${base}: ${(err.cause as Error | undefined)?.message ?? err.message}`,
      );
    });
    const answer = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (res.status !== 200 && res.status !== 201) {
      const refusal = answer as Refusal;
      const problems = (refusal.errors ?? []).map((p) => `\n  ${p.path || '(body)'}: ${p.message}`);
      io.stderr.write(
        `${file} refused: ${res.status} ${refusal.error ?? ''} ${refusal.message ?? ''}`.trimEnd() +
          `${problems.join('')}\n`,
      );
      return 1;
    }
    const convIndex = (answer.conv_index ?? {}) as Record<string, unknown>;
    const { usage_data_id: id, ...score } = convIndex;
    io.stdout.write(
      res.status === 201
        ? `uploaded ${file}: stored as usage_data_id ${String(id)}\n`
        : `uploaded ${file}: already stored as usage_data_id ${String(id)} (nothing new)\n`,
    );
    if (Object.keys(score).length > 0) io.stdout.write(`DevOps score: ${JSON.stringify(score)}\n`);
    return 0;
  },
};
