import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeGenjin, type Genjin } from '../../../src/compose.js';
import { loadConfig } from '../../../src/config.js';
import { customers, followUps, reminders, users, workspaces } from '../../../src/db/schema/index.js';
import { fixedClock } from '../../helpers/clock.js';
import { useTestDatabase } from '../../helpers/db.js';
import { captureLogs } from '../../helpers/log-capture.js';

type Action = { name: string; args: Record<string, string> };
type Shown = {
  id: string;
  chat: string;
  from: string;
  message: { kind: string; card?: { title: string; notes?: string[]; form?: { submit: Action } } };
};

/** The reminder card in the local console: the form's note typed on the card, logged against the card's customer. */
describe('console: the reminder card’s 已跟进 form', () => {
  const testDb = useTestDatabase();
  let genjin: Genjin;
  const host = { host: 'localhost:3000' };
  beforeAll(async () => {
    const config = loadConfig({}, mkdtempSync(join(tmpdir(), 'genjin-console-')));
    genjin = await composeGenjin(config, { log: captureLogs().log, clock: fixedClock('2026-11-25T02:00:05Z'), database: testDb.handle });
    await genjin.services.users.applySettings(config.teams);
  });
  afterAll(() => genjin.app.close());

  const post = (url: string, payload: object) => genjin.app.inject({ method: 'POST', url, payload, headers: host });
  const shown = async () =>
    ((await genjin.app.inject({ url: '/console/api/state', headers: host })).json() as { messages: Shown[] }).messages;

  it('logs the typed note against the card’s customer and turns the card to done', async () => {
    // The console's workspace and its user exist once someone has written.
    await post('/console/api/messages', { as: 'rep1', chat: 'user:rep1', text: '/帮助' });
    await genjin.worker.drain();
    const [ws] = await testDb.db
      .select()
      .from(workspaces)
      .where(and(eq(workspaces.platform, 'console'), eq(workspaces.externalId, 'local')));
    const [rep] = await testDb.db
      .select()
      .from(users)
      .where(and(eq(users.workspaceId, ws!.id), eq(users.platformUserId, 'rep1')));
    const at = new Date('2026-11-17T02:00:00Z');
    const [inserted] = await testDb.db.insert(customers).values({
      workspaceId: ws!.id,
      name: '北辰物流',
      normalizedName: '北辰物流',
      tags: [],
      ownerUserId: rep!.id,
      nextFollowUpAt: new Date('2026-11-24T07:00:00Z'),
      lastFollowUpAt: at,
      createdAt: at,
      updatedAt: at,
    });
    expect((await post('/console/api/jobs/run', { name: 'reminders' })).json()).toMatchObject({ outcome: 'done' });
    await genjin.outbox.runOnce();
    const card = (await shown()).find((m) => m.message.card?.title === '北辰物流')!;
    const submit = card.message.card!.form!.submit;
    expect(submit.name).toBe('rem.note');

    const res = await post('/console/api/clicks', {
      as: 'rep1',
      messageId: card.id,
      action: submit,
      form: { note: '电话沟通,下周三上门演示' },
    });
    expect(res.json()).toEqual({ toast: { kind: 'success', text: '已记录跟进' } });
    const after = (await shown()).find((m) => m.id === card.id)!;
    expect(after.message.card?.notes?.[0]).toMatch(/^已跟进 · 张伟 · 10:00$/);
    expect(await testDb.db.select().from(followUps).where(eq(followUps.customerId, inserted.insertId))).toMatchObject([
      { status: 'confirmed' },
    ]);
    expect((await testDb.db.select().from(reminders).where(eq(reminders.customerId, inserted.insertId)))[0]).toMatchObject({
      status: 'done',
      action: 'note',
    });
  });
});
