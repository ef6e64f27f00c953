import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, eq } from 'drizzle-orm';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../src/config.js';
import { customers, followUps } from '../../../src/db/schema/index.js';
import { createCustomerImport } from '../../../src/domain/import-export/import-customers.js';
import { readSheet } from '../../../src/domain/import-export/read-sheet.js';
import { createUsersService } from '../../../src/domain/users/users-service.js';
import { fixedClock } from '../../helpers/clock.js';
import { createTestWorkspace, useTestDatabase } from '../../helpers/db.js';
import { runCliCapturing } from '../../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'genjin-import-50k-'));
const STAGES = ['新线索', '需求确认', '方案', '报价', '谈判', '赢单', '输单'];

/** n generated rows: 20 owners (none registered yet), every fifth with a note. */
function sheetOf(n: number): Buffer {
  const rows = Array.from({ length: n }, (_, i) => [
    `批量客户${i}有限公司`,
    i % 3 ? `联系人${i}` : '',
    `138${String(i).padStart(8, '0')}`,
    `feishu:ou_rep${i % 20}`,
    STAGES[i % STAGES.length],
    'ABC'[i % 3],
    `行业${i % 7};区域${i % 5}`,
    `${(i % 90) + 10}万`,
    `2026-${String((i % 9) + 1).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')} 10:30`,
    i % 4 ? '2026-12-15' : '',
    i % 5 ? '' : `第${i}次拜访，客户说预算50万，下周再约`,
  ]);
  const header = ['客户名称', '联系人', '电话', '负责人', '阶段', '等级', '标签', '金额', '最近跟进', '下次跟进', '备注'];
  return Buffer.from(stringify([header, ...rows], { bom: true, record_delimiter: 'windows' }));
}

describe('importing 50,000 rows', () => {
  const testDb = useTestDatabase();
  const env = () => ({ DATABASE_URL: testDb.url, GENJIN_CONFIG: '' });

  it('imports 50,000 rows in under a minute, then again changes nothing', { timeout: 240_000 }, async () => {
    const w = await createTestWorkspace(testDb.handle, 'feishu');
    const file = join(dir, 'big.csv');
    writeFileSync(file, sheetOf(50_000));
    const started = performance.now();
    const first = await runCliCapturing(['import', file, '--workspace', String(w)], env());
    const seconds = (performance.now() - started) / 1000;
    console.log(`50,000-row import: ${seconds.toFixed(1)} s`);
    expect(first.out).toMatch(/created 50000, updated 0, skipped 0, unchanged 0\n$/);
    expect(first.err).toContain('50000/50000 rows');
    expect(seconds).toBeLessThan(60);
    const [{ n }] = (await testDb.db.select({ n: count() }).from(customers).where(eq(customers.workspaceId, w))) as [{ n: number }];
    expect(n).toBe(50_000);
    const [{ notes }] = (await testDb.db.select({ notes: count() }).from(followUps).where(eq(followUps.workspaceId, w))) as [
      { notes: number },
    ];
    expect(notes).toBe(10_000);

    const again = performance.now();
    const second = await runCliCapturing(['import', file, '--workspace', String(w)], env());
    console.log(`50,000-row re-import: ${((performance.now() - again) / 1000).toFixed(1)} s`);
    expect(second.out).toMatch(/created 0, updated 0, skipped 0, unchanged 50000\n$/);
  });

  it('an import killed after two batches is finished by running it again', async () => {
    const w = await createTestWorkspace(testDb.handle, 'feishu');
    const sheet = await readSheet(sheetOf(1_600), 'csv');
    const clock = fixedClock('2026-11-25T02:00:00Z');
    const settings = defaultSettings();
    const importCustomers = createCustomerImport({
      db: testDb.db,
      clock,
      users: createUsersService({ db: testDb.db, clock, teams: [] }),
      timeZone: settings.timeZone,
      defaultHour: settings.reminders.defaultHour,
    });
    const crash = new Error('killed');
    await expect(
      importCustomers({
        workspaceId: w,
        sheet,
        dryRun: false,
        onProgress: ({ done }) => {
          if (done === 1000) throw crash;
        },
      }),
    ).rejects.toBe(crash);
    const file = join(dir, 'partial.csv');
    writeFileSync(file, sheetOf(1_600));
    const rerun = await runCliCapturing(['import', file, '--workspace', String(w)], env());
    expect(rerun.out).toMatch(/created 600, updated 0, skipped 0, unchanged 1000\n$/);
    const [{ notes }] = (await testDb.db.select({ notes: count() }).from(followUps).where(eq(followUps.workspaceId, w))) as [
      { notes: number },
    ];
    expect(notes).toBe(320);
  });
});
