import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teams, users as userRows, workspaces } from '../../../src/db/schema/index.js';
import { createUsersService, USERS_CACHE_TTL_MS } from '../../../src/domain/users/users-service.js';
import { fixedClock } from '../../helpers/clock.js';
import { uniqueId, useTestDatabase } from '../../helpers/db.js';
import { createObservedDb, type ObservedDb } from './count-statements.js';

describe('users service', () => {
  const testDb = useTestDatabase();
  let observed: ObservedDb;
  beforeAll(() => {
    observed = createObservedDb(testDb.url);
  });
  afterAll(() => observed.close());
  const clock = fixedClock('2026-11-25T02:00:00Z');
  const settings = [
    {
      id: 'east',
      name: '华东一组',
      managers: ['feishu:ou_boss'],
      members: ['feishu:ou_rep', 'feishu:ou_boss'],
      digestChat: 'feishu:oc_team',
    },
  ];

  it('creates one workspace per platform installation, even when first messages race', async () => {
    const users = createUsersService({ db: testDb.db, clock, teams: settings });
    const tenant = uniqueId('tenant');
    const results = await Promise.all(Array.from({ length: 8 }, () => users.ensureWorkspace('feishu', tenant)));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await testDb.db.select().from(workspaces).where(eq(workspaces.externalId, tenant))).toHaveLength(1);
  });

  it('takes roles and teams from the settings file, and registers each user once', async () => {
    const users = createUsersService({ db: testDb.db, clock, teams: settings });
    const ws = await users.ensureWorkspace('feishu', uniqueId('tenant'));
    const [boss, rep] = await Promise.all([users.ensureUser(ws.id, 'feishu', 'ou_boss'), users.ensureUser(ws.id, 'feishu', 'ou_rep')]);
    expect(boss).toMatchObject({ role: 'manager', ref: 'feishu:ou_boss' });
    expect(rep).toMatchObject({ role: 'rep', teamId: boss.teamId });
    const [team] = await testDb.db.select().from(teams).where(eq(teams.workspaceId, ws.id));
    expect(team).toMatchObject({ key: 'east', name: '华东一组', digestChatId: 'oc_team' });
    expect((await users.ensureUser(ws.id, 'feishu', 'ou_rep')).id).toBe(rep.id);
  });

  it('gives a rep without a team their platform manager, and survives a failing profile lookup', async () => {
    const users = createUsersService({ db: testDb.db, clock, teams: settings });
    const ws = await users.ensureWorkspace('feishu', uniqueId('tenant'));
    const rep = await users.ensureUser(ws.id, 'feishu', 'ou_loner', async () => ({ name: '张三', managerPlatformUserId: 'ou_lead' }));
    expect(rep).toMatchObject({ name: '张三', role: 'rep', teamId: null });
    const lead = await users.ensureUser(ws.id, 'feishu', 'ou_lead');
    expect(rep.managerUserId).toBe(lead.id);

    const unlucky = await users.ensureUser(ws.id, 'feishu', 'ou_unlucky', async () => {
      throw new Error('99991672 no permission');
    });
    expect(unlucky).toMatchObject({ name: null, role: 'rep' });
    // The name is filled in on a later message once the lookup works.
    expect((await users.ensureUser(ws.id, 'feishu', 'ou_unlucky', async () => ({ name: '李四' }))).name).toBe('李四');
  });

  it('renames a smart bot workspace filed under bot:<id> to the corp id, once, and never onto an existing one', async () => {
    const users = createUsersService({ db: testDb.db, clock, teams: settings });
    const botId = uniqueId('aib');
    const corpId = uniqueId('ww');
    const old = await users.ensureWorkspace('wecom', `bot:${botId}`);
    expect(await users.renameWorkspace('wecom', `bot:${botId}`, corpId)).toBe(true);
    expect(await users.findWorkspace('wecom', corpId)).toMatchObject({ id: old.id });
    expect(await users.findWorkspace('wecom', `bot:${botId}`)).toBeNull();
    expect(await users.renameWorkspace('wecom', `bot:${botId}`, corpId)).toBe(false);

    // The app already filed data under the corp id: both rows stay as they are.
    const otherBot = uniqueId('aib');
    const stray = await users.ensureWorkspace('wecom', `bot:${otherBot}`);
    expect(await users.renameWorkspace('wecom', `bot:${otherBot}`, corpId)).toBe(false);
    expect(await users.findWorkspace('wecom', `bot:${otherBot}`)).toMatchObject({ id: stray.id });
    expect(await users.findWorkspace('wecom', corpId)).toMatchObject({ id: old.id });
  });

  it('serves workspaces and users from memory: a settings reload through it applies at once, a change by another replica within the TTL', async () => {
    const clock = fixedClock('2026-11-25T02:00:00Z');
    const users = createUsersService({ db: observed.db, clock, teams: [] });
    const ws = await users.ensureWorkspace('feishu', uniqueId('tenant'));
    const rep = await users.ensureUser(ws.id, 'feishu', 'ou_cached', async () => ({ name: '赵六' }));
    expect(rep).toMatchObject({ role: 'rep', teamId: null });
    observed.reset();
    const [row] = await testDb.db.select().from(workspaces).where(eq(workspaces.id, ws.id));
    observed.reset();
    expect(await users.ensureWorkspace('feishu', row?.externalId ?? '')).toEqual(ws);
    expect(await users.ensureUser(ws.id, 'feishu', 'ou_cached')).toEqual(rep);
    expect(observed.statements()).toEqual([]);

    // The settings file changes (this process reloads it): the new role holds for the next message.
    await users.applySettings([{ id: 'west', name: '西部', managers: ['feishu:ou_cached'], members: [] }]);
    expect(await users.ensureUser(ws.id, 'feishu', 'ou_cached')).toMatchObject({ role: 'manager' });

    // Another replica's change (here written directly) is seen once USERS_CACHE_TTL_MS has passed.
    await testDb.db.update(userRows).set({ active: false }).where(eq(userRows.id, rep.id));
    clock.advance(USERS_CACHE_TTL_MS - 1);
    expect(await users.ensureUser(ws.id, 'feishu', 'ou_cached')).toMatchObject({ active: true });
    clock.advance(1);
    expect(await users.ensureUser(ws.id, 'feishu', 'ou_cached')).toMatchObject({ active: false });
  });

  it('a user whose name is still unknown: the profile is asked on every message, the row read again once USERS_CACHE_TTL_MS has passed', async () => {
    const clock = fixedClock('2026-11-25T02:00:00Z');
    const users = createUsersService({ db: testDb.db, clock, teams: [] });
    const ws = await users.ensureWorkspace('feishu', uniqueId('tenant'));
    const noProfile = async () => null;
    const nameless = await users.ensureUser(ws.id, 'feishu', 'ou_nameless', noProfile);
    await testDb.db.update(userRows).set({ role: 'admin' }).where(eq(userRows.id, nameless.id));
    clock.advance(USERS_CACHE_TTL_MS / 2);
    expect(await users.ensureUser(ws.id, 'feishu', 'ou_nameless', noProfile)).toMatchObject({ role: 'rep' });
    clock.advance(USERS_CACHE_TTL_MS / 2 - 1);
    expect(await users.ensureUser(ws.id, 'feishu', 'ou_nameless', noProfile)).toMatchObject({ role: 'rep' });
    // Read USERS_CACHE_TTL_MS ago, however often the profile was asked meanwhile: read again.
    clock.advance(1);
    expect(await users.ensureUser(ws.id, 'feishu', 'ou_nameless', noProfile)).toMatchObject({ role: 'admin' });
  });

  describe('applySettings (the teams of the settings file, at boot and on every change)', () => {
    const teamOf = async (workspaceId: number, key: string) =>
      (await testDb.db.select().from(teams).where(eq(teams.workspaceId, workspaceId))).find((t) => t.key === key);

    it('places users who already wrote without them writing again, and users who have not yet at first contact', async () => {
      const users = createUsersService({ db: testDb.db, clock, teams: [] });
      const ws = await users.ensureWorkspace('feishu', uniqueId('tenant'));
      expect(await users.ensureUser(ws.id, 'feishu', 'ou_early')).toMatchObject({ role: 'rep', teamId: null });

      const north = {
        id: 'north',
        name: '华北',
        managers: ['feishu:ou_early'],
        members: ['feishu:ou_early', 'feishu:ou_later'],
        digestChat: 'feishu:oc_north',
      };
      await users.applySettings([north]);
      const team = await teamOf(ws.id, 'north');
      expect(team).toMatchObject({ name: '华北', digestChatId: 'oc_north' });
      expect(await users.findUser(ws.id, 'feishu', 'ou_early')).toMatchObject({ role: 'manager', teamId: team?.id });
      expect(await users.ensureUser(ws.id, 'feishu', 'ou_later')).toMatchObject({ role: 'rep', teamId: team?.id });

      await users.applySettings([{ ...north, name: '华北大区', digestChat: 'feishu:oc_north2' }]);
      expect(await teamOf(ws.id, 'north')).toMatchObject({ id: team?.id, name: '华北大区', digestChatId: 'oc_north2' });
    });

    it('puts a user removed from every team back to rep with no team, and leaves admins (GENJIN_ADMINS) and platform managers alone', async () => {
      const users = createUsersService({ db: testDb.db, clock, teams: settings, admins: ['feishu:ou_boss'] });
      const ws = await users.ensureWorkspace('feishu', uniqueId('tenant'));
      const boss = await users.ensureUser(ws.id, 'feishu', 'ou_boss');
      await users.ensureUser(ws.id, 'feishu', 'ou_rep');
      const loner = await users.ensureUser(ws.id, 'feishu', 'ou_loner', async () => ({ managerPlatformUserId: 'ou_lead' }));
      expect(boss.role).toBe('admin');

      await users.applySettings([{ id: 'east', name: '华东一组', managers: [], members: ['feishu:ou_boss'] }]);
      expect(await users.findUser(ws.id, 'feishu', 'ou_rep')).toMatchObject({ role: 'rep', teamId: null });
      expect(await users.findUser(ws.id, 'feishu', 'ou_boss')).toMatchObject({ role: 'admin', teamId: boss.teamId });
      expect(await users.findUser(ws.id, 'feishu', 'ou_loner')).toMatchObject({
        role: 'rep',
        teamId: null,
        managerUserId: loner.managerUserId,
      });
      expect(loner.managerUserId).not.toBeNull();
    });

    it('keeps managers first when a user is listed as a member elsewhere, in every workspace of the platform', async () => {
      const users = createUsersService({ db: testDb.db, clock, teams: [] });
      const a = await users.ensureWorkspace('feishu', uniqueId('tenant'));
      const b = await users.ensureWorkspace('feishu', uniqueId('tenant'));
      const corp = await users.ensureWorkspace('wecom', uniqueId('ww'));
      for (const ws of [a, b]) await users.ensureUser(ws.id, 'feishu', 'ou_lead2');
      await users.ensureUser(corp.id, 'wecom', 'LiSi');

      await users.applySettings([
        { id: 'west', name: '西部', managers: [], members: ['feishu:ou_lead2'], digestChat: 'feishu:oc_west' },
        { id: 'hq', name: '总部', managers: ['feishu:ou_lead2', 'wecom:LiSi'], members: [] },
        { id: 'south', name: '华南', managers: [], members: ['wecom:ZhangSan'], digestChat: 'wecom:wrkSouth' },
      ]);
      for (const ws of [a, b]) {
        expect(await users.findUser(ws.id, 'feishu', 'ou_lead2')).toMatchObject({
          role: 'manager',
          teamId: (await teamOf(ws.id, 'hq'))?.id,
        });
        expect(await teamOf(ws.id, 'west')).toMatchObject({ digestChatId: 'oc_west' });
        // A team with nobody on this platform gets no row here.
        expect(await teamOf(ws.id, 'south')).toBeUndefined();
      }
      expect(await users.findUser(corp.id, 'wecom', 'LiSi')).toMatchObject({ role: 'manager', teamId: (await teamOf(corp.id, 'hq'))?.id });
      expect(await teamOf(corp.id, 'south')).toMatchObject({ name: '华南', digestChatId: 'wrkSouth' });
    });
  });
  it('makes GENJIN_ADMINS admins at first contact and at every apply, and places an ex-admin by the settings file', async () => {
    const withAdmin = createUsersService({ db: testDb.db, clock, teams: settings, admins: ['feishu:ou_chief'] });
    const ws = await withAdmin.ensureWorkspace('feishu', uniqueId('tenant'));
    expect((await withAdmin.ensureUser(ws.id, 'feishu', 'ou_chief')).role).toBe('admin');
    expect((await withAdmin.ensureUser(ws.id, 'feishu', 'ou_rep')).role).toBe('rep');
    // The next boot without ou_chief in GENJIN_ADMINS, with the file naming them a team's manager.
    const without = createUsersService({ db: testDb.db, clock, teams: [], admins: [] });
    await without.applySettings([{ id: 'north', name: '华北组', managers: ['feishu:ou_chief'], members: [] }]);
    expect(await without.findUser(ws.id, 'feishu', 'ou_chief')).toMatchObject({ role: 'manager' });
    // And back: listed again, admin again, whatever the file says.
    await withAdmin.applySettings([{ id: 'north', name: '华北组', managers: ['feishu:ou_chief'], members: [] }]);
    expect(await withAdmin.findUser(ws.id, 'feishu', 'ou_chief')).toMatchObject({ role: 'admin' });
  });
});
