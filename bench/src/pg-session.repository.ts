import { Client } from 'pg';

/**
 * Runs `use` on a session of its own and always closes it. The bench opens short sessions on
 * purpose: a closed session has flushed its statistics (`database-load.repository.ts`) and holds
 * nothing the next mode could meet.
 */
export async function withPgSession<T>(
  url: string,
  applicationName: string,
  use: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ connectionString: url, application_name: applicationName });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
