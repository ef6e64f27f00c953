import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { runTransaction } from '../../db/run-transaction.js';
import { workspaces } from '../../db/schema/index.js';
import type { Clock } from '../../lib/clock.js';
import type { UsersService } from '../users/users-service.js';
import { applyBatch, ConcurrentCreate, type BatchRow } from './apply-batch.js';
import { mapHeaders } from './columns.js';
import { parseRow, type ImportRow } from './parse-row.js';
import type { Sheet } from './read-sheet.js';
import { loadOwnerDirectory, type OwnerUser } from './resolve-owners.js';

/** Rows per transaction: large enough for bulk statements, small enough for short locks. */
export const IMPORT_BATCH_SIZE = 500;
const MAX_BATCH_ATTEMPTS = 3;

export type RowProblem = { rowNumber: number; reason: string };
export type ImportReport = {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: RowProblem[];
  /** Rows whose 备注 was not imported (the row was), with why. */
  notesSkipped: RowProblem[];
  unknownColumns: string[];
  /** `<platform>:<id>` of the owners registered as users (or that would be, in a dry run). */
  newUsers: string[];
};

export type ImportResult = { kind: 'done'; report: ImportReport } | { kind: 'no_name_column'; headers: string[] };

type Deps = { db: Db; clock: Clock; users: Pick<UsersService, 'ensureUser'>; timeZone: string; defaultHour: number };

/**
 * Imports a sheet of customers into one workspace: rows are read and checked first (bad rows and
 * repeats of an earlier row are reported by row number and skipped), owners are looked up once
 * (unknown `<platform>:<id>` are registered as users), then the rows are written in batches of
 * IMPORT_BATCH_SIZE, each in its own transaction. Every batch is planned against what is stored,
 * so running the same sheet again, or again after an interruption, changes only what is left.
 * `dryRun` plans every batch and writes nothing.
 */
export function createCustomerImport(deps: Deps) {
  const { db, clock } = deps;

  return async function importCustomers(input: {
    workspaceId: number;
    sheet: Sheet;
    dryRun: boolean;
    onProgress?: (p: { done: number; total: number }) => void;
  }): Promise<ImportResult> {
    const headers = mapHeaders(input.sheet.headers);
    if (headers.index.name === undefined) return { kind: 'no_name_column', headers: input.sheet.headers };
    const [ws] = await db.select().from(workspaces).where(eq(workspaces.id, input.workspaceId)).limit(1);
    if (!ws) throw new Error(`workspace ${input.workspaceId} does not exist`);
    const timeZone = ws.timeZone ?? deps.timeZone;
    const report: ImportReport = {
      rows: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      skipped: [],
      notesSkipped: [],
      unknownColumns: [...headers.unknown, ...headers.repeated.map((h) => `${h} (repeated)`)],
      newUsers: [],
    };

    const rows: ImportRow[] = [];
    const firstRowOf = new Map<string, number>();
    for (const { rowNumber, cells } of input.sheet.rows) {
      const parsed = parseRow(cells, rowNumber, headers, { timeZone, defaultHour: deps.defaultHour });
      if (parsed.ok === 'blank') continue;
      report.rows += 1;
      if (!parsed.ok) {
        report.skipped.push({ rowNumber, reason: parsed.reason });
        continue;
      }
      const first = firstRowOf.get(parsed.row.normalizedName);
      if (first !== undefined) {
        report.skipped.push({ rowNumber, reason: `names the same customer as row ${first}` });
        continue;
      }
      firstRowOf.set(parsed.row.normalizedName, rowNumber);
      rows.push(parsed.row);
    }

    const ready = await resolveOwners(rows, input.workspaceId, ws.platform, input.dryRun, report);
    const now = clock.now();
    for (let start = 0; start < ready.length; start += IMPORT_BATCH_SIZE) {
      const batch = ready.slice(start, start + IMPORT_BATCH_SIZE);
      const outcome = input.dryRun
        ? await applyBatch(db, null, { workspaceId: input.workspaceId, rows: batch, now, timeZone })
        : await writeBatch(input.workspaceId, batch, now, timeZone);
      report.created += outcome.created;
      report.updated += outcome.updated;
      report.unchanged += outcome.unchanged;
      report.skipped.push(...outcome.skipped);
      input.onProgress?.({ done: Math.min(start + IMPORT_BATCH_SIZE, ready.length), total: ready.length });
    }
    report.skipped.sort((a, b) => a.rowNumber - b.rowNumber);
    return { kind: 'done', report };
  };

  async function writeBatch(workspaceId: number, rows: BatchRow[], now: Date, timeZone: string) {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await runTransaction(db, (tx) => applyBatch(db, tx, { workspaceId, rows, now, timeZone }));
      } catch (err) {
        if (!(err instanceof ConcurrentCreate) || attempt >= MAX_BATCH_ATTEMPTS) throw err;
      }
    }
  }

  /** Each row's owner; rows naming an owner that cannot be used are moved to the skipped list. */
  async function resolveOwners(
    rows: ImportRow[],
    workspaceId: number,
    platform: string,
    dryRun: boolean,
    report: ImportReport,
  ): Promise<BatchRow[]> {
    const directory = await loadOwnerDirectory(db, workspaceId, platform);
    const registered = new Map<string, OwnerUser>();
    const ready: BatchRow[] = [];
    for (const row of rows) {
      let owner: OwnerUser | null = null;
      if (row.owner) {
        const found = directory.lookup(row.owner);
        if (found.kind === 'error') {
          report.skipped.push({ rowNumber: row.rowNumber, reason: found.reason });
          continue;
        }
        if (found.kind === 'user') owner = found.user;
        else {
          owner = registered.get(found.ref) ?? null;
          if (!owner) {
            // A dry run registers nobody: a stand-in id that matches no stored owner.
            const user = dryRun ? null : await deps.users.ensureUser(workspaceId, platform, found.platformUserId);
            owner = { id: user?.id ?? -(registered.size + 1), teamId: user?.teamId ?? null, ref: found.ref };
            registered.set(found.ref, owner);
            report.newUsers.push(found.ref);
          }
        }
      }
      if (row.notes && !owner) {
        report.notesSkipped.push({ rowNumber: row.rowNumber, reason: '备注 not imported: the row names no 负责人 to be its author' });
      }
      ready.push({ row, owner, writeNote: owner !== null });
    }
    return ready;
  }
}
