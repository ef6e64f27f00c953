import { eq, inArray } from 'drizzle-orm';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb } from '../../../src/db/client.js';
import { followUps, inboundEvents, outbox } from '../../../src/db/schema/index.js';
import { buildWecomTestApp, WECOM } from '../../helpers/build-test-app.js';
import { useTestDatabase } from '../../helpers/db.js';
import { wecomClickXml, wecomPost, wecomTextXml } from '../../helpers/wecom-sign.js';

const NOW = '2026-11-25T02:00:05Z';
const NOW_S = Math.floor(new Date(NOW).getTime() / 1000);
let msgSeq = 7_000_000_000_000_000_000n;
const nextMsgId = () => String(++msgSeq);

describe('/webhooks/wecom (self-built app)', () => {
  const testDb = useTestDatabase();
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => nock.cleanAll());
  // The outbox worker scans the whole table: each test starts with an empty outbox.
  beforeEach(async () => {
    await testDb.db.delete(outbox);
  });
  afterAll(() => nock.enableNetConnect());

  const post = (t: Awaited<ReturnType<typeof buildWecomTestApp>>, req: { query: Record<string, string>; body: string }) =>
    t.app.inject({ method: 'POST', url: '/webhooks/wecom', query: req.query, payload: req.body, headers: { 'content-type': 'text/xml' } });

  it('answers URL verification with the decrypted echostr as the whole body (official vector A, URL-encoded)', async () => {
    const t = await buildWecomTestApp(testDb.handle, { now: '2014-09-02T12:06:29Z' });
    const url =
      '/webhooks/wecom?msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce=263014780&echostr=P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D';
    const res = await t.app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('1616140317555161061');
    const forged = await t.app.inject({ method: 'GET', url: url.replace('5c45ff', '5c45fe') });
    expect(forged.statusCode).toBe(401);
  });

  it('accepts the official POST vector: signature, decryption, receive id, XML', async () => {
    const t = await buildWecomTestApp(testDb.handle, { now: '2014-09-02T12:10:13Z' });
    const body =
      '<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<Encrypt><![CDATA[RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==]]></Encrypt>\n<AgentID><![CDATA[218]]></AgentID>\n</xml>';
    const res = await post(t, {
      query: { msg_signature: '477715d11cdb4164915debcba66cb864d751f3e6', timestamp: '1409659813', nonce: '1372623149' },
      body,
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    await t.genjin.worker.drain();
    const [row] = await testDb.db.select().from(inboundEvents).where(eq(inboundEvents.eventId, '4561255354251345929'));
    expect(row).toMatchObject({ platform: 'wecom', status: 'done' });
    // "hello" is not a note: the bot answers with help and records nothing.
    const [reply] = await testDb.db.select().from(outbox).where(eq(outbox.dedupeKey, 'reply:wecom:4561255354251345929'));
    expect(reply).toMatchObject({ target: 'wecom:user:mycreate', payload: { kind: 'send', message: { kind: 'text' } } });
  });

  it('stores a note sent to the app, replies with a template card, and ignores the duplicate', async () => {
    const t = await buildWecomTestApp(testDb.handle, { now: NOW });
    const msgId = nextMsgId();
    const xml = wecomTextXml({
      corpId: WECOM.corpId,
      from: 'zhangsan',
      content: '今天给云帆科技王总打电话,预算50万,下周三上门演示',
      msgId,
      createTime: NOW_S - 2,
    });
    for (let i = 0; i < 2; i++)
      expect(
        (await post(t, wecomPost({ token: WECOM.token, encodingAesKey: WECOM.key, corpId: WECOM.corpId, xml, timestamp: NOW_S })))
          .statusCode,
      ).toBe(200);
    await t.genjin.worker.drain();
    const saved = await testDb.db.select().from(followUps).where(eq(followUps.sourceMessageId, msgId));
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ status: 'confirmed', amount: 500000, channel: 'call' });

    let sent: {
      touser?: string;
      msgtype?: string;
      template_card?: { card_type: string; main_title: { title: string }; button_list: { key: string }[] };
    } = {};
    nock(WECOM.base).get('/cgi-bin/gettoken').query(true).reply(200, { errcode: 0, access_token: 'AT', expires_in: 7200 });
    nock(WECOM.base)
      .post('/cgi-bin/message/send', (b) => {
        sent = b;
        return true;
      })
      .query({ access_token: 'AT' })
      .reply(200, { errcode: 0, msgid: 'm1', response_code: 'rc_send' });
    expect((await t.genjin.outbox.runOnce()).sent).toBe(1);
    expect(sent).toMatchObject({
      touser: 'zhangsan',
      msgtype: 'template_card',
      template_card: { card_type: 'button_interaction', main_title: { title: '已记录跟进 · 云帆科技' } },
    });
    expect(sent.template_card?.button_list.map((b) => b.key)).toEqual([`a=fu.edit&id=${saved[0]!.id}`, `a=fu.undo&id=${saved[0]!.id}`]);
  });

  it('handles a card click after the acknowledgement and updates the card with its response code', async () => {
    const t = await buildWecomTestApp(testDb.handle, { now: NOW });
    const msgId = nextMsgId();
    await post(
      t,
      wecomPost({
        token: WECOM.token,
        encodingAesKey: WECOM.key,
        corpId: WECOM.corpId,
        xml: wecomTextXml({ corpId: WECOM.corpId, from: 'lisi', content: '光明乳业选了竞品,丢单了', msgId, createTime: NOW_S }),
        timestamp: NOW_S,
      }),
    );
    await t.genjin.worker.drain();
    const [row] = await testDb.db.select().from(followUps).where(eq(followUps.sourceMessageId, msgId));
    const click = wecomClickXml({
      corpId: WECOM.corpId,
      from: 'lisi',
      key: `a=fu.undo&id=${row!.id}`,
      responseCode: 'RC_CLICK_1',
      createTime: NOW_S + 1,
    });
    const res = await post(
      t,
      wecomPost({ token: WECOM.token, encodingAesKey: WECOM.key, corpId: WECOM.corpId, xml: click, timestamp: NOW_S }),
    );
    expect(res.statusCode).toBe(200);
    await t.genjin.worker.drain();
    const [undone] = await testDb.db.select().from(followUps).where(eq(followUps.id, row!.id));
    expect(undone?.status).toBe('undone');

    nock(WECOM.base).get('/cgi-bin/gettoken').query(true).reply(200, { errcode: 0, access_token: 'AT', expires_in: 7200 });
    nock(WECOM.base).post('/cgi-bin/message/send').query(true).reply(200, { errcode: 0, msgid: 'm' });
    let update: Record<string, unknown> = {};
    nock(WECOM.base)
      .post('/cgi-bin/message/update_template_card', (b) => {
        update = b;
        return true;
      })
      .query({ access_token: 'AT' })
      .reply(200, { errcode: 0 });
    await t.genjin.outbox.runOnce();
    expect(update).toMatchObject({
      userids: ['lisi'],
      agentid: 1000002,
      response_code: 'RC_CLICK_1',
      template_card: { main_title: { title: '已撤销这条跟进' } },
    });
  });

  it('takes two real clicks in the same second as two clicks (keyed by their response codes), and a redelivery as one', async () => {
    const t = await buildWecomTestApp(testDb.handle, { now: NOW });
    const ids: number[] = [];
    for (const text of ['蓝海科技选了竞品,丢单了', '青山集团选了竞品,丢单了']) {
      const msgId = nextMsgId();
      await post(
        t,
        wecomPost({
          token: WECOM.token,
          encodingAesKey: WECOM.key,
          corpId: WECOM.corpId,
          xml: wecomTextXml({ corpId: WECOM.corpId, from: 'wangwu', content: text, msgId, createTime: NOW_S }),
          timestamp: NOW_S,
        }),
      );
      await t.genjin.worker.drain();
      const [row] = await testDb.db.select().from(followUps).where(eq(followUps.sourceMessageId, msgId));
      ids.push(row!.id);
    }
    // Same user, same CreateTime: before, both had the event id "wangwu:<CreateTime>" and the second was dropped.
    const clicks = ids.map((id, i) =>
      wecomClickXml({
        corpId: WECOM.corpId,
        from: 'wangwu',
        key: `a=fu.undo&id=${id}`,
        responseCode: `RC_SAME_SECOND_${i}`,
        createTime: NOW_S + 5,
      }),
    );
    for (const xml of [...clicks, clicks[0]!]) {
      expect(
        (await post(t, wecomPost({ token: WECOM.token, encodingAesKey: WECOM.key, corpId: WECOM.corpId, xml, timestamp: NOW_S })))
          .statusCode,
      ).toBe(200);
    }
    await t.genjin.worker.drain();
    const rows = await testDb.db.select().from(followUps).where(inArray(followUps.id, ids));
    expect(rows.map((r) => r.status)).toEqual(['undone', 'undone']);
    const updates = (await testDb.db.select().from(outbox)).filter((r) => r.payload.kind === 'update');
    expect(updates.map((r) => r.payload.messageId).sort()).toEqual(['rc:RC_SAME_SECOND_0:wangwu', 'rc:RC_SAME_SECOND_1:wangwu']);
  });

  it.each([
    [
      'a forged signature',
      (r: ReturnType<typeof wecomPost>) => ({ ...r, query: { ...r.query, msg_signature: '0'.repeat(40) } }),
      401,
      'bad_signature',
    ],
    [
      'a stale timestamp',
      () =>
        wecomPost({
          token: WECOM.token,
          encodingAesKey: WECOM.key,
          corpId: WECOM.corpId,
          xml: wecomTextXml({ corpId: WECOM.corpId, from: 'u', content: 'x', msgId: '1', createTime: NOW_S }),
          timestamp: NOW_S - 301,
        }),
      401,
      'stale',
    ],
    [
      'another corp (receive id)',
      () =>
        wecomPost({
          token: WECOM.token,
          encodingAesKey: WECOM.key,
          corpId: 'ww_other_corp',
          xml: wecomTextXml({ corpId: 'ww_other_corp', from: 'u', content: 'x', msgId: '2', createTime: NOW_S }),
          timestamp: NOW_S,
        }),
      401,
      'receive_id_mismatch',
    ],
    [
      'a DOCTYPE in the envelope',
      (r: ReturnType<typeof wecomPost>) => ({ ...r, body: `<!DOCTYPE xml [<!ENTITY e "x">]>${r.body}` }),
      400,
      'doctype_or_entity',
    ],
    [
      'a DOCTYPE inside the decrypted message',
      () =>
        wecomPost({
          token: WECOM.token,
          encodingAesKey: WECOM.key,
          corpId: WECOM.corpId,
          xml: `<!DOCTYPE xml [<!ENTITY e "x">]>${wecomTextXml({ corpId: WECOM.corpId, from: 'u', content: '&e;', msgId: '3', createTime: NOW_S })}`,
          timestamp: NOW_S,
        }),
      400,
      'doctype_or_entity',
    ],
    ['malformed XML', (r: ReturnType<typeof wecomPost>) => ({ ...r, body: '<xml><Encrypt>' }), 400, 'malformed_xml'],
  ])('refuses %s and stores nothing', async (_label, make, status, reason) => {
    const t = await buildWecomTestApp(testDb.handle, { now: NOW });
    const base = wecomPost({
      token: WECOM.token,
      encodingAesKey: WECOM.key,
      corpId: WECOM.corpId,
      xml: wecomTextXml({ corpId: WECOM.corpId, from: 'u', content: '云帆科技 王总', msgId: '99', createTime: NOW_S }),
      timestamp: NOW_S,
    });
    const before = (await testDb.db.select().from(inboundEvents)).length;
    const res = await post(t, make(base));
    expect(res.statusCode).toBe(status);
    expect(res.body).toBe(reason);
    expect((await testDb.db.select().from(inboundEvents)).length).toBe(before);
  });

  it('answers 413 to oversized bodies and 503 when the database is down', async () => {
    const t = await buildWecomTestApp(testDb.handle, { now: NOW });
    const big = await post(t, {
      query: { msg_signature: 'x', timestamp: String(NOW_S), nonce: 'n' },
      body: `<xml>${'a'.repeat(70 * 1024)}</xml>`,
    });
    expect(big.statusCode).toBe(413);
    const down = createDb('mysql://root@127.0.0.1:1/genjin', 1);
    const t2 = await buildWecomTestApp(down, { now: NOW });
    const res = await post(
      t2,
      wecomPost({
        token: WECOM.token,
        encodingAesKey: WECOM.key,
        corpId: WECOM.corpId,
        xml: wecomTextXml({ corpId: WECOM.corpId, from: 'u', content: 'x', msgId: nextMsgId(), createTime: NOW_S }),
        timestamp: NOW_S,
      }),
    );
    expect(res.statusCode).toBe(503);
    await down.close();
  });
});
