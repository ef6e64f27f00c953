import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeGenjin, type Genjin } from '../../../src/compose.js';
import { loadConfig } from '../../../src/config.js';
import { customers, followUps, inboundEvents, workspaces } from '../../../src/db/schema/index.js';
import { useTestDatabase } from '../../helpers/db.js';
import { fixedClock } from '../../helpers/clock.js';
import { captureLogs } from '../../helpers/log-capture.js';

type Shown = {
  id: string;
  chat: string;
  from: string;
  message: { kind: string; card?: { title: string; buttons?: { action: unknown }[] } };
};

describe('console adapter: the same inbox, outbox and action table as any platform', () => {
  const testDb = useTestDatabase();
  let genjin: Genjin;
  beforeAll(async () => {
    const config = loadConfig({}, mkdtempSync(join(tmpdir(), 'genjin-console-')));
    genjin = await composeGenjin(config, { log: captureLogs().log, clock: fixedClock('2026-11-25T02:00:05Z'), database: testDb.handle });
    await genjin.services.users.applySettings(config.teams);
  });
  afterAll(() => genjin.app.close());

  const post = (url: string, payload: unknown, o: { remoteAddress?: string } = {}) =>
    genjin.app.inject({ method: 'POST', url, payload: payload as object, headers: { host: 'localhost:3000' }, ...o });
  const state = async () =>
    (await genjin.app.inject({ method: 'GET', url: '/console/api/state', headers: { host: 'localhost:3000' } })).json() as {
      messages: Shown[];
      empty: boolean;
      jobs: { name: string }[];
    };

  it('is on without a platform, answers loopback only', async () => {
    expect(genjin.adapters.has('console')).toBe(true);
    expect((await genjin.app.inject({ url: '/console', headers: { host: 'localhost:3000' } })).statusCode).toBe(200);
    const remote = await genjin.app.inject({ url: '/console', headers: { host: 'localhost:3000' }, remoteAddress: '192.0.2.7' });
    expect(remote.statusCode).toBe(403);
    expect(
      (await genjin.app.inject({ url: '/console/api/state', headers: { host: 'localhost:3000' }, remoteAddress: '192.0.2.7' })).statusCode,
    ).toBe(403);
  });

  it('stores a typed note in the inbox, runs it, and shows the reply the outbox delivered', async () => {
    const res = await post('/console/api/messages', { as: 'rep1', chat: 'user:rep1', text: '今天给云帆科技王总打电话,预算50万' });
    expect(res.statusCode).toBe(200);
    const { id } = res.json() as { id: string };
    await genjin.worker.drain();
    const [stored] = await testDb.db.select().from(inboundEvents).where(eq(inboundEvents.eventId, id));
    expect(stored).toMatchObject({ platform: 'console', status: 'done' });
    await genjin.outbox.runOnce();
    const reply = (await state()).messages.find((m) => m.from === 'bot' && m.chat === 'user:rep1');
    expect(reply?.message.card?.title).toBe('已记录跟进 · 云帆科技');
    const [ws] = await testDb.db
      .select()
      .from(workspaces)
      .where(and(eq(workspaces.platform, 'console'), eq(workspaces.externalId, 'local')));
    const [row] = await testDb.db.select().from(followUps).where(eq(followUps.sourceMessageId, id));
    expect(row).toMatchObject({ workspaceId: ws!.id, status: 'confirmed', cardMessageId: reply!.id });
  });

  it('runs a click through acceptClick and updates the card in place; refuses controls the card does not have', async () => {
    const card = (await state()).messages.find((m) => m.message.card?.title === '已记录跟进 · 云帆科技')!;
    const undo = card.message.card!.buttons!.find((b) => JSON.stringify(b.action).includes('fu.undo'))!.action;
    const forged = await post('/console/api/clicks', { as: 'rep1', messageId: card.id, action: { name: 'fu.undo', args: { id: '999' } } });
    expect(forged.statusCode).toBe(400);
    const other = await post('/console/api/clicks', { as: 'rep2', messageId: card.id, action: undo });
    expect(other.json()).toEqual({ toast: { kind: 'error', text: '只有记录人可以修改或撤销这条跟进' } });
    const res = await post('/console/api/clicks', { as: 'rep1', messageId: card.id, action: undo });
    expect(res.json()).toEqual({ toast: { kind: 'success', text: '已撤销这条跟进' } });
    const after = (await state()).messages.find((m) => m.id === card.id);
    expect(after?.message.card?.title).toContain('撤销');
  });

  it("refuses posting into someone else's chat and unknown groups", async () => {
    expect((await post('/console/api/messages', { as: 'rep1', chat: 'user:rep2', text: 'hi' })).statusCode).toBe(403);
    expect((await post('/console/api/messages', { as: 'rep1', chat: 'chat:nope', text: 'hi' })).statusCode).toBe(404);
  });

  it('offers the demo seed while the workspace has no customers, and seeding twice duplicates nothing', async () => {
    const ws = (await testDb.db.select().from(workspaces).where(eq(workspaces.platform, 'console')))[0]!;
    await testDb.db.delete(customers).where(eq(customers.workspaceId, ws.id));
    expect((await state()).empty).toBe(true);
    const first = (await post('/console/api/seed-demo', {})).json() as { report: { customers: number; followUps: number } };
    expect(first.report).toMatchObject({ customers: 60 });
    expect(first.report.followUps).toBeGreaterThan(60);
    const again = (await post('/console/api/seed-demo', {})).json() as { report: { customers: number; followUps: number } };
    expect(again.report).toMatchObject({ customers: 0, followUps: 0 });
    expect((await state()).empty).toBe(false);
    const rows = await testDb.db.select().from(customers).where(eq(customers.workspaceId, ws.id));
    expect(rows).toHaveLength(60);
    expect(new Set(rows.map((r) => r.tier))).toEqual(new Set(['A', 'B', 'C']));
  });

  it('runs a listed job at a chosen now, once per slot', async () => {
    const [job] = (await state()).jobs;
    const now = '2026-11-30T01:00:00.000Z';
    expect((await post('/console/api/jobs/run', { name: job!.name, now })).json()).toMatchObject({ outcome: 'done' });
    expect((await post('/console/api/jobs/run', { name: job!.name, now })).json()).toMatchObject({ outcome: 'skipped' });
    expect((await post('/console/api/jobs/run', { name: 'nope' })).statusCode).toBe(404);
  });
});
