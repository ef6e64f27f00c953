import { and, eq } from 'drizzle-orm';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { customers, followUps, workspaces } from '../../../src/db/schema/index.js';
import type { MessageEvent } from '../../../src/messaging/types.js';
import { buildFeishuTestApp } from '../../helpers/build-test-app.js';
import { uniqueId, useTestDatabase } from '../../helpers/db.js';
import { createStatementLog, statementKind } from '../../helpers/statement-log.js';

/**
 * Two replicas, each with its own caches, over one database. Replica A's customer names are fresh
 * (asked within NAMES_FRESH_FOR_MS; the clock is pinned) when replica B creates a customer: A's
 * matcher does not know it, and the note's transaction must still find it instead of creating a
 * second one, and still apply the ownership rules to it.
 */
describe('a note about a customer another replica just created', () => {
  const testDb = useTestDatabase();
  let log: ReturnType<typeof createStatementLog>;
  let a: Awaited<ReturnType<typeof buildFeishuTestApp>>;
  let b: Awaited<ReturnType<typeof buildFeishuTestApp>>;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    log = createStatementLog(testDb.url);
    a = await buildFeishuTestApp(log.handle);
    b = await buildFeishuTestApp(testDb.handle);
  });
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    nock.enableNetConnect();
    await log.handle.close();
  });

  const message = (tenant: string, senderId: string, text: string): MessageEvent => {
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
      sentAt: a.clock.now(),
    };
  };
  const customersNamed = async (tenant: string, name: string) => {
    const [ws] = await testDb.db.select().from(workspaces).where(eq(workspaces.externalId, tenant));
    return testDb.db
      .select()
      .from(customers)
      .where(and(eq(customers.workspaceId, ws!.id), eq(customers.normalizedName, name)));
  };
  const followUpOf = async (messageId: string) =>
    (await testDb.db.select().from(followUps).where(eq(followUps.sourceMessageId, messageId)))[0];

  it("someone else's: found by name in the transaction, the note waits as a draft on it (no second customer)", async () => {
    const tenant = uniqueId('tenant');
    // A has loaded the workspace's names (the second note reads what its first one created), so they count as fresh.
    await a.genjin.bot.onMessage(message(tenant, 'ou_a', '拜访远航软件孙总'));
    await a.genjin.bot.onMessage(message(tenant, 'ou_a', '远航软件孙总回电'));
    await b.genjin.bot.onMessage(message(tenant, 'ou_b', '拜访星河物流赵经理,预算30万'));
    const [theirs] = await customersNamed(tenant, '星河物流');
    expect(theirs).toBeDefined();

    log.reset();
    const note = message(tenant, 'ou_a', '星河物流钱总来电,报价已发');
    await a.genjin.bot.onMessage(note);
    // A did not ask for the names again: what it matched on did not know 星河物流.
    expect(log.statements().map(statementKind)).not.toContain('select customers');
    expect(await customersNamed(tenant, '星河物流')).toHaveLength(1);
    expect(await followUpOf(note.messageId)).toMatchObject({ status: 'draft', customerId: theirs!.id });
  });

  it('in the pool: the note is saved to it, not to a new customer of the same name', async () => {
    const tenant = uniqueId('tenant');
    await a.genjin.bot.onMessage(message(tenant, 'ou_a', '拜访远航软件孙总'));
    await b.genjin.bot.onMessage(message(tenant, 'ou_b', '拜访星河物流赵经理'));
    const [pooled] = await customersNamed(tenant, '星河物流');
    await testDb.db.update(customers).set({ ownerUserId: null }).where(eq(customers.id, pooled!.id));

    const note = message(tenant, 'ou_a', '星河物流钱总来电,报价已发');
    await a.genjin.bot.onMessage(note);
    expect(await customersNamed(tenant, '星河物流')).toHaveLength(1);
    expect(await followUpOf(note.messageId)).toMatchObject({ status: 'confirmed', customerId: pooled!.id });
  });
});
