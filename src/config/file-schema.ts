import { z } from 'zod';
import { PLATFORM_REF_RE } from '../lib/platform-name.js';

/**
 * Users and chats are written `<platform>:<id>` (`feishu:ou_x`, `wecom:zhangsan`, `wecom:wrkGroup`);
 * any platform name, so a new platform needs no change here (see messaging/address-ref.ts).
 */
export const userRefSchema = z
  .string()
  .regex(PLATFORM_REF_RE, { message: 'must be written <platform>:<id>, e.g. feishu:ou_abc or wecom:zhangsan' });
export const chatRefSchema = z.string().regex(PLATFORM_REF_RE, {
  message: 'must be written <platform>:<chat id>, e.g. feishu:oc_abc or wecom:wrkSFfCgAA',
});

const cronSchema = z
  .string()
  .regex(/^\s*(\S+\s+){4,5}\S+\s*$/, { message: 'must be a cron expression with 5 or 6 fields, e.g. "0 9 * * 1-5"' });

const teamSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { message: 'must be 1-64 letters, digits, _ or -' }),
  name: z.string().min(1).max(100),
  managers: z.array(userRefSchema).default([]),
  members: z.array(userRefSchema).default([]),
  digestChat: chatRefSchema.optional(),
});

const tierDaysSchema = z.object({
  A: z.number().int().positive().default(7),
  B: z.number().int().positive().default(14),
  C: z.number().int().positive().default(30),
});

/** Non-secret settings from `config/genjin.json`; every key has a default. */
export const fileSchema = z
  .object({
    timeZone: z.string().default('Asia/Shanghai').refine(isValidTimeZone, { message: 'must be an IANA time zone such as Asia/Shanghai' }),
    locale: z.enum(['zh-CN', 'en'], { message: 'must be zh-CN or en' }).default('zh-CN'),
    reminders: z
      .object({
        scanCron: cronSchema.default('*/15 * * * *'),
        defaultHour: z.number().int().min(0).max(23).default(9),
        quietDays: tierDaysSchema.prefault({}),
        escalateAfterDays: z.number().int().positive().default(3),
        snoozeHours: z.number().int().positive().default(24),
        /** ISO weekdays (1 Monday … 7 Sunday) on which reminders go out; what falls on another day waits. */
        workDays: z
          .array(z.number().int().min(1).max(7), { message: 'must be a list of ISO weekdays, 1 (Monday) to 7 (Sunday)' })
          .min(1)
          .default([1, 2, 3, 4, 5]),
        /** Reminder cards per rep per run; the rest go in one summary card. */
        maxCardsPerRun: z.number().int().positive().default(5),
        /** A scheduled run spreads its sends over this many minutes (a run by hand sends at once). */
        spreadMinutes: z.number().int().min(0).max(60).default(5),
      })
      .prefault({}),
    pool: z
      .object({
        enabled: z.boolean().default(true),
        /** Days without a follow-up before a customer returns to the pool: one number, or per tier (untiered use C). */
        releaseAfterDays: z
          .union(
            [
              z.number().int().positive(),
              z.object({ A: z.number().int().positive(), B: z.number().int().positive(), C: z.number().int().positive() }),
            ],
            {
              message: 'must be a number of days, or days per tier such as {"A": 90, "B": 60, "C": 45}',
            },
          )
          .default(60),
        /** The owner is warned this many days before a customer returns to the pool. */
        warnDaysBefore: z.number().int().min(0).default(2),
        /** When the pool job runs (warnings and recycling), in the workspace time zone. */
        cron: cronSchema.default('0 10 * * *'),
        maxClaimsPerDay: z.number().int().positive().default(10),
        /** Days before a rep may claim again a customer they released. */
        reclaimCooldownDays: z.number().int().min(0).default(7),
      })
      .prefault({}),
    digest: z
      .object({
        cron: cronSchema.default('0 9 * * 1'),
        atRiskDays: z.number().int().positive().default(21),
      })
      .prefault({}),
    teams: z.array(teamSchema).default([]),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.teams.forEach((team, i) => {
      if (seen.has(team.id))
        ctx.addIssue({ code: 'custom', path: ['teams', i, 'id'], message: `duplicates another team's id "${team.id}"` });
      seen.add(team.id);
    });
  });

export type FileSettings = z.infer<typeof fileSchema>;
export type TeamSettings = z.infer<typeof teamSchema>;

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
