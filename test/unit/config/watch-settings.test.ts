import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { defaultSettings } from '../../../src/config.js';
import type { TeamSettings } from '../../../src/config/file-schema.js';
import { watchSettings, type SettingsWatcher } from '../../../src/config/watch-settings.js';
import { captureLogs } from '../../helpers/log-capture.js';

const root = mkdtempSync(join(tmpdir(), 'genjin-watch-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const team = (managers: string[]) => ({ id: 'east', name: '华东', managers, members: [] });

describe('watchSettings', () => {
  const watchers: SettingsWatcher[] = [];
  afterEach(() => {
    for (const w of watchers.splice(0)) w.close();
  });

  function setup(initial: object = {}) {
    const dir = mkdtempSync(join(root, 'case-'));
    const path = join(dir, 'genjin.json');
    writeFileSync(path, JSON.stringify(initial));
    const logs = captureLogs();
    const applied: TeamSettings[][] = [];
    const watcher = watchSettings({
      path,
      initial: { ...defaultSettings(), ...initial },
      log: logs.log,
      debounceMs: 50,
      applyTeams: async (teams) => void applied.push(teams),
    });
    watchers.push(watcher);
    return { dir, path, logs, applied, watcher };
  }

  it('applies a valid edit once, after the writes settle', async () => {
    const { path, applied } = setup();
    writeFileSync(path, '{"teams": [');
    writeFileSync(path, JSON.stringify({ teams: [team(['feishu:ou_a'])] }));
    await vi.waitFor(() => expect(applied).toHaveLength(1), { timeout: 3000 });
    expect(applied[0]?.[0]).toMatchObject({ id: 'east', managers: ['feishu:ou_a'] });
    await new Promise((r) => setTimeout(r, 200));
    expect(applied).toHaveLength(1);
  });

  it('follows an editor that saves by renaming a new file over the old one', async () => {
    const { dir, path, applied } = setup();
    const tmp = join(dir, '.genjin.json.swp');
    writeFileSync(tmp, JSON.stringify({ teams: [team(['feishu:ou_b'])] }));
    renameSync(tmp, path);
    await vi.waitFor(() => expect(applied.at(-1)?.[0]?.managers).toEqual(['feishu:ou_b']), { timeout: 3000 });
    writeFileSync(tmp, JSON.stringify({ teams: [team(['feishu:ou_c'])] }));
    renameSync(tmp, path);
    await vi.waitFor(() => expect(applied.at(-1)?.[0]?.managers).toEqual(['feishu:ou_c']), { timeout: 3000 });
  });

  it('logs the problems of a bad edit, keeps the previous settings, and applies the next good one', async () => {
    const { path, applied, logs, watcher } = setup({ teams: [team(['feishu:ou_a'])] });
    writeFileSync(path, JSON.stringify({ teams: [{ id: 'east', name: '华东', managers: ['ou_missing_platform'] }], colour: 'red' }));
    await vi.waitFor(() => expect(logs.text()).toContain('settings file change ignored'), { timeout: 3000 });
    const line = logs.lines().find((l) => l.msg === 'settings file change ignored: fix the file; the previous settings stay in force');
    expect(line?.problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('teams[0].managers[0] must be written <platform>:<id>'),
        expect.stringContaining('unknown key(s) colour'),
      ]),
    );
    expect(line?.level).toBe(50);
    expect(applied).toHaveLength(0);

    writeFileSync(path, '{ not json');
    await watcher.reload();
    expect(logs.text()).toContain('is not valid JSON');
    expect(applied).toHaveLength(0);

    writeFileSync(path, JSON.stringify({ teams: [team(['feishu:ou_z'])] }));
    await watcher.reload();
    expect(applied.at(-1)?.[0]?.managers).toEqual(['feishu:ou_z']);
  });

  it('applies nothing when the teams did not change, and says which other settings wait for a restart', async () => {
    const { path, applied, logs, watcher } = setup({ teams: [team(['feishu:ou_a'])] });
    await watcher.reload();
    expect(applied).toHaveLength(0);
    writeFileSync(path, JSON.stringify({ timeZone: 'Asia/Tokyo', teams: [team(['feishu:ou_a'])] }));
    await watcher.reload();
    expect(applied).toHaveLength(0);
    expect(logs.lines().find((l) => l.msg === 'settings other than teams take effect at the next restart')).toMatchObject({
      keys: ['timeZone'],
    });
  });
});
