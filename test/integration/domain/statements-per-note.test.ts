import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MessageEvent } from '../../../src/messaging/types.js';
import { buildFeishuTestApp, FEISHU_BASE } from '../../helpers/build-test-app.js';
import { uniqueId, useTestDatabase } from '../../helpers/db.js';
import { createStatementLog, statementKind } from '../../helpers/statement-log.js';

/**
 * What one note costs the database in the bot and the domain (issue #16): every statement the
 * mysql2 connections send while `bot.onMessage` handles it, transactions included. The pipeline
 * around it (inbox claim and finish, outbox delivery) has its own budget and is not counted here.
 */
describe('SQL statements per note (bot and domain)', () => {
  const testDb = useTestDatabase();
  let log: ReturnType<typeof createStatementLog>;
  let t: Awaited<ReturnType<typeof buildFeishuTestApp>>;
  const tenant = uniqueId('tenant');

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    log = createStatementLog(testDb.url);
    t = await buildFeishuTestApp(log.handle);
  });
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    nock.enableNetConnect();
    await log.handle.close();
  });

  /** Feishu's token and contact API for a user seen for the first time (the profile gives their name). */
  function profileOf(openId: string, name: string) {
    nock(FEISHU_BASE)
      .post('/open-apis/auth/v3/tenant_access_token/internal')
      .optionally()
      .reply(200, { code: 0, tenant_access_token: 't-test', expire: 7200 });
    nock(FEISHU_BASE)
      .get(`/open-apis/contact/v3/users/${openId}`)
      .query(true)
      .reply(200, { code: 0, data: { user: { name } } });
  }

  const message = (senderId: string, text: string): MessageEvent => {
    const messageId = uniqueId('om');
    return {
      type: 'message',
      platform: 'feishu',
      eventId: messageId,
      tenant,
      messageId,
      conversation: { platform: 'feishu', kind: 'chat', id: `oc_${senderId}` },
      chatType: 'direct',
      senderId,
      text,
      mentionsBot: false,
      sentAt: t.clock.now(),
    };
  };

  /** The statements `bot.onMessage` sends for `event`, as short kinds (`insert follow_ups`). */
  async function cost(event: MessageEvent): Promise<string[]> {
    log.reset();
    await t.genjin.bot.onMessage(event);
    return log.statements().map(statementKind);
  }

  // The lead's target was 5. What is left is one statement per table the note writes, plus the
  // lock: BEGIN, the customer locked (with the note's contact, open reminders and note prompt in
  // the same statement), UPDATE customers, INSERT follow_ups, INSERT audit_log (both rows), INSERT
  // outbox (the reply, in the same transaction), COMMIT.
  it('a known rep writing about their own customer: 7 statements, BEGIN and COMMIT included', async () => {
    const rep = uniqueId('ou');
    profileOf(rep, '张三');
    // The rep's first note registers them and creates the customer, and the next one reads the
    // names that changed; the third is the steady state (names asked again every 2 s per workspace).
    await t.genjin.bot.onMessage(message(rep, '拜访云帆科技王总,聊了需求'));
    await t.genjin.bot.onMessage(message(rep, '云帆科技王总回电,约了下周演示'));
    const statements = await cost(message(rep, '给云帆科技王总打电话,报价已发,下周三再联系'));
    expect(statements, statements.join('\n')).toEqual([
      'begin',
      'select customers for update',
      'update customers',
      'insert follow_ups',
      'insert audit_log',
      'insert outbox',
      'commit',
    ]);
  });

  it('a new user about a new customer', async () => {
    const rep = uniqueId('ou');
    profileOf(rep, '李四');
    const statements = await cost(message(rep, '拜访星河物流赵经理,预算30万'));
    expect(statements, statements.join('\n')).toEqual([
      // Registration (the workspace is known): not there yet, inserted with the profile's name.
      'select users',
      'insert users',
      'begin',
      // No customer to lock, so the note prompt is looked for on its own.
      'select note_prompts',
      'select customers union select customer_aliases',
      // Created with what the note says, so no UPDATE follows.
      'insert customers',
      'insert assignments',
      'insert contacts',
      'insert follow_ups',
      'insert audit_log',
      'insert outbox',
      'commit',
    ]);
  });

  it('/我的 from a known rep', async () => {
    const rep = uniqueId('ou');
    profileOf(rep, '王五');
    await t.genjin.bot.onMessage(message(rep, '拜访远航软件孙总'));
    const statements = await cost(message(rep, '/我的'));
    // The reminders domain's reads (the due and the quiet scan; the card's views only when there are rows), then the reply.
    expect(statements, statements.join('\n')).toEqual(['select customers', 'select customers', 'insert outbox']);
  });
});
