import { z } from 'zod';
import { PLATFORM_NAME } from '../lib/platform-name.js';

/** `feishu:ou_a, wecom:zhangsan`: comma-separated `<platform>:<id>`. */
const ADMIN_REF = `${PLATFORM_NAME}:[^\\s:,]{1,191}`;
const ADMIN_LIST = new RegExp(`^${ADMIN_REF}(\\s*,\\s*${ADMIN_REF})*$`);

/** `true/false/1/0/yes/no`, as people write them in env files. */
const boolFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const optionalText = z.string().trim().min(1).optional();

/**
 * Every environment variable genjin reads. Secrets and endpoints live here; non-secret tunables
 * live in the JSON file (file-schema.ts). Platform secrets are required as soon as a platform is
 * switched on: there is no unverified mode.
 */
export const envSchema = z.object({
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  PORT: z.coerce.number({ message: 'must be a port number from 0 to 65535' }).int().min(0).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .trim()
    .default('mysql://root@127.0.0.1:3306/genjin')
    .refine((v) => /^mysql:\/\/[^/]+\/[A-Za-z0-9_$-]+(\?.*)?$/.test(v), {
      message: 'must look like mysql://user:password@host:3306/database',
    }),
  DATABASE_POOL_SIZE: z.coerce.number({ message: 'must be a whole number' }).int().min(1).max(200).default(10),
  GENJIN_MIGRATE_ON_START: boolFromEnv.default(true),
  /** Where `npm start` runs the work behind the webhooks (see config/README.md). */
  GENJIN_WORKER: z.enum(['fork', 'inline', 'off'], { message: 'must be fork, inline or off' }).default('fork'),
  GENJIN_WORKER_NICE: z.coerce.number({ message: 'must be a whole number from 0 to 19' }).int().min(0).max(19).default(10),
  GENJIN_CONFIG: optionalText,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Who administers the whole workspace: comma-separated `<platform>:<id>`. */
  GENJIN_ADMINS: z
    .string()
    .trim()
    .regex(ADMIN_LIST, {
      message: 'must be comma-separated <platform>:<id>, e.g. feishu:ou_abc,wecom:zhangsan',
    })
    .optional(),

  GENJIN_LLM_BASE_URL: z.url({ message: 'must be an http(s) URL such as https://llm.example.com/v1' }).optional(),
  GENJIN_LLM_API_KEY: optionalText,
  GENJIN_LLM_MODEL: optionalText,

  FEISHU_APP_ID: optionalText,
  FEISHU_APP_SECRET: optionalText,
  FEISHU_VERIFICATION_TOKEN: optionalText,
  FEISHU_ENCRYPT_KEY: optionalText,
  FEISHU_BASE_URL: z.url({ message: 'must be https://open.feishu.cn or https://open.larksuite.com' }).default('https://open.feishu.cn'),
  FEISHU_MODE: z.enum(['webhook', 'websocket'], { message: 'must be webhook or websocket' }).default('webhook'),

  WECOM_CORP_ID: optionalText,
  WECOM_AGENT_ID: z.coerce
    .number({ message: 'must be the numeric AgentId of the app' })
    .int()
    .positive({ message: 'must be the numeric AgentId of the app' })
    .optional(),
  WECOM_SECRET: optionalText,
  WECOM_TOKEN: optionalText,
  WECOM_ENCODING_AES_KEY: z
    .string()
    .regex(/^[A-Za-z0-9]{43}$/, { message: "must be the 43-character EncodingAESKey from the app's callback settings" })
    .optional(),
  WECOM_BASE_URL: z.url({ message: 'must be an http(s) URL, normally https://qyapi.weixin.qq.com' }).default('https://qyapi.weixin.qq.com'),
  WECOM_BOT_ID: optionalText,
  WECOM_BOT_SECRET: optionalText,

  /** The local console (/console): on by default when no platform is configured. */
  GENJIN_CONSOLE: boolFromEnv.optional(),
  /** Required on every console request when set (otherwise the console answers loopback addresses only). */
  GENJIN_CONSOLE_TOKEN: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._~-]{16,200}$/, { message: 'must be 16-200 letters, digits or ._~- (e.g. the output of openssl rand -hex 24)' })
    .optional(),

  /** The admin API (/api/v1) for ERP/OA integration: its routes exist only when this is set. */
  GENJIN_ADMIN_TOKEN: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._~-]{24,200}$/, { message: 'must be 24-200 letters, digits or ._~- (e.g. the output of openssl rand -hex 32)' })
    .optional(),
  /** The one workspace the admin API serves: its id or `<platform>:<external id>`; unset, the only non-console workspace. */
  GENJIN_ADMIN_WORKSPACE: z
    .string()
    .trim()
    .regex(new RegExp(`^(\\d{1,15}|${PLATFORM_NAME}:\\S{1,128})$`), {
      message: 'must be a workspace id such as 3, or <platform>:<external id> such as feishu:2f8a… (genjin import lists them)',
    })
    .optional(),
});

type RawEnv = Record<string, string | undefined>;

/**
 * Which variables become required once another is set. Checked on the raw strings, separately
 * from the schema, so that a boot lists these problems together with every other one.
 */
export function missingCompanions(env: RawEnv): string[] {
  const problems: string[] = [];
  /** The first of `triggers` that is set switches a feature on; each of `needed` must then be set. */
  const requireWith = (triggers: string | string[], needed: string[], hint: string) => {
    const trigger = [triggers].flat().find((t) => env[t] !== undefined);
    if (trigger === undefined) return;
    for (const key of needed) {
      if (key !== trigger && env[key] === undefined) problems.push(`${key} is required when ${trigger} is set (${hint})`);
    }
  };
  requireWith(
    'FEISHU_APP_ID',
    ['FEISHU_APP_SECRET', 'FEISHU_VERIFICATION_TOKEN'],
    'copy it from the Feishu developer console: Credentials & Basic Info, and Events & Callbacks > Encryption Strategy',
  );
  // Without the key, webhook requests are neither signed nor encrypted: anyone holding the token
  // could forge or replay them. The long connection authenticates with the app secret instead.
  if (env.FEISHU_APP_ID !== undefined && (env.FEISHU_MODE ?? 'webhook') === 'webhook' && env.FEISHU_ENCRYPT_KEY === undefined) {
    problems.push(
      'FEISHU_ENCRYPT_KEY is required when FEISHU_MODE=webhook: copy the Encrypt Key from the Feishu developer console (Events & Callbacks > Encryption Strategy), or set FEISHU_MODE=websocket (the long connection needs no key)',
    );
  }
  requireWith(
    ['WECOM_AGENT_ID', 'WECOM_SECRET'],
    ['WECOM_CORP_ID', 'WECOM_AGENT_ID', 'WECOM_SECRET', 'WECOM_TOKEN', 'WECOM_ENCODING_AES_KEY'],
    "copy it from the WeCom admin console: My Company > Company Info, the app's page and its API receive settings",
  );
  requireWith(
    'GENJIN_ADMIN_WORKSPACE',
    ['GENJIN_ADMIN_TOKEN'],
    'the admin API runs only with a token; generate one with openssl rand -hex 32',
  );
  requireWith('WECOM_BOT_ID', ['WECOM_BOT_SECRET'], "copy it from the smart bot's API settings in the WeCom admin console");
  // The corp id keys the WeCom workspace: the app and the smart bot must file under the same one,
  // whichever was configured first.
  requireWith(
    'WECOM_BOT_ID',
    ['WECOM_CORP_ID'],
    'every WeCom workspace is keyed by the corp id: copy it from the WeCom admin console, My Company > Company Info',
  );
  if (
    env.WECOM_CORP_ID !== undefined &&
    env.WECOM_AGENT_ID === undefined &&
    env.WECOM_SECRET === undefined &&
    env.WECOM_BOT_ID === undefined
  ) {
    problems.push(
      'WECOM_CORP_ID is set but neither the WeCom app (WECOM_AGENT_ID, WECOM_SECRET) nor the smart bot (WECOM_BOT_ID) is: set one of them, or unset WECOM_CORP_ID',
    );
  }
  const llm = ['GENJIN_LLM_BASE_URL', 'GENJIN_LLM_API_KEY', 'GENJIN_LLM_MODEL'];
  const llmSet = llm.filter((k) => env[k] !== undefined);
  if (llmSet.length > 0 && llmSet.length < llm.length) {
    for (const key of llm.filter((k) => env[k] === undefined)) {
      problems.push(`${key} is required: set all three GENJIN_LLM_* variables, or none to use the rule parser alone`);
    }
  }
  return problems;
}

export type Env = z.infer<typeof envSchema>;
