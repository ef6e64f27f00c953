import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';

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
