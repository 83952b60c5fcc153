import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { runningPlatform, unique } from '../helpers/platform.js';

let url: string;

beforeAll(async () => {
  url = (await runningPlatform()).postgres.url;
});

describe('PostgreSQL', () => {
  it('accepts queries in the pipeline database', async () => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      const table = unique('it_pg').replace(/-/g, '_');
      await client.query(`create table ${table} (id text primary key, amount numeric(18,4))`);
      await client.query(`insert into ${table} values ($1, $2), ($3, $4) on conflict (id) do update set amount = excluded.amount`, [
        'a',
        '1.5',
        'b',
        '2.25',
      ]);
      const r = await client.query<{ total: string }>(`select sum(amount)::text as total from ${table}`);
      expect(r.rows[0]!.total).toBe('3.7500');
      const db = await client.query<{ db: string; usr: string }>('select current_database() as db, current_user as usr');
      expect(db.rows[0]).toEqual({ db: 'streamctl', usr: 'streamctl' });
      await client.query(`drop table ${table}`);
    } finally {
      await client.end();
    }
  });
});
