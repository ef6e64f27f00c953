import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSettings, loadConfig } from '../../../src/config.js';
import { watchSettings } from '../../../src/config/watch-settings.js';
import { captureLogs } from '../../helpers/log-capture.js';

function settingsWith(digestChat: string) {
  const dir = mkdtempSync(join(tmpdir(), 'genjin-digest-chat-'));
  writeFileSync(join(dir, 'genjin.json'), JSON.stringify({ teams: [{ id: 'south', name: '华南', managers: ['wecom:LiSi'], digestChat }] }));
  return { dir, GENJIN_CONFIG: join(dir, 'genjin.json') };
}
const WECOM_APP = {
  WECOM_CORP_ID: 'ww_corp',
  WECOM_AGENT_ID: '1000002',
  WECOM_SECRET: 'secret',
  WECOM_TOKEN: 'token',
  WECOM_ENCODING_AES_KEY: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
};

describe('boot: a WeCom digestChat needs the smart bot', () => {
  it('refuses to start without the smart bot and says how to fix it', () => {
    const { dir, GENJIN_CONFIG } = settingsWith('wecom:wrkSouth');
    let message = '';
    try {
      loadConfig({ GENJIN_CONFIG, ...WECOM_APP }, dir);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('genjin cannot start');
    expect(message).toContain('teams[0].digestChat (team "south")');
    expect(message).toContain('set WECOM_BOT_ID and WECOM_BOT_SECRET');
    expect(message).toContain('or remove digestChat');
  });

  it('starts with the smart bot, and a Feishu digestChat needs none', () => {
    const wecom = settingsWith('wecom:wrkSouth');
    const config = loadConfig({ GENJIN_CONFIG: wecom.GENJIN_CONFIG, ...WECOM_APP, WECOM_BOT_ID: 'aib', WECOM_BOT_SECRET: 's' }, wecom.dir);
    expect(config.teams[0]?.digestChat).toBe('wecom:wrkSouth');
    const feishu = settingsWith('feishu:oc_south');
    expect(loadConfig({ GENJIN_CONFIG: feishu.GENJIN_CONFIG }, feishu.dir).teams[0]?.digestChat).toBe('feishu:oc_south');
  });
});

describe('settings reload: a WeCom digestChat needs the smart bot too', () => {
  it('ignores a changed file that adds one without the bot, logging how to fix it', async () => {
    const { GENJIN_CONFIG } = settingsWith('wecom:wrkSouth');
    const logs = captureLogs();
    const applied: unknown[] = [];
    const watcher = watchSettings({
      path: GENJIN_CONFIG,
      initial: defaultSettings(),
      log: logs.log,
      applyTeams: async (teams) => applied.push(teams),
      wecomBot: false,
    });
    await watcher.reload();
    watcher.close();
    expect(applied).toEqual([]);
    expect(logs.text()).toContain('settings file change ignored');
    expect(logs.text()).toContain('set WECOM_BOT_ID and WECOM_BOT_SECRET');
    const withBot = watchSettings({
      path: GENJIN_CONFIG,
      initial: defaultSettings(),
      log: logs.log,
      applyTeams: async (teams) => applied.push(teams),
      wecomBot: true,
    });
    await withBot.reload();
    withBot.close();
    expect(applied).toHaveLength(1);
  });
});
