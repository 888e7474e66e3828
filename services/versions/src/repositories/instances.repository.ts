import type { Knex } from 'knex';

export interface InstanceRow {
  uuid: string;
  hostname: string;
  first_ping_at: Date;
  last_ping_at: Date;
  last_recorded_at: Date;
  last_version: string;
  edition: string | null;
  installation_type: string | null;
  license_plan: string | null;
  ping_count: number;
}

/** The analysts' reads of `instances` and their pings. */
export class InstancesRepository {
  constructor(private readonly db: Knex) {}

  /** Instances, most recently heard from first; `staleSince` keeps only those silent since then. */
  async listInstances(options: { limit: number; offset: number; staleSince?: Date }): Promise<InstanceRow[]> {
    const query = this.db('instances')
      .select(
        'uuid',
        'hostname',
        'first_ping_at',
        'last_ping_at',
        'last_recorded_at',
        'last_version',
        'edition',
        'installation_type',
        'license_plan',
        'ping_count',
      )
      .orderBy([{ column: 'last_ping_at', order: 'desc' }, { column: 'id' }])
      .limit(options.limit)
      .offset(options.offset);
    if (options.staleSince) query.where('last_ping_at', '<', options.staleSince);
    return query;
  }

  /** The pings of one instance, newest first, without payloads; null when the uuid is unknown. */
  async listPings(uuid: string, options: { limit: number }): Promise<Array<Record<string, unknown>> | null> {
    // id is a bigserial, which pg returns as text.
    const instance = await this.db<{ id: string; uuid: string }>('instances')
      .select('id')
      .where({ uuid })
      .first();
    if (!instance) return null;
    return this.db('usage_data as u')
      .leftJoin('conversational_development_indices as c', 'c.usage_data_id', 'u.id')
      .select(
        'u.id as usage_data_id',
        'u.recorded_at',
        'u.received_at',
        'u.version',
        'u.edition',
        'u.active_user_count',
        'u.duplicate_count',
        // payload is json (as sent), so a key sent twice is listed twice: count each once, as jsonb did.
        this.db.raw(
          `(SELECT count(DISTINCT k)::int FROM json_object_keys(u.payload -> 'counts') k) AS count_keys`,
        ),
        'c.reported as score_reported',
      )
      .where('u.instance_id', instance.id)
      .orderBy([
        { column: 'u.recorded_at', order: 'desc' },
        { column: 'u.id', order: 'desc' },
      ])
      .limit(options.limit);
  }
}
