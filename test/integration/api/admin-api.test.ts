import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignments, customers, followUps } from '../../../src/db/schema/index.js';
import type { UserRecord } from '../../../src/domain/users/users-service.js';
import { buildFeishuTestApp } from '../../helpers/build-test-app.js';
import { createTestWorkspace, uniqueId, useTestDatabase } from '../../helpers/db.js';
import { handoverFixture } from '../../helpers/handover-fixture.js';

const TOKEN = 'admin-token-0123456789abcdef0123';
const NOW = new Date('2026-11-25T02:00:05Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);
const NOTE = '王总说预算50万，手机13912345678';

type Page<T> = { data: T[]; nextCursor: string | null };
type Customer = { id: number; name: string; owner: { ref: string } | null; team: { key: string } | null; tags: string[] };

describe('admin API', () => {
  const testDb = useTestDatabase();
  const f = handoverFixture(() => testDb.handle);
  const ext = uniqueId('tenant');
  let app: Awaited<ReturnType<typeof buildFeishuTestApp>>;
  let a: number;
  let b: number;
  let zhang: UserRecord;
  let li: UserRecord;
  const ids: Record<string, number> = {};

  async function customer(workspaceId: number, name: string, o: Partial<typeof customers.$inferInsert> = {}) {
    const [r] = await testDb.db.insert(customers).values({
      workspaceId,
      name,
      normalizedName: name.toLowerCase(),
      tags: [],
      createdAt: daysAgo(100),
      updatedAt: daysAgo(10),
      ...o,
    });
    ids[name] = r.insertId;
    return r.insertId;
  }
  async function followUp(workspaceId: number, customerId: number, authorUserId: number, o: Partial<typeof followUps.$inferInsert> = {}) {
    const [r] = await testDb.db.insert(followUps).values({
      workspaceId,
      customerId,
      authorUserId,
      rawText: NOTE,
      parsed: {},
      summary: NOTE,
      status: 'confirmed',
      occurredAt: daysAgo(5),
      createdAt: daysAgo(5),
      updatedAt: daysAgo(5),
      ...o,
    });
    return r.insertId;
  }

  beforeAll(async () => {
    a = await createTestWorkspace(testDb.handle, 'feishu', ext);
    b = await createTestWorkspace(testDb.handle, 'feishu');
    const east = await f.team(a, 'east');
    zhang = await f.user(a, 'rep', east, { name: '张三', platformUserId: 'ou_zhang' });
    li = await f.user(a, 'manager', null, { name: '李四', platformUserId: 'ou_li' });
    await customer(a, '云帆', {
      ownerUserId: zhang.id,
      teamId: east,
      stage: 'quote',
      tier: 'A',
      tags: ['大客户', '华东'],
      lastFollowUpAt: daysAgo(40),
      amount: 500000,
    });
    await customer(a, '星河', { ownerUserId: li.id, stage: 'lead', tier: 'B', lastFollowUpAt: daysAgo(2), updatedAt: daysAgo(1) });
    await customer(a, '明达', { stage: 'won', tags: ['大客户'], pooledAt: daysAgo(3) });
    for (let i = 0; i < 5; i++) await customer(a, `批量${i}`, { ownerUserId: zhang.id, teamId: east, lastFollowUpAt: daysAgo(i) });
    // Workspace B: same names and a user with the same platform id; none of it may show through A.
    const bZhang = await f.user(b, 'rep', null, { name: '张三', platformUserId: 'ou_zhang' });
    const bCustomer = await customer(b, '云帆B', { ownerUserId: bZhang.id, tags: ['大客户'], updatedAt: daysAgo(0) });
    ids.bFollowUp = await followUp(b, bCustomer, bZhang.id, { updatedAt: daysAgo(0) });

    ids.f1 = await followUp(a, ids['云帆']!, zhang.id, { updatedAt: daysAgo(6), occurredAt: daysAgo(6) });
    ids.f2 = await followUp(a, ids['云帆']!, zhang.id, { updatedAt: daysAgo(4), occurredAt: daysAgo(4), status: 'undone' });
    ids.f3 = await followUp(a, ids['星河']!, li.id, { updatedAt: daysAgo(4), occurredAt: daysAgo(4) });
    ids.draft = await followUp(a, ids['星河']!, li.id, { updatedAt: daysAgo(1), status: 'draft' });
    await testDb.db.insert(assignments).values([
      {
        workspaceId: a,
        customerId: ids['云帆']!,
        fromUserId: null,
        toUserId: li.id,
        reason: 'create',
        actorUserId: li.id,
        createdAt: daysAgo(50),
      },
      {
        workspaceId: a,
        customerId: ids['云帆']!,
        fromUserId: li.id,
        toUserId: zhang.id,
        reason: 'reassign',
        actorUserId: li.id,
        createdAt: daysAgo(30),
      },
    ]);
    app = await buildFeishuTestApp(testDb.handle, {
      now: NOW.toISOString(),
      env: { GENJIN_ADMIN_TOKEN: TOKEN, GENJIN_ADMIN_WORKSPACE: `feishu:${ext}` },
    });
  });
  afterAll(async () => {
    await app?.app.close();
  });

  const get = (url: string, token: string | null = TOKEN) =>
    app.app.inject({ method: 'GET', url, headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  const names = async (query: string) => {
    const res = await get(`/api/v1/customers?${query}`);
    expect(res.statusCode).toBe(200);
    return (res.json() as Page<Customer>).data.map((c) => c.name).sort();
  };

  it('answers 401 without the token, with a wrong one or another scheme, on every route', async () => {
    for (const url of [
      '/api/v1/customers',
      '/api/v1/customers/1',
      '/api/v1/follow-ups?since=2026-01-01T00:00:00Z',
      '/api/v1/openapi.json',
    ]) {
      for (const headers of [
        {},
        { authorization: `Bearer ${TOKEN}x` },
        { authorization: `Basic ${TOKEN}` },
        { authorization: 'Bearer ' },
      ]) {
        const res = await app.app.inject({ method: 'GET', url, headers });
        expect(res.statusCode).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Bearer');
        expect(res.json()).toMatchObject({ error: 'unauthorized' });
      }
    }
    expect((await get('/api/v1/customers')).statusCode).toBe(200);
  });

  it('does not register the routes when GENJIN_ADMIN_TOKEN is unset', async () => {
    const bare = await buildFeishuTestApp(testDb.handle, { now: NOW.toISOString() });
    const res = await bare.app.inject({ method: 'GET', url: '/api/v1/customers', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(404);
    await bare.app.close();
  });

  it('filters by owner, pool, team, stage, tier, tag, quietDays and updatedSince, within the workspace', async () => {
    expect(await names('owner=feishu:ou_zhang')).toEqual(['云帆', '批量0', '批量1', '批量2', '批量3', '批量4']);
    expect(await names('owner=pool')).toEqual(['明达']);
    expect(await names('owner=feishu:ou_nobody')).toEqual([]);
    expect(await names('team=east&tier=A')).toEqual(['云帆']);
    expect(await names('stage=won')).toEqual(['明达']);
    expect(await names('tag=大客户')).toEqual(['云帆', '明达']);
    // 明达 was never followed up: created 100 days ago counts.
    expect(await names('quietDays=30')).toEqual(['云帆', '明达']);
    expect(await names('quietDays=3&owner=feishu:ou_zhang')).toEqual(['云帆', '批量3', '批量4']);
    expect(await names(`updatedSince=${encodeURIComponent(daysAgo(2).toISOString())}`)).toEqual(['星河']);
    const [yunfan] = (await get('/api/v1/customers?tier=A')).json().data as Customer[];
    expect(yunfan).toMatchObject({
      owner: { ref: 'feishu:ou_zhang', name: '张三' },
      team: { key: 'east', name: 'east' },
      stage: 'quote',
      amount: 500000,
      tags: ['大客户', '华东'],
    });
  });

  it('pages with a cursor until nextCursor is null, each customer once', async () => {
    const seen: number[] = [];
    let url = '/api/v1/customers?limit=3';
    for (let pages = 0; pages < 10; pages++) {
      const body = (await get(url)).json() as Page<Customer>;
      seen.push(...body.data.map((c) => c.id));
      if (!body.nextCursor) break;
      expect(body.data).toHaveLength(3);
      url = `/api/v1/customers?limit=3&cursor=${body.nextCursor}`;
    }
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(new Set(seen).size).toBe(8);
    expect(seen).not.toContain(ids['云帆B']);
  });

  it.each([
    ['limit=201', 'limit must be a whole number from 1 to 200'],
    ['limit=0', 'limit must be a whole number from 1 to 200'],
    ['limit=ten', 'limit must be a whole number from 1 to 200'],
    ['stage=closed', 'stage must be one of lead, qualified, proposal, quote, negotiation, won, lost'],
    ['tier=D', 'tier must be A, B or C'],
    ['owner=zhang', 'owner must be <platform>:<id> or pool'],
    ['quietDays=-1', 'quietDays must be a whole number of days'],
    ['updatedSince=yesterday', 'updatedSince must be an ISO 8601 time with a zone'],
    ['cursor=!!', 'cursor must be the nextCursor of a previous page'],
    ['cursor=abc', 'cursor must be the nextCursor of a previous page'],
    ['ower=feishu:ou_zhang', 'unknown parameter "ower"'],
  ])('answers 400 with a message for %s', async (query, message) => {
    const res = await get(`/api/v1/customers?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'bad_request', message: expect.stringContaining(message) });
  });

  it('shows one customer with its follow-ups (no drafts) and owner history; another workspace’s customer is 404', async () => {
    const res = await get(`/api/v1/customers/${ids['云帆']}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ name: '云帆', owner: { ref: 'feishu:ou_zhang' } });
    expect(body.followUps.map((x: { id: number; status: string }) => [x.id, x.status])).toEqual([
      [ids.f2, 'undone'],
      [ids.f1, 'confirmed'],
    ]);
    expect(body.ownerHistory).toEqual([
      {
        at: daysAgo(30).toISOString(),
        reason: 'reassign',
        from: { ref: 'feishu:ou_li', name: '李四' },
        to: { ref: 'feishu:ou_zhang', name: '张三' },
        actor: { ref: 'feishu:ou_li', name: '李四' },
      },
      {
        at: daysAgo(50).toISOString(),
        reason: 'create',
        from: null,
        to: { ref: 'feishu:ou_li', name: '李四' },
        actor: { ref: 'feishu:ou_li', name: '李四' },
      },
    ]);
    expect((await get(`/api/v1/customers/${ids['云帆B']}`)).statusCode).toBe(404);
    expect((await get('/api/v1/customers/abc')).json()).toMatchObject({ error: 'bad_request', message: 'id must be a customer id' });
  });

  it('lists follow-ups changed since a time, oldest change first, in pages, never drafts or another workspace’s', async () => {
    const since = encodeURIComponent(daysAgo(30).toISOString());
    const first = (await get(`/api/v1/follow-ups?since=${since}&limit=2`)).json() as Page<{
      id: number;
      text: string;
      author: { ref: string };
    }>;
    expect(first.data.map((x) => x.id)).toEqual([ids.f1, ids.f2]);
    expect(first.data[0]).toMatchObject({ text: NOTE, author: { ref: 'feishu:ou_zhang' } });
    const second = (await get(`/api/v1/follow-ups?since=${since}&limit=2&cursor=${first.nextCursor}`)).json() as Page<{ id: number }>;
    expect(second).toEqual({ data: [expect.objectContaining({ id: ids.f3 })], nextCursor: null });
    const recent = (await get(`/api/v1/follow-ups?since=${encodeURIComponent(daysAgo(4.5).toISOString())}`)).json() as Page<{ id: number }>;
    expect(recent.data.map((x) => x.id)).toEqual([ids.f2, ids.f3]);
    expect((await get('/api/v1/follow-ups')).json()).toMatchObject({ error: 'bad_request', message: expect.stringContaining('since') });
  });

  it('never logs note text or the token', async () => {
    await get(`/api/v1/customers/${ids['云帆']}`);
    await get('/api/v1/follow-ups?since=2026-01-01T00:00:00Z');
    await get('/api/v1/customers', 'wrong-token-wrong-token-wrong');
    expect(app.logs.text()).not.toContain('预算50万');
    expect(app.logs.text()).not.toContain(TOKEN);
  });

  it('serves the OpenAPI document generated from the zod schemas', async () => {
    const doc = (await get('/api/v1/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(['/api/v1/customers', '/api/v1/customers/{id}', '/api/v1/follow-ups']);
    const params = doc.paths['/api/v1/customers'].get.parameters as { name: string; schema: Record<string, unknown> }[];
    expect(params.map((p) => p.name)).toEqual(['owner', 'team', 'stage', 'tier', 'tag', 'quietDays', 'updatedSince', 'limit', 'cursor']);
    expect(params.find((p) => p.name === 'limit')!.schema).toMatchObject({ maximum: 200, minimum: 1 });
    expect(doc.components.schemas.Customer.properties.stage.enum).toContain('negotiation');
  });

  it('refuses to guess between workspaces when GENJIN_ADMIN_WORKSPACE is unset (503 naming them)', async () => {
    const unpinned = await buildFeishuTestApp(testDb.handle, { now: NOW.toISOString(), env: { GENJIN_ADMIN_TOKEN: TOKEN } });
    const res = await unpinned.app.inject({ method: 'GET', url: '/api/v1/customers', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: 'workspace_not_chosen', message: expect.stringContaining(`feishu:${ext}`) });
    await unpinned.app.close();
  });
});
