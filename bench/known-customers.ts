// The known-customer lookup a note costs with 2,000 customers in a workspace:
// `npm run bench:known-customers [-- --lookups 2000]` (MariaDB/MySQL at BENCH_DATABASE_URL).
import { cpus } from 'node:os';
import { and, desc, eq, isNull, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { createDb } from '../src/db/client.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { customerAliases, customers, users, workspaces } from '../src/db/schema/index.js';
import { createCustomerNameCache } from '../src/domain/customers/customer-name-cache.js';
import { normalizeCustomerName } from '../src/domain/customers/normalize-name.js';
import { parseNote } from '../src/domain/notes/index.js';
import { corpusNotes, customerNames } from './customer-names.js';

const url = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/genjin_bench_known';
const lookups = Number(process.argv[process.argv.indexOf('--lookups') + 1]) || 2000;
const CUSTOMERS = 2000;
const MINUTE = 60_000;

await migrateDatabase(url);
// One connection, so the session's `Questions` counter sees every statement the lookup sends.
const { db, close } = createDb(url, 1);
const now = new Date();
const [ws] = await db
  .insert(workspaces)
  .values({ platform: 'bench', externalId: `known-${now.getTime()}`, name: 'bench', createdAt: now, updatedAt: now });
const workspaceId = ws.insertId;
const addUser = async (id: string) =>
  (await db.insert(users).values({ workspaceId, platformUserId: id, role: 'rep', createdAt: now, updatedAt: now }))[0].insertId;
const rep = await addUser(`rep-${now.getTime()}`);
const other = await addUser(`other-${now.getTime()}`);
const names = customerNames(CUSTOMERS);
const rows = names.map((name, i) => ({
  workspaceId,
  name,
  normalizedName: normalizeCustomerName(name),
  tags: [],
  ownerUserId: [rep, other, null][i % 3],
  lastFollowUpAt: new Date(now.getTime() - i * MINUTE),
  createdAt: new Date(now.getTime() - 30 * 24 * 60 * MINUTE),
  updatedAt: new Date(now.getTime() - (i + 10) * MINUTE),
}));
for (let i = 0; i < rows.length; i += 500)
  await db
    .insert(customers)
    .ignore()
    .values(rows.slice(i, i + 500));
const ids = await db.select({ id: customers.id, name: customers.name }).from(customers).where(eq(customers.workspaceId, workspaceId));
// One customer in ten has an alias.
const aliases = ids
  .filter((_, i) => i % 10 === 0)
  .map((c, i) => ({ workspaceId, customerId: c.id, alias: `别名${i}`, normalizedAlias: `别名${i}`, createdAt: now }));
await db.insert(customerAliases).values(aliases);

const questionsRow = z.array(z.object({ Value: z.coerce.number() }));
async function questions(): Promise<number> {
  const [result] = await db.execute(sql`show session status like 'Questions'`);
  return questionsRow.parse(result)[0]?.Value ?? 0;
}
const showCost = -(await questions()) + (await questions());

/** Runs `lookup` `lookups` times (after `prepare`, not measured); statements, list length and time per call. */
async function measure(label: string, lookup: () => Promise<unknown>, prepare?: () => Promise<unknown>): Promise<void> {
  const times: number[] = [];
  let statements = 0;
  let rowsRead = 0;
  for (let i = 0; i < lookups; i++) {
    await prepare?.();
    const before = await questions();
    const t0 = performance.now();
    const found = await lookup();
    rowsRead += Array.isArray(found) ? found.length : 0;
    times.push(performance.now() - t0);
    statements += (await questions()) - before - showCost;
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => ((times[Math.floor(times.length * p)] ?? 0) * 1000).toFixed(0);
  console.log(
    `${label.padEnd(46)} ${(statements / lookups).toFixed(2)} statements/note   ${Math.round(rowsRead / lookups)} customers listed (0: an index)   p50 ${pct(0.5)} µs   p99 ${pct(0.99)} µs`,
  );
}

console.log(
  `node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} (${cpus().length} cores), ${ids.length} customers in the workspace (${aliases.length} with an alias), ${lookups} lookups per run`,
);

// Before: every note loaded the rep's and the pool's customers (the previous listKnownCustomers).
const scope = and(eq(customers.workspaceId, workspaceId), or(eq(customers.ownerUserId, rep), isNull(customers.ownerUserId)));
await measure('before: load the scope per note', () =>
  db.select({ id: customers.id, name: customers.name }).from(customers).where(scope).orderBy(desc(customers.lastFollowUpAt)).limit(5000),
);

// After: the name cache; the first call loads the workspace, then each call is a delta query.
const clock = { now: () => new Date() };
const cache = createCustomerNameCache({ db, clock });
const t0 = performance.now();
await cache.knownCustomers(workspaceId, { ownerUserId: rep });
console.log(`first call (full load with aliases, index built): ${(performance.now() - t0).toFixed(1)} ms`);
await measure('after: name cache, nothing changed', () => cache.knownCustomers(workspaceId, { ownerUserId: rep }));
// Lookup plus parse, end to end, over the corpus notes.
const notes = corpusNotes();
let n = 0;
await measure('after: lookup + parseNote (indexed)', async () => {
  const known = await cache.knownCustomers(workspaceId, { ownerUserId: rep });
  parseNote(notes[n++ % notes.length]?.text ?? '', { now: new Date(), timeZone: 'Asia/Shanghai', knownCustomers: known });
  return known;
});
// A customer's note before every lookup (not measured): the delta then reads each customer changed
// in the last 15 s (OVERLAP_MS): at this run's pace, every row it touched in that time.
let touched = 0;
await measure(
  'after: name cache, a customer changed before each',
  () => cache.knownCustomers(workspaceId, { ownerUserId: rep }),
  async () => {
    const target = ids[touched++ % ids.length];
    if (target) await db.update(customers).set({ updatedAt: new Date() }).where(eq(customers.id, target.id));
  },
);
await close();
