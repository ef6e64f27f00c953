import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditLog, customers, followUps } from '../../../src/db/schema/index.js';
import { customersXlsx } from '../../fixtures/import/customers-xlsx.js';
import { createTestWorkspace, useTestDatabase } from '../../helpers/db.js';
import { handoverFixture } from '../../helpers/handover-fixture.js';
import { runCliCapturing } from '../../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'genjin-export-'));
const CSV = join(import.meta.dirname, '../../fixtures/import/customers.csv');

describe('genjin export', () => {
  const testDb = useTestDatabase();
  const env = () => ({ DATABASE_URL: testDb.url, GENJIN_CONFIG: '' });
  const f = handoverFixture(() => testDb.handle);
  let w: number;
  beforeAll(async () => {
    w = await createTestWorkspace(testDb.handle, 'feishu');
    const east = await f.team(w, 'east');
    await f.user(w, 'rep', east, { name: '张三', platformUserId: 'ou_zhang' });
    await f.user(w, 'rep', null, { name: '李四', platformUserId: 'ou_li' });
    const xlsx = join(dir, 'seed.xlsx');
    writeFileSync(xlsx, await customersXlsx({ zhang: '张三', li: 'feishu:ou_li' }));
    for (const file of [xlsx, CSV]) expect((await cli('import', file, '--workspace', String(w))).code).toBe(0);
    // A time with milliseconds, as notes write them: export shows seconds, import reads them back unchanged.
    await testDb.db
      .update(customers)
      .set({ nextFollowUpAt: new Date('2026-12-03T01:02:03.456Z') })
      .where(eq(customers.name, 'Globex'));
  });
  const cli = (...args: string[]) => runCliCapturing(args, env());
  const state = async () => ({
    customers: await testDb.db.select().from(customers).where(eq(customers.workspaceId, w)),
    followUps: await testDb.db.select().from(followUps).where(eq(followUps.workspaceId, w)),
    audit: (await testDb.db.select().from(auditLog).where(eq(auditLog.workspaceId, w))).length,
  });

  it.each(['csv', 'xlsx'])('export --format %s then import changes nothing', async (format) => {
    const out = join(dir, `all.${format}`);
    const exported = await cli('export', '--format', format, '--out', out, '--workspace', String(w));
    expect(exported).toMatchObject({ code: 0, err: `exported 9 customer(s) to ${out}\n` });
    const before = await state();
    const again = await cli('import', out, '--workspace', String(w));
    expect(again.out).toBe('created 0, updated 0, skipped 0, unchanged 9\n');
    expect(await state()).toEqual(before);
  });

  it('writes UTF-8 CSV with a BOM, the import’s Chinese headers and readable values', async () => {
    const result = await cli('export', '--format', 'csv', '--workspace', String(w));
    expect(result.code).toBe(0);
    const bytes = Buffer.from(result.out, 'utf8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(result.out).toContain('\r\n');
    const [headers, ...rows] = parse(bytes, { bom: true }) as string[][];
    expect(headers).toEqual([
      '客户名称',
      '联系人',
      '电话',
      '负责人',
      '团队',
      '阶段',
      '等级',
      '标签',
      '金额',
      '最近跟进',
      '下次跟进',
      '备注',
    ]);
    const yunfan = rows.find((r) => r[0] === '杭州云帆科技有限公司');
    expect(yunfan).toEqual([
      '杭州云帆科技有限公司',
      '王经理',
      '13800000001',
      '张三 (feishu:ou_zhang)',
      'east',
      '报价',
      'A',
      'SaaS;续费',
      '500000',
      '2026-11-20 09:00',
      '2026-12-01 10:00',
      '',
    ]);
    expect(rows.find((r) => r[0] === 'Globex')).toEqual([
      'Globex',
      '',
      '',
      '',
      '',
      '赢单',
      'C',
      '',
      'USD 60000',
      '2026-11-01 09:05:07',
      '2026-12-03 09:02:03',
      '',
    ]);
  });

  it('filters by owner (ref, name or pool) and by team; English headers on request', async () => {
    const names = async (...args: string[]) => {
      const r = await cli('export', '--format', 'csv', '--workspace', String(w), ...args);
      expect(r.code).toBe(0);
      return (parse(Buffer.from(r.out), { bom: true }) as string[][])
        .slice(1)
        .map((row) => row[0])
        .sort();
    };
    expect(await names('--owner', 'feishu:ou_zhang')).toEqual(['Acme, Inc.', '杭州云帆科技有限公司']);
    expect(await names('--owner', '李四')).toEqual(['北京"星辰"数据', '台州西湖', '温州东方']);
    expect(await names('--owner', 'pool')).toEqual(['Globex', '深圳蓝海', '苏州明达']);
    expect(await names('--team', 'east')).toEqual(['Acme, Inc.', '杭州云帆科技有限公司']);
    expect(await cli('export', '--format', 'csv', '--workspace', String(w), '--team', 'west')).toMatchObject({
      code: 1,
      err: expect.stringContaining('no team "west"'),
    });
    expect(await cli('export', '--format', 'pdf')).toMatchObject({ code: 2, err: expect.stringContaining('--format must be csv or xlsx') });
    const english = await cli('export', '--format', 'csv', '--workspace', String(w), '--english');
    expect(english.out.split('\r\n')[0]).toBe(
      '\ufeffname,contact,phone,owner,team,stage,tier,tags,amount,lastFollowUpAt,nextFollowUpAt,notes',
    );
    expect(english.out).toContain(',quote,A,');
  });

  it('exports a deactivated owner’s customers; import refuses to give them new ones', async () => {
    const gone = await f.user(w, 'rep', null, { name: '王五', platformUserId: 'ou_wang', active: false });
    const now = new Date();
    await testDb.db
      .insert(customers)
      .values({ workspaceId: w, name: '旧客户', normalizedName: '旧客户', tags: [], ownerUserId: gone.id, createdAt: now, updatedAt: now });
    const r = await cli('export', '--format', 'csv', '--workspace', String(w), '--owner', 'feishu:ou_wang');
    expect((parse(Buffer.from(r.out), { bom: true }) as string[][]).slice(1).map((row) => [row[0], row[3]])).toEqual([
      ['旧客户', '王五 (feishu:ou_wang)'],
    ]);
    const sheet = join(dir, 'to-gone.csv');
    writeFileSync(sheet, '客户名称,负责人\r\n新客户,王五\r\n');
    expect((await cli('import', sheet, '--workspace', String(w))).out).toBe(
      'row 2: skipped: 负责人 feishu:ou_wang is deactivated\ncreated 0, updated 0, skipped 1, unchanged 0\n',
    );
  });

  it('writes xlsx with date cells', async () => {
    const out = join(dir, 'dates.xlsx');
    await cli('export', '--format', 'xlsx', '--out', out, '--workspace', String(w));
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(readFileSync(out) as unknown as ExcelJS.Buffer);
    const sheet = book.worksheets[0]!;
    const row = sheet.getRows(2, sheet.rowCount - 1)!.find((r) => r.getCell(1).value === '杭州云帆科技有限公司')!;
    expect(row.getCell(10).value).toEqual(new Date(Date.UTC(2026, 10, 20, 9, 0)));
  });
});
