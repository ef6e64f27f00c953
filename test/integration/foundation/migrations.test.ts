import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { migrateDatabase } from '../../../src/db/migrate.js';

const server = inject('testServerUrl');
const name = `genjin_test_${inject('testRunId')}_mig_${randomBytes(4).toString('hex')}`;

describe('migrateDatabase', () => {
  afterAll(async () => {
    const c = await mysql.createConnection({ uri: `${server}/` });
    await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await c.end();
  });

  it('creates a missing database and every table, and is a no-op the second time (even concurrently)', async () => {
    await Promise.all([migrateDatabase(`${server}/${name}`), migrateDatabase(`${server}/${name}`)]);
    await migrateDatabase(`${server}/${name}`);

    const c = await mysql.createConnection({ uri: `${server}/${name}` });
    try {
      const [tables] = await c.query<mysql.RowDataPacket[]>(
        'SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name',
        [name],
      );
      const names = tables.map((r) => String(r.t));
      for (const t of [
        'workspaces',
        'users',
        'teams',
        'customers',
        'contacts',
        'follow_ups',
        'reminders',
        'assignments',
        'audit_log',
        'inbound_events',
        'outbox',
        'job_runs',
      ]) {
        expect(names).toContain(t);
      }
      const [columns] = await c.query<mysql.RowDataPacket[]>(
        "SELECT column_name AS c FROM information_schema.columns WHERE table_schema = ? AND table_name = 'follow_ups'",
        [name],
      );
      expect(columns.map((r) => String(r.c))).toContain('source_message_id');

      const [uniques] = await c.query<mysql.RowDataPacket[]>(
        'SELECT index_name AS i, GROUP_CONCAT(column_name ORDER BY seq_in_index) AS cols FROM information_schema.statistics WHERE table_schema = ? AND non_unique = 0 GROUP BY table_name, index_name',
        [name],
      );
      const keys = Object.fromEntries(uniques.map((r) => [String(r.i), String(r.cols)]));
      expect(keys['follow_ups_workspace_source_uq']).toBe('workspace_id,source_message_id');
      expect(keys['inbound_events_platform_event_uq']).toBe('platform,event_id');
      expect(keys['job_runs_job_slot_uq']).toBe('job,slot');
      expect(keys['reminders_customer_kind_day_uq']).toBe('customer_id,kind,due_date');

      const [applied] = await c.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM __drizzle_migrations');
      expect(Number(applied[0]?.n)).toBeGreaterThan(0);
      const [collation] = await c.query<mysql.RowDataPacket[]>('SELECT @@collation_database AS c');
      expect(collation[0]?.c).toBe('utf8mb4_unicode_ci');
    } finally {
      await c.end();
    }
  });

  it('fails with the server error when the database server cannot be reached', async () => {
    await expect(migrateDatabase('mysql://root@127.0.0.1:1/genjin_unreachable')).rejects.toThrow(
      /cannot reach the database server at 127.0.0.1:1 .*check DATABASE_URL/,
    );
  });
});
