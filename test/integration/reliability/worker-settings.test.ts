import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { startWorker } from '../../../src/worker/run-worker.js';
import { FEISHU_ENV } from '../../helpers/build-test-app.js';
import { fixedClock } from '../../helpers/clock.js';
import { uniqueId, useTestDatabase } from '../../helpers/db.js';
import { captureLogs } from '../../helpers/log-capture.js';

const dir = mkdtempSync(join(tmpdir(), 'genjin-worker-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * `npm start` forks the worker, which registers the people who first write to the bot: it must
 * place them by the teams of the settings file in force, also after the file changed while it ran
 * (the web process watching the file is not enough: the worker keeps its own copy and its caches).
 */
describe('a worker process follows the settings file', () => {
  const testDb = useTestDatabase();

  it('places someone the changed file names, at their first message, by the new teams', async () => {
    const settingsPath = join(dir, 'genjin.json');
    writeFileSync(settingsPath, JSON.stringify({}));
    const config = loadConfig(
      {
        ...FEISHU_ENV,
        GENJIN_CONFIG: settingsPath,
      },
      dir,
    );
    const logs = captureLogs();
    const worker = await startWorker(config, {
      log: logs.log,
      database: testDb.handle,
      clock: fixedClock('2026-11-25T02:00:00Z'),
      owner: 'test:worker',
      settingsDebounceMs: 50,
    });
    try {
      const { users } = worker.genjin.services;
      const ws = await users.ensureWorkspace('feishu', uniqueId('tenant'));
      const east = { id: 'east', name: '华东一组', managers: ['feishu:ou_zhao'], members: [] };
      writeFileSync(settingsPath, JSON.stringify({ teams: [east] }));
      await vi.waitFor(() => expect(logs.text()).toContain('teams from the changed settings file applied'), { timeout: 5000 });

      expect(await users.ensureUser(ws.id, 'feishu', 'ou_zhao')).toMatchObject({ role: 'manager', teamId: expect.any(Number) });
    } finally {
      await worker.stop();
    }
  });
});
