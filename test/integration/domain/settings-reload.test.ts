import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { defaultSettings } from '../../../src/config.js';
import { watchSettings } from '../../../src/config/watch-settings.js';
import { createUsersService } from '../../../src/domain/users/users-service.js';
import { fixedClock } from '../../helpers/clock.js';
import { uniqueId, useTestDatabase } from '../../helpers/db.js';
import { captureLogs } from '../../helpers/log-capture.js';

const dir = mkdtempSync(join(tmpdir(), 'genjin-reload-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('teams reloaded from the settings file', () => {
  const testDb = useTestDatabase();

  it('makes a rep who already wrote a manager once the file names them, without them writing again; a bad edit is logged and ignored', async () => {
    const path = join(dir, 'genjin.json');
    writeFileSync(path, JSON.stringify({}));
    const users = createUsersService({ db: testDb.db, clock: fixedClock('2026-11-25T02:00:00Z'), teams: [] });
    const ws = await users.ensureWorkspace('feishu', uniqueId('tenant'));
    const rep = await users.ensureUser(ws.id, 'feishu', 'ou_wang');
    expect(rep).toMatchObject({ role: 'rep', teamId: null });

    const logs = captureLogs();
    const watcher = watchSettings({
      path,
      initial: defaultSettings(),
      log: logs.log,
      debounceMs: 50,
      applyTeams: (teams) => users.applySettings(teams),
    });
    try {
      const east = { id: 'east', name: '华东一组', managers: ['feishu:ou_wang'], members: ['feishu:ou_li'] };
      writeFileSync(path, JSON.stringify({ teams: [east] }));
      await vi.waitFor(
        async () => expect(await users.findUser(ws.id, 'feishu', 'ou_wang')).toMatchObject({ role: 'manager', teamId: expect.any(Number) }),
        { timeout: 5000 },
      );
      expect(logs.lines().find((l) => l.msg === 'teams from the changed settings file applied')).toMatchObject({ report: { placed: 1 } });

      // A typo: the whole edit is refused, so nobody loses their team to it.
      writeFileSync(path, JSON.stringify({ teams: [{ ...east, managers: ['ou_wang'] }] }));
      await vi.waitFor(() => expect(logs.text()).toContain('settings file change ignored'), { timeout: 5000 });
      expect(logs.text()).toContain('teams[0].managers[0] must be written <platform>:<id>');
      expect(await users.findUser(ws.id, 'feishu', 'ou_wang')).toMatchObject({ role: 'manager' });
      // Someone the file named before they ever wrote is placed at first contact, by the file in force.
      const wang = await users.findUser(ws.id, 'feishu', 'ou_wang');
      expect(await users.ensureUser(ws.id, 'feishu', 'ou_li')).toMatchObject({ role: 'rep', teamId: wang?.teamId });
    } finally {
      watcher.close();
    }
  });
});
