import { withDemoTeam } from './config/console-demo.js';
import { digestChatProblems } from './config/digest-chats.js';
import { envSchema, missingCompanions, type Env } from './config/env-schema.js';
import { fileSchema, type FileSettings } from './config/file-schema.js';
import { formatIssues } from './config/format-issues.js';
import { readSettingsFile } from './config/read-settings-file.js';
import { AppError } from './lib/errors.js';

export type { TeamSettings } from './config/file-schema.js';

type FeishuCommon = { appId: string; appSecret: string; verificationToken: string; baseUrl: string };
/** Webhook mode always has an Encrypt Key (requests are signed); the long connection needs none. */
export type FeishuConfig =
  (FeishuCommon & { mode: 'webhook'; encryptKey: string }) | (FeishuCommon & { mode: 'websocket'; encryptKey: string | null });

export type Config = FileSettings & {
  host: string;
  port: number;
  databaseUrl: string;
  databasePoolSize: number;
  migrateOnStart: boolean;
  /**
   * `GENJIN_WORKER`: `fork` runs the work (stored events, outbox, jobs) in a worker process forked at
   * `nice` (`GENJIN_WORKER_NICE`); `inline` in the web process itself; `off` not at all (run
   * `genjin worker` beside it).
   */
  worker: { mode: 'fork' | 'inline' | 'off'; nice: number };
  logLevel: Env['LOG_LEVEL'];
  /** `GENJIN_ADMINS`: `<platform>:<id>` of everyone with the admin role. */
  admins: string[];
  /** Where the non-secret settings came from, for the boot log. */
  configSource: string;
  /** The settings file that was read, watched for changes; null on built-in defaults. */
  settingsPath: string | null;
  llm: { baseUrl: string; apiKey: string; model: string } | null;
  feishu: FeishuConfig | null;
  wecom: {
    corpId: string;
    agentId: number;
    secret: string;
    token: string;
    encodingAesKey: string;
    baseUrl: string;
  } | null;
  /** The smart bot; `corpId` keys its workspace, the same one the app uses. */
  wecomBot: { botId: string; secret: string; corpId: string } | null;
  /** The local console (`GENJIN_CONSOLE`, on by default without a platform); `token` from `GENJIN_CONSOLE_TOKEN`. */
  console: { token: string | null } | null;
  /** The admin API (`GENJIN_ADMIN_TOKEN`, `GENJIN_ADMIN_WORKSPACE`); null: its routes are not registered. */
  adminApi: { token: string; workspace: string | null } | null;
};

/**
 * Reads the environment and the JSON settings file once, validates both with zod and fails with
 * one error that lists every problem and how to fix it. The only place that interprets env vars.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const rawEnv = blankToUndefined(env);
  const envResult = envSchema.safeParse(rawEnv);
  if (!envResult.success) problems.push(...formatIssues(envResult.error, (path) => path));
  problems.push(...missingCompanions(rawEnv));

  const { settings, source, path: settingsPath, problems: fileProblems } = readSettingsFile(env.GENJIN_CONFIG?.trim() || undefined, cwd);
  problems.push(...fileProblems);
  if (settings)
    problems.push(...digestChatProblems(settings.teams, { wecomBot: Boolean(env.WECOM_BOT_ID?.trim() && env.WECOM_BOT_SECRET?.trim()) }));

  if (problems.length > 0 || !envResult.success || !settings) {
    throw new AppError(
      'config_invalid',
      `genjin cannot start: ${problems.length} configuration problem(s)\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Environment variables are documented in README.md; settings keys in config/genjin.example.json.',
    );
  }
  const e = envResult.data;
  const anyPlatform = Boolean(e.FEISHU_APP_ID || e.WECOM_AGENT_ID || e.WECOM_BOT_ID);
  const consoleOn = e.GENJIN_CONSOLE ?? !anyPlatform;
  return {
    ...settings,
    // The console's demo team is placed like the file's teams (see config/console-demo.ts).
    teams: consoleOn ? withDemoTeam(settings.teams) : settings.teams,
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    migrateOnStart: e.GENJIN_MIGRATE_ON_START,
    worker: { mode: e.GENJIN_WORKER, nice: e.GENJIN_WORKER_NICE },
    logLevel: e.LOG_LEVEL,
    admins: e.GENJIN_ADMINS ? e.GENJIN_ADMINS.split(',').map((a) => a.trim()) : [],
    configSource: source,
    settingsPath,
    llm:
      e.GENJIN_LLM_BASE_URL && e.GENJIN_LLM_API_KEY && e.GENJIN_LLM_MODEL
        ? { baseUrl: e.GENJIN_LLM_BASE_URL, apiKey: e.GENJIN_LLM_API_KEY, model: e.GENJIN_LLM_MODEL }
        : null,
    feishu: feishuConfig(e),
    wecom:
      e.WECOM_AGENT_ID && e.WECOM_SECRET && e.WECOM_CORP_ID && e.WECOM_TOKEN && e.WECOM_ENCODING_AES_KEY
        ? {
            corpId: e.WECOM_CORP_ID,
            agentId: e.WECOM_AGENT_ID,
            secret: e.WECOM_SECRET,
            token: e.WECOM_TOKEN,
            encodingAesKey: e.WECOM_ENCODING_AES_KEY,
            baseUrl: e.WECOM_BASE_URL.replace(/\/+$/, ''),
          }
        : null,
    wecomBot:
      e.WECOM_BOT_ID && e.WECOM_BOT_SECRET && e.WECOM_CORP_ID
        ? { botId: e.WECOM_BOT_ID, secret: e.WECOM_BOT_SECRET, corpId: e.WECOM_CORP_ID }
        : null,
    console: consoleOn ? { token: e.GENJIN_CONSOLE_TOKEN ?? null } : null,
    adminApi: e.GENJIN_ADMIN_TOKEN ? { token: e.GENJIN_ADMIN_TOKEN, workspace: e.GENJIN_ADMIN_WORKSPACE ?? null } : null,
  };
}

function feishuConfig(e: Env): FeishuConfig | null {
  if (!e.FEISHU_APP_ID || !e.FEISHU_APP_SECRET || !e.FEISHU_VERIFICATION_TOKEN) return null;
  const common = {
    appId: e.FEISHU_APP_ID,
    appSecret: e.FEISHU_APP_SECRET,
    verificationToken: e.FEISHU_VERIFICATION_TOKEN,
    baseUrl: e.FEISHU_BASE_URL.replace(/\/+$/, ''),
  };
  if (e.FEISHU_MODE === 'websocket') return { ...common, mode: 'websocket', encryptKey: e.FEISHU_ENCRYPT_KEY ?? null };
  // missingCompanions has already refused webhook mode without a key.
  if (!e.FEISHU_ENCRYPT_KEY) throw new Error('FEISHU_ENCRYPT_KEY missing in webhook mode after validation');
  return { ...common, mode: 'webhook', encryptKey: e.FEISHU_ENCRYPT_KEY };
}

/** Settings with every default applied, for tests and tools that need no file. */
export function defaultSettings(): FileSettings {
  return fileSchema.parse({});
}

/** An empty `FOO=` in an env file means "not set", not "set to the empty string". */
function blankToUndefined(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) out[k] = v === undefined || v.trim() === '' ? undefined : v;
  return out;
}
