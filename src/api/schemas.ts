import { z } from 'zod';
import 'zod-openapi';
import { STAGES, TIERS } from '../domain/import-export/api-queries.js';
import { PLATFORM_NAME } from '../lib/platform-name.js';

/**
 * The admin API's query strings and answers, one zod schema each: the routes validate with them
 * and `openapi.ts` documents them, so the document cannot drift from what is checked.
 */
const limit = z.coerce
  .number({ message: 'limit must be a whole number from 1 to 200' })
  .int({ message: 'limit must be a whole number from 1 to 200' })
  .min(1, { message: 'limit must be a whole number from 1 to 200' })
  .max(200, { message: 'limit must be a whole number from 1 to 200' })
  .default(50)
  .meta({ description: 'Page size, at most 200.' });
const cursor = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,200}$/, { message: 'cursor must be the nextCursor of a previous page' })
  .optional()
  .meta({ description: 'The `nextCursor` of the previous page.' });
const instant = (what: string) =>
  z.iso.datetime({ offset: true, message: `${what} must be an ISO 8601 time with a zone, such as 2026-11-01T00:00:00Z` });

export const customersQuery = z.strictObject({
  owner: z
    .string()
    .regex(new RegExp(`^(pool|${PLATFORM_NAME}:[^\\s:]{1,191})$`), { message: 'owner must be <platform>:<id> or pool' })
    .optional()
    .meta({ description: 'The owner as `<platform>:<id>`, or `pool` for customers nobody owns.' }),
  team: z.string().trim().min(1).max(64).optional().meta({ description: "A team's id in the settings file." }),
  stage: z.enum(STAGES, { message: `stage must be one of ${STAGES.join(', ')}` }).optional(),
  tier: z.enum(TIERS, { message: 'tier must be A, B or C' }).optional(),
  tag: z.string().trim().min(1).max(100).optional().meta({ description: 'Customers carrying this tag.' }),
  quietDays: z.coerce
    .number({ message: 'quietDays must be a whole number of days' })
    .int({ message: 'quietDays must be a whole number of days' })
    .min(0, { message: 'quietDays must be a whole number of days' })
    .max(3650, { message: 'quietDays must be at most 3650' })
    .optional()
    .meta({ description: 'No follow-up (or, for a customer never followed up, no creation) for at least this many days.' }),
  updatedSince: instant('updatedSince').optional().meta({ description: 'Changed at or after this time.' }),
  limit,
  cursor,
});

export const followUpsQuery = z.strictObject({
  since: instant('since').meta({ description: 'Follow-ups created or changed at or after this time.' }),
  limit,
  cursor,
});

export const customerParams = z.strictObject({
  id: z.coerce
    .number({ message: 'id must be a customer id' })
    .int({ message: 'id must be a customer id' })
    .positive({ message: 'id must be a customer id' }),
});

const person = z.object({ ref: z.string().meta({ example: 'feishu:ou_123' }), name: z.string().nullable() }).meta({ id: 'Person' });
const time = z.string().meta({ format: 'date-time' });

export const customerSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    owner: person.nullable(),
    team: z.object({ key: z.string(), name: z.string() }).nullable(),
    stage: z.enum(STAGES),
    tier: z.enum(TIERS).nullable(),
    tags: z.array(z.string()),
    amount: z.number().nullable(),
    currency: z.string(),
    phone: z.string().nullable(),
    lastFollowUpAt: time.nullable(),
    nextFollowUpAt: time.nullable(),
    pooledAt: time.nullable(),
    createdAt: time,
    updatedAt: time,
  })
  .meta({ id: 'Customer' });

export const followUpSchema = z
  .object({
    id: z.number().int(),
    customerId: z.number().int().nullable(),
    author: person.nullable(),
    status: z.enum(['confirmed', 'undone']),
    text: z.string().meta({ description: "The rep's note as written (personal data)." }),
    summary: z.string(),
    channel: z.string().nullable(),
    stage: z.enum(STAGES).nullable(),
    amount: z.number().nullable(),
    currency: z.string(),
    nextFollowUpAt: time.nullable(),
    collaboration: z.boolean(),
    occurredAt: time,
    updatedAt: time,
  })
  .meta({ id: 'FollowUp' });

export const customerDetailSchema = customerSchema
  .extend({
    followUps: z.array(followUpSchema).meta({ description: 'The latest follow-ups, newest first.' }),
    ownerHistory: z
      .array(z.object({ at: time, reason: z.string(), from: person.nullable(), to: person.nullable(), actor: person.nullable() }))
      .meta({ description: 'Every change of owner, newest first; null is the pool (or, as actor, a job or the command line).' }),
  })
  .meta({ id: 'CustomerDetail' });

const page = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  });
export const customersPage = page(customerSchema);
export const followUpsPage = page(followUpSchema);

export const errorSchema = z.object({ error: z.string(), message: z.string() }).meta({ id: 'Error' });
