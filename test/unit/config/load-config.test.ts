import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { isAppError } from '../../../src/lib/errors.js';
import { DEMO_TEAM } from '../../../src/config/console-demo.js';

const root = mkdtempSync(join(tmpdir(), 'genjin-config-'));
const emptyDir = () => mkdtempSync(join(root, 'case-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function problemsOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isAppError(err, 'config_invalid')) return err.message;
    throw err;
  }
  throw new Error('expected a configuration error');
}

describe('loadConfig', () => {
  it('boots on built-in defaults with no env and no settings file', () => {
    const config = loadConfig({}, emptyDir());
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 3000,
      databaseUrl: 'mysql://root@127.0.0.1:3306/genjin',
      migrateOnStart: true,
      timeZone: 'Asia/Shanghai',
      locale: 'zh-CN',
      configSource: 'built-in defaults',
      feishu: null,
      wecom: null,
      llm: null,
      // No platform: the local console is on, with its demo team placed like the file's teams.
      console: { token: null },
      teams: [DEMO_TEAM],
    });
    expect(config.reminders.quietDays).toEqual({ A: 7, B: 14, C: 30 });
  });

  it('turns the console on or off with GENJIN_CONSOLE, and checks its token', () => {
    const feishu = { FEISHU_APP_ID: 'cli_a', FEISHU_APP_SECRET: 's', FEISHU_VERIFICATION_TOKEN: 't', FEISHU_ENCRYPT_KEY: 'k' };
    expect(loadConfig(feishu, emptyDir())).toMatchObject({ console: null, teams: [] });
    expect(loadConfig({ ...feishu, GENJIN_CONSOLE: 'true' }, emptyDir()).console).toEqual({ token: null });
    expect(loadConfig({ GENJIN_CONSOLE: 'false' }, emptyDir())).toMatchObject({ console: null, teams: [] });
    expect(loadConfig({ GENJIN_CONSOLE_TOKEN: 'abcdefghijklmnop1234' }, emptyDir()).console).toEqual({ token: 'abcdefghijklmnop1234' });
    expect(() => loadConfig({ GENJIN_CONSOLE_TOKEN: 'short' }, emptyDir())).toThrow(/GENJIN_CONSOLE_TOKEN/);
  });

  it('reads env values and coerces numbers and booleans', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        HOST: '127.0.0.1',
        GENJIN_MIGRATE_ON_START: 'false',
        FEISHU_APP_ID: 'cli_a',
        FEISHU_APP_SECRET: 's',
        FEISHU_VERIFICATION_TOKEN: 'v',
        FEISHU_ENCRYPT_KEY: 'k',
        FEISHU_BASE_URL: 'https://open.larksuite.com/',
      },
      emptyDir(),
    );
    expect(config.port).toBe(8080);
    expect(config.migrateOnStart).toBe(false);
    expect(config.feishu).toMatchObject({ appId: 'cli_a', encryptKey: 'k', baseUrl: 'https://open.larksuite.com', mode: 'webhook' });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', FEISHU_APP_ID: '  ' }, emptyDir()).port).toBe(3000);
  });

  it('lists every problem at once, each with how to fix it', () => {
    const message = problemsOf(() =>
      loadConfig(
        { PORT: 'eighty', FEISHU_APP_ID: 'cli_a', WECOM_ENCODING_AES_KEY: 'short', GENJIN_LLM_MODEL: 'qwen', FEISHU_MODE: 'poll' },
        emptyDir(),
      ),
    );
    expect(message).toContain('PORT must be a port number');
    expect(message).toContain('FEISHU_APP_SECRET is required when FEISHU_APP_ID is set');
    expect(message).toContain('FEISHU_VERIFICATION_TOKEN is required when FEISHU_APP_ID is set');
    expect(message).toContain('WECOM_ENCODING_AES_KEY must be the 43-character EncodingAESKey');
    expect(message).toContain('GENJIN_LLM_BASE_URL is required');
    expect(message).toContain('FEISHU_MODE must be webhook or websocket');
    expect(message).toMatch(/^genjin cannot start: 7 configuration problem\(s\)/);
  });

  it('refuses webhook mode without FEISHU_ENCRYPT_KEY (unsigned requests could be replayed), and says where to get it', () => {
    const feishu = { FEISHU_APP_ID: 'cli_a', FEISHU_APP_SECRET: 's', FEISHU_VERIFICATION_TOKEN: 'v' };
    for (const env of [feishu, { ...feishu, FEISHU_MODE: 'webhook' }]) {
      expect(problemsOf(() => loadConfig(env, emptyDir()))).toContain(
        'FEISHU_ENCRYPT_KEY is required when FEISHU_MODE=webhook: copy the Encrypt Key from the Feishu developer console (Events & Callbacks > Encryption Strategy), or set FEISHU_MODE=websocket (the long connection needs no key)',
      );
    }
  });

  it('lets the Feishu long connection run without an Encrypt Key', () => {
    const config = loadConfig(
      { FEISHU_APP_ID: 'cli_a', FEISHU_APP_SECRET: 's', FEISHU_VERIFICATION_TOKEN: 'v', FEISHU_MODE: 'websocket' },
      emptyDir(),
    );
    expect(config.feishu).toMatchObject({ mode: 'websocket', encryptKey: null });
  });

  const wecomApp = { WECOM_AGENT_ID: '1000002', WECOM_SECRET: 's', WECOM_TOKEN: 't', WECOM_ENCODING_AES_KEY: 'a'.repeat(43) };

  it('requires the whole WeCom app credential set, with the corp id, once the app is switched on', () => {
    for (const trigger of ['WECOM_AGENT_ID', 'WECOM_SECRET'] as const) {
      const message = problemsOf(() => loadConfig({ [trigger]: wecomApp[trigger] }, emptyDir()));
      for (const key of ['WECOM_CORP_ID', 'WECOM_AGENT_ID', 'WECOM_SECRET', 'WECOM_TOKEN', 'WECOM_ENCODING_AES_KEY'].filter(
        (k) => k !== trigger,
      )) {
        expect(message).toContain(`${key} is required when ${trigger} is set`);
      }
    }
  });

  it('requires WECOM_CORP_ID with the smart bot: every WeCom workspace is keyed by the corp id', () => {
    const message = problemsOf(() => loadConfig({ WECOM_BOT_ID: 'aib_1', WECOM_BOT_SECRET: 'bs' }, emptyDir()));
    expect(message).toContain('WECOM_CORP_ID is required when WECOM_BOT_ID is set');
    expect(message).toContain('My Company > Company Info');
    const botOnly = loadConfig({ WECOM_CORP_ID: 'ww1', WECOM_BOT_ID: 'aib_1', WECOM_BOT_SECRET: 'bs' }, emptyDir());
    expect(botOnly.wecom).toBeNull();
    expect(botOnly.wecomBot).toEqual({ botId: 'aib_1', secret: 'bs', corpId: 'ww1' });
    const both = loadConfig({ WECOM_CORP_ID: 'ww1', ...wecomApp, WECOM_BOT_ID: 'aib_1', WECOM_BOT_SECRET: 'bs' }, emptyDir());
    expect(both.wecom).toMatchObject({ corpId: 'ww1', agentId: 1000002 });
    expect(both.wecomBot?.corpId).toBe('ww1');
  });

  it('refuses a WECOM_CORP_ID that switches nothing on', () => {
    expect(problemsOf(() => loadConfig({ WECOM_CORP_ID: 'ww1' }, emptyDir()))).toContain(
      'WECOM_CORP_ID is set but neither the WeCom app (WECOM_AGENT_ID, WECOM_SECRET) nor the smart bot (WECOM_BOT_ID) is',
    );
  });

  it('reads config/genjin.json when present and validates it', () => {
    const dir = emptyDir();
    const path = join(dir, 'settings.json');
    writeFileSync(
      path,
      JSON.stringify({
        timeZone: 'Asia/Tokyo',
        locale: 'en',
        teams: [{ id: 'east', name: '华东', managers: ['feishu:ou_m'], members: ['feishu:ou_a'], digestChat: 'feishu:oc_1' }],
      }),
    );
    const config = loadConfig({ GENJIN_CONFIG: path }, dir);
    expect(config.timeZone).toBe('Asia/Tokyo');
    expect(config.teams[0]).toMatchObject({ id: 'east', managers: ['feishu:ou_m'] });
    expect(config.configSource).toBe(path);
  });

  it('names the file, the key and the fix for bad settings', () => {
    const dir = emptyDir();
    const path = join(dir, 'bad.json');
    writeFileSync(
      path,
      JSON.stringify({
        timeZone: 'Mars/Base',
        locale: 'fr',
        colour: 'red',
        teams: [
          { id: 'a', name: 'A', managers: ['ou_m'] },
          { id: 'a', name: 'B' },
        ],
      }),
    );
    const message = problemsOf(() => loadConfig({ GENJIN_CONFIG: path }, dir));
    expect(message).toContain(`${path}: timeZone must be an IANA time zone`);
    expect(message).toContain(`${path}: locale must be zh-CN or en`);
    expect(message).toContain('unknown key(s) colour');
    expect(message).toContain('teams[0].managers[0] must be written <platform>:<id>');
  });

  it('reports a missing or unreadable settings file named by GENJIN_CONFIG', () => {
    const dir = emptyDir();
    expect(problemsOf(() => loadConfig({ GENJIN_CONFIG: 'nope.json' }, dir))).toContain('does not exist');
    writeFileSync(join(dir, 'broken.json'), '{ not json');
    expect(problemsOf(() => loadConfig({ GENJIN_CONFIG: 'broken.json' }, dir))).toContain('is not valid JSON');
  });

  it('accepts the documented example settings file', () => {
    const config = loadConfig({ GENJIN_CONFIG: 'config/genjin.example.json' }, process.cwd());
    expect(config.teams.length).toBeGreaterThan(0);
  });
});
