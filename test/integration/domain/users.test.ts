import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { teams, workspaces } from '../../../src/db/schema/index.js';
import { createUsersService } from '../../../src/domain/users/users-service.js';
import { fixedClock } from '../../helpers/clock.js';
import { uniqueId, useTestDatabase } from '../../helpers/db.js';

describe('users service', () => {
  const testDb = useTestDatabase();
  const clock = fixedClock('2026-11-25T02:00:00Z');
  const settings = [{ id: 'east', name: '华东一组', managers: ['feishu:ou_boss'], members: ['feishu:ou_rep', 'feishu:ou_boss'], digestChat: 'feishu:oc_team' }];

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
});
