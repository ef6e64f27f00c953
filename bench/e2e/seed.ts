// A fresh database for the service (its own MariaDB account, so that per-account statement counters
// hold only its statements) and workspaces seeded directly with SQL before the run.
import type mysql from 'mysql2/promise';
import { normalizeCustomerName } from '../../src/domain/customers/normalize-name.js';
import { createNamePool, type Random } from '../../test/helpers/note-texts.js';

export const SERVICE_USER = 'genjin_e2e';
const SERVICE_PASSWORD = 'e2e-bench';

export type SeededWorkspace = {
  platform: 'feishu' | 'wecom';
  externalId: string;
  id: number;
  reps: string[];
  /** Per rep (same index as `reps`), the names of the customers they own. */
  ownCustomers: string[][];
  poolCustomers: string[];
  names: ReturnType<typeof createNamePool>;
};

/**
 * Creates `database` and an account that may use only it; returns the service's DATABASE_URL: over
 * TCP on loopback, or over the server's Unix socket when `socketPath` is given (an account at
 * `localhost`, as MySQL names socket clients).
 */
export async function createBenchDatabase(root: mysql.Connection, database: string, socketPath?: string): Promise<string> {
  await root.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  for (const host of ['127.0.0.1', 'localhost']) {
    await root.query(`CREATE USER IF NOT EXISTS '${SERVICE_USER}'@'${host}' IDENTIFIED BY '${SERVICE_PASSWORD}'`);
    await root.query(`GRANT ALL PRIVILEGES ON \`${database}\`.* TO '${SERVICE_USER}'@'${host}'`);
  }
  return socketPath
    ? `mysql://${SERVICE_USER}:${SERVICE_PASSWORD}@localhost/${database}?socketPath=${encodeURIComponent(socketPath)}`
    : `mysql://${SERVICE_USER}:${SERVICE_PASSWORD}@127.0.0.1:3306/${database}`;
}

/** Batches of rows as one multi-row INSERT each. */
async function insertRows(conn: mysql.Connection, table: string, columns: string[], rows: unknown[][]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += 1000) {
    const batch = rows.slice(i, i + 1000);
    const [res] = await conn.query<mysql.ResultSetHeader>(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ?`, [batch]);
    for (let k = 0; k < batch.length; k++) ids.push(res.insertId + k);
  }
  return ids;
}

/**
 * One workspace: `reps` active reps with names, `customers` customers of which a quarter sit in the
 * pool and the rest are spread over the reps, last touched over the past 90 days.
 */
export async function seedWorkspace(
  conn: mysql.Connection,
  o: { platform: 'feishu' | 'wecom'; externalId: string; reps: number; customers: number; userPrefix: string; random: Random },
): Promise<SeededWorkspace> {
  const now = new Date();
  const [ws] = await conn.query<mysql.ResultSetHeader>(
    'INSERT INTO workspaces (platform, external_id, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
    [o.platform, o.externalId, `bench ${o.externalId}`, now, now],
  );
  const workspaceId = ws.insertId;
  const reps = Array.from({ length: o.reps }, (_, i) => `${o.userPrefix}${String(i).padStart(5, '0')}`);
  const repIds = await insertRows(
    conn,
    'users',
    ['workspace_id', 'platform_user_id', 'name', 'role', 'active', 'created_at', 'updated_at'],
    reps.map((id, i) => [workspaceId, id, `销售${i}`, 'rep', 1, now, now]),
  );
  const names = createNamePool(o.customers, o.random);
  const ownCustomers: string[][] = reps.map(() => []);
  const poolCustomers: string[] = [];
  const rows = names.seeded.map((name, i) => {
    const pooled = i % 4 === 0;
    const rep = (i >> 2) % reps.length;
    if (pooled) poolCustomers.push(name);
    else ownCustomers[rep]?.push(name);
    const touched = new Date(now.getTime() - o.random.int(90 * 86_400_000));
    return [
      workspaceId,
      name,
      normalizeCustomerName(name),
      o.random.pick(['lead', 'qualified', 'proposal', 'negotiation']),
      '[]',
      'CNY',
      pooled ? null : repIds[rep],
      pooled ? touched : null,
      touched,
      touched,
      touched,
    ];
  });
  await insertRows(
    conn,
    'customers',
    [
      'workspace_id',
      'name',
      'normalized_name',
      'stage',
      'tags',
      'currency',
      'owner_user_id',
      'pooled_at',
      'last_follow_up_at',
      'created_at',
      'updated_at',
    ],
    rows,
  );
  return { platform: o.platform, externalId: o.externalId, id: workspaceId, reps, ownCustomers, poolCustomers, names };
}

/** The source message ids among `ids` that have a follow-up row, by status. */
export async function storedFollowUps(conn: mysql.Connection, ids: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 5000) {
    const [rows] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT source_message_id AS id, status FROM follow_ups WHERE source_message_id IN (?)',
      [ids.slice(i, i + 5000)],
    );
    for (const r of rows) found.set(String(r.id), String(r.status));
  }
  return found;
}

/** Inbox rows not finished yet (received, or failed and waiting for a retry), and outbox rows not sent yet (the backlog). */
export async function backlog(conn: mysql.Connection): Promise<{ inbox: number; outbox: number }> {
  const [[inbox]] = await conn.query<mysql.RowDataPacket[]>(
    "SELECT COUNT(*) AS n FROM inbound_events WHERE status IN ('received', 'failed')",
  );
  const [[outbox]] = await conn.query<mysql.RowDataPacket[]>("SELECT COUNT(*) AS n FROM outbox WHERE status IN ('pending', 'sending')");
  return { inbox: Number(inbox?.n ?? 0), outbox: Number(outbox?.n ?? 0) };
}
