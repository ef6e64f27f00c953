import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeGenjin, type Genjin } from '../../../src/compose.js';
import { loadConfig } from '../../../src/config.js';
import { customers } from '../../../src/db/schema/index.js';
import type { Card } from '../../../src/messaging/types.js';
import { fixedClock } from '../../helpers/clock.js';
import { useTestDatabase } from '../../helpers/db.js';
import { captureLogs } from '../../helpers/log-capture.js';

type Shown = { id: string; chat: string; from: string; message: { kind: string; card?: Card } };

/**
 * The digest in the local console: the demo team's digest job run from the page's job button
 * lands in the team chat with its chart kept (the page draws it with CSS bars), and the manager
 * reassigns an at-risk customer from it.
 */
describe('console: the weekly digest of the demo team', () => {
  const testDb = useTestDatabase();
  let genjin: Genjin;
  const now = '2026-11-30T01:00:00.000Z';
  beforeAll(async () => {
    const config = loadConfig({}, mkdtempSync(join(tmpdir(), 'genjin-console-digest-')));
    genjin = await composeGenjin(config, { log: captureLogs().log, clock: fixedClock(now), database: testDb.handle });
    await genjin.services.users.applySettings(config.teams);
  });
  afterAll(() => genjin.app.close());

  const post = (url: string, payload: unknown) =>
    genjin.app.inject({ method: 'POST', url, payload: payload as object, headers: { host: 'localhost:3000' } });
  const state = async () =>
    (await genjin.app.inject({ method: 'GET', url: '/console/api/state', headers: { host: 'localhost:3000' } })).json() as {
      messages: Shown[];
    };

  it('shows the chart and the at-risk pickers in the team chat; the manager’s pick moves the customer', async () => {
    expect((await post('/console/api/seed-demo', {})).statusCode).toBe(200);
    expect((await post('/console/api/jobs/run', { name: 'digest', now })).json()).toMatchObject({ outcome: 'done' });
    await genjin.outbox.runOnce();
    const digest = (await state()).messages.find((m) => m.chat === 'chat:team-console-demo' && m.message.card?.title.includes('周报'));
    const card = digest!.message.card!;
    expect(card.chart?.categories.sort()).toEqual(['刘洋', '张伟', '李娜', '陈静'].sort());
    const risk = card.sections?.find((s) => s.title === '风险客户')?.rows.find((r) => r.control);
    expect(risk?.control?.kind).toBe('person');
    if (risk?.control?.kind !== 'person') return;
    const target = risk.control.people[0]!;
    const customerId = Number(risk.control.action.args.c);
    const answer = await post('/console/api/clicks', {
      as: 'manager',
      messageId: digest!.id,
      action: risk.control.action,
      values: { to: target.id },
    });
    expect(answer.json()).toMatchObject({ toast: { kind: 'success', text: `已转给 ${target.name}` } });
    const [moved] = await testDb.db.select().from(customers).where(eq(customers.id, customerId));
    const shown = (await state()).messages.find((m) => m.id === digest!.id)!.message.card!;
    expect(JSON.stringify(shown)).toContain(`已转给 ${target.name}`);
    expect(moved?.ownerUserId).not.toBe(Number(risk.control.action.args.f));
  });
});
