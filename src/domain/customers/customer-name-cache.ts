import { and, eq, gte } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { customerAliases, customers } from '../../db/schema/index.js';
import type { Clock } from '../../lib/clock.js';
import { createKnownCustomerIndex, type AttachedIndex, type KnownCustomerIndex } from '../notes/known-customer-index.js';
import { normalizeCustomerName } from './normalize-name.js';

/** What the note parser matches: a customer's id, name and aliases. */
export type KnownCustomerName = { id: string; name: string; aliases: string[] };

/**
 * Deletions leave no row for the delta query to see (undo deletes a customer its note created),
 * so each workspace's names are reloaded in full this often. Until then a deleted customer can
 * still be matched; the note then creates it again by name, or its button answers "not found".
 */
const RELOAD_EVERY_MS = 5 * 60 * 1000;
/**
 * The delta reads from this long before the newest `updated_at` seen. `updated_at` comes from
 * each replica's clock when its transaction starts work, and the transaction commits a little
 * later: a row can become visible with a time older than rows already seen. 15 s covers commits
 * and small clock skew between replicas; a commit later than that (a long lock wait) is seen at
 * the next full reload. Every change in the window is read again on each use, so it stays short.
 */
const OVERLAP_MS = 15_000;
/**
 * What the service passes as `freshForMs`: for this long after asking the database, the names of a
 * workspace are used without asking again (at 100 notes/s in one workspace, one delta query every
 * 2 s instead of 100 a second). What another replica wrote is therefore matched here up to this
 * long later (plus its commit time); this process's own writes call `changed` and are seen by the
 * next note. Matching is a hint: which customer a note is saved to is decided again in its
 * transaction, on locked rows (see `recordNote`).
 */
export const NAMES_FRESH_FOR_MS = 2_000;

type Cached = { known: KnownCustomerName; ownerUserId: number | null; updatedAt: number; normalized: string[] };

type WorkspaceNames = {
  customers: Map<string, Cached>;
  index: KnownCustomerIndex;
  /** Normalized names and aliases → customer id, for an exact match without a query. */
  byNormalized: Map<string, string>;
  /** The newest `updated_at` seen. */
  watermark: number;
  loadedAt: number;
  /** When the database was last asked (full load or delta); -Infinity after `changed`. */
  checkedAt: number;
};

/** What `created` needs of a customer this process created. */
export type NewCustomer = {
  id: number;
  name: string;
  normalizedName: string;
  ownerUserId: number | null;
  lastFollowUpAt: Date | null;
  updatedAt: Date;
};

/** A customer as the delta reads it: one row per alias (none: null). */
type Row = NewCustomer & { alias: string | null; normalizedAlias: string | null };

const recencyOf = (row: Row) => row.lastFollowUpAt?.getTime() ?? 0;
const sameNames = (a: KnownCustomerName, b: KnownCustomerName) =>
  a.name === b.name && a.aliases.length === b.aliases.length && a.aliases.every((x, i) => x === b.aliases[i]);

/**
 * The customer names of each workspace, kept in memory with a bigram index for the note parser.
 * A use costs one indexed statement, the rows changed since the newest `updated_at` seen
 * (`customers_workspace_updated_idx`, with their aliases joined on `customer_aliases_customer_idx`),
 * or every RELOAD_EVERY_MS the whole workspace; none when the workspace was asked less than
 * `freshForMs` ago (default 0: every use asks). Each replica keeps its own; the delta keeps it
 * current with what other replicas write, provided every change to a name, alias or owner also
 * sets the customer's `updated_at` (as `addCustomerAlias` does).
 */
export function createCustomerNameCache(deps: { db: DbOrTx; clock: Clock; reloadEveryMs?: number; freshForMs?: number }) {
  const reloadEveryMs = deps.reloadEveryMs ?? RELOAD_EVERY_MS;
  const freshForMs = deps.freshForMs ?? 0;
  const workspaces = new Map<number, WorkspaceNames>();
  /** Per workspace, how many customers this process created (`created`): a read under way meanwhile may have missed them. */
  const versions = new Map<number, number>();

  function read(workspaceId: number, since: number | null): Promise<Row[]> {
    return deps.db
      .select({
        id: customers.id,
        name: customers.name,
        normalizedName: customers.normalizedName,
        ownerUserId: customers.ownerUserId,
        lastFollowUpAt: customers.lastFollowUpAt,
        updatedAt: customers.updatedAt,
        alias: customerAliases.alias,
        normalizedAlias: customerAliases.normalizedAlias,
      })
      .from(customers)
      .leftJoin(customerAliases, and(eq(customerAliases.customerId, customers.id), eq(customerAliases.workspaceId, customers.workspaceId)))
      .where(and(eq(customers.workspaceId, workspaceId), since === null ? undefined : gte(customers.updatedAt, new Date(since))));
  }

  /**
   * Applies rows (one per alias) to `names`. `watermark: false` for rows this process wrote itself:
   * the delta must still read what other replicas committed before them.
   */
  function apply(names: WorkspaceNames, rows: Row[], opts: { watermark: boolean } = { watermark: true }): void {
    const byId = new Map<number, { row: Row; aliases: string[]; normalized: string[] }>();
    for (const row of rows) {
      const seen = byId.get(row.id) ?? { row, aliases: [], normalized: [row.normalizedName] };
      if (row.alias !== null) seen.aliases.push(row.alias);
      if (row.normalizedAlias !== null) seen.normalized.push(row.normalizedAlias);
      byId.set(row.id, seen);
    }
    for (const { row, aliases, normalized } of byId.values()) {
      const id = String(row.id);
      const known: KnownCustomerName = { id, name: row.name, aliases: aliases.sort() };
      const updatedAt = row.updatedAt.getTime();
      if (opts.watermark) names.watermark = Math.max(names.watermark, updatedAt);
      const cached = names.customers.get(id);
      if (cached && cached.updatedAt > updatedAt) continue;
      if (cached && sameNames(cached.known, known) && cached.ownerUserId === row.ownerUserId) {
        cached.updatedAt = updatedAt;
        names.index.setRecency(id, recencyOf(row));
        continue;
      }
      if (cached) unlinkNames(names, id, cached);
      names.customers.set(id, { known, ownerUserId: row.ownerUserId, updatedAt, normalized });
      for (const key of normalized) names.byNormalized.set(key, id);
      names.index.set(known, recencyOf(row));
    }
  }

  function unlinkNames(names: WorkspaceNames, id: string, cached: Cached): void {
    for (const key of cached.normalized) if (names.byNormalized.get(key) === id) names.byNormalized.delete(key);
  }

  /** `now`, unless `created` was called since `version` was taken: that customer may be one the read missed. */
  const checkedAt = (workspaceId: number, version: number, now: number) => ((versions.get(workspaceId) ?? 0) === version ? now : -Infinity);

  async function refresh(workspaceId: number): Promise<WorkspaceNames> {
    const now = deps.clock.now().getTime();
    const current = workspaces.get(workspaceId);
    const version = versions.get(workspaceId) ?? 0;
    if (current && now - current.checkedAt < freshForMs && now - current.loadedAt < reloadEveryMs) return current;
    if (!current || now - current.loadedAt >= reloadEveryMs) {
      const fresh: WorkspaceNames = {
        customers: new Map(),
        index: createKnownCustomerIndex(),
        byNormalized: new Map(),
        watermark: 0,
        loadedAt: now,
        checkedAt: now,
      };
      apply(fresh, await read(workspaceId, null));
      fresh.checkedAt = checkedAt(workspaceId, version, now);
      workspaces.set(workspaceId, fresh);
      return fresh;
    }
    const rows = await read(workspaceId, current.watermark - OVERLAP_MS);
    // A full reload that finished meanwhile is newer than this delta: keep it as it is.
    if (workspaces.get(workspaceId) !== current) return workspaces.get(workspaceId) ?? current;
    current.checkedAt = checkedAt(workspaceId, version, now);
    apply(current, rows);
    return current;
  }

  /** Whether a rep (or, with no owner given, anyone) may name this customer in a note: their own and the pool's. */
  function inScope(ownerUserId: number | undefined) {
    return (c: Cached | undefined) =>
      c !== undefined && (ownerUserId === undefined || c.ownerUserId === null || c.ownerUserId === ownerUserId);
  }

  return {
    /**
     * What a note may name, for the parser (`ParseOptions.knownCustomers`): the workspace's index
     * and which of its customers are in scope: the rep's own customers and the pool (all customers
     * when no owner is given). At most one statement per call, and no work that grows with the
     * number of customers: a scope is a test on the customer the index found, not a list.
     */
    async knownCustomers(workspaceId: number, opts: { ownerUserId?: number } = {}): Promise<AttachedIndex> {
      const names = await refresh(workspaceId);
      const admits = inScope(opts.ownerUserId);
      return { index: names.index, admits: (customer) => admits(names.customers.get(customer.id)) };
    },
    /** The names in scope as a list (what `knownCustomers` admits), built on each call: for tests and tools, not per note. */
    async namesInScope(workspaceId: number, opts: { ownerUserId?: number } = {}): Promise<KnownCustomerName[]> {
      const names = await refresh(workspaceId);
      return [...names.customers.values()].filter(inScope(opts.ownerUserId)).map((c) => c.known);
    },
    /**
     * Drops a customer this replica learned is gone (e.g. an id from the list that no longer
     * exists); other replicas drop it at their next full reload.
     */
    forget(workspaceId: number, customerId: number): void {
      const names = workspaces.get(workspaceId);
      const cached = names?.customers.get(String(customerId));
      if (!names || !cached) return;
      names.customers.delete(String(customerId));
      unlinkNames(names, String(customerId), cached);
      names.index.delete(String(customerId));
    },
    /**
     * This process created `customer` (committed): its author's next note here matches it without
     * asking the database. Other replicas learn of it through their delta. Asking the delta at once
     * instead re-read every customer touched in the last 15 s: about 1,500 rows per new customer in
     * a workspace taking 100 notes a second.
     */
    created(workspaceId: number, customer: NewCustomer): void {
      // A read already under way may have missed it: the use after that read asks the delta.
      versions.set(workspaceId, (versions.get(workspaceId) ?? 0) + 1);
      const names = workspaces.get(workspaceId);
      if (!names) return; // not loaded: the first use reads it with the rest
      apply(names, [{ ...customer, alias: null, normalizedAlias: null }], { watermark: false });
    },
    /**
     * The customer whose normalized name or alias is exactly this name's, as far as this cache
     * knows (it may be up to `freshForMs` behind other replicas); undefined when the workspace is
     * not loaded. Costs no statement.
     */
    exactId(workspaceId: number, name: string): number | null | undefined {
      const names = workspaces.get(workspaceId);
      if (!names) return undefined;
      const normalized = normalizeCustomerName(name);
      const id = normalized ? names.byNormalized.get(normalized) : undefined;
      return id === undefined ? null : Number(id);
    },
  };
}

export type CustomerNameCache = ReturnType<typeof createCustomerNameCache>;
