import { sql } from 'drizzle-orm';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../src/config.js';
import { createCustomerImport } from '../../../src/domain/import-export/import-customers.js';
import { readSheet } from '../../../src/domain/import-export/read-sheet.js';
import { createUsersService } from '../../../src/domain/users/users-service.js';
import { fixedClock } from '../../helpers/clock.js';
import { createTestWorkspace, useTestDatabase } from '../../helpers/db.js';

describe('two imports of one file at once', () => {
  const testDb = useTestDatabase();

  it('create every customer, owner and note once between them', async () => {
    const w = await createTestWorkspace(testDb.handle, 'feishu');
    const rows = Array.from({ length: 1_200 }, (_, i) => [`并发客户${i}`, `feishu:ou_c${i % 7}`, '报价', i % 2 ? `备注${i}` : '']);
    const sheet = await readSheet(Buffer.from(stringify([['客户名称', '负责人', '阶段', '备注'], ...rows])), 'csv');
    const clock = fixedClock('2026-11-25T02:00:00Z');
    const settings = defaultSettings();
    const importer = () =>
      createCustomerImport({
        db: testDb.db,
        clock,
        users: createUsersService({ db: testDb.db, clock, teams: [] }),
        timeZone: settings.timeZone,
        defaultHour: settings.reminders.defaultHour,
      })({ workspaceId: w, sheet, dryRun: false });
    const [one, two] = await Promise.all([importer(), importer()]);
    if (one.kind !== 'done' || two.kind !== 'done') throw new Error('no name column');
    expect(one.report.created + two.report.created).toBe(1_200);
    expect(one.report.created + one.report.updated + one.report.unchanged).toBe(1_200);
    const total = async (table: 'customers' | 'follow_ups' | 'assignments' | 'users') => {
      const [rows] = (await testDb.handle.db.execute(
        sql`SELECT COUNT(*) AS n FROM ${sql.identifier(table)} WHERE workspace_id = ${w}`,
      )) as unknown as [{ n: number }[]];
      return Number(rows[0]!.n);
    };
    expect(await total('customers')).toBe(1_200);
    expect(await total('follow_ups')).toBe(600);
    expect(await total('assignments')).toBe(1_200);
    expect(await total('users')).toBe(7);
  });
});
