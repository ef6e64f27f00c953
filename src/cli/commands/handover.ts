import { loadConfig } from '../../config.js';
import { createDb } from '../../db/client.js';
import type { HandoverPlan } from '../../domain/ownership/handover.js';
import type { UserBrief } from '../../domain/ownership/ownership-service.js';
import { systemClock } from '../../lib/clock.js';
import { createLogger } from '../../logger.js';
import { createServices } from '../../services.js';
import { describeDatabaseFailure } from '../database-failure.js';
import type { CliCommand, CliIo } from '../types.js';

const USAGE = 'genjin handover --from <platform>:<id> (--to <platform>:<id> | --spread) [--deactivate] [--dry-run]   (uses DATABASE_URL)';

type Flags = { from: Ref; to: Ref | 'spread'; deactivate: boolean; dryRun: boolean };
type Ref = { platform: string; id: string; text: string };

function readRef(value: string | undefined, flag: string): Ref | string {
  const match = /^([a-z][a-z0-9_-]*):(.+)$/i.exec(value ?? '');
  if (!match) return `${flag} must be <platform>:<id>, such as feishu:ou_123 or wecom:zhangsan (got "${value ?? ''}")`;
  return { platform: match[1]!, id: match[2]!, text: value! };
}

function readFlags(args: string[]): Flags | string {
  let from: Ref | undefined;
  let to: Ref | undefined;
  let spread = false;
  let deactivate = false;
  let dryRun = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--from' || arg === '--to') {
      const ref = readRef(args[++i], arg);
      if (typeof ref === 'string') return ref;
      if (arg === '--from') from = ref;
      else to = ref;
    } else if (arg === '--spread') spread = true;
    else if (arg === '--deactivate') deactivate = true;
    else if (arg === '--dry-run') dryRun = true;
    else return `unknown option "${arg}"`;
  }
  if (!from) return '--from is required';
  if (spread === Boolean(to)) return 'give either --to <platform>:<id> or --spread';
  if (to && to.platform !== from.platform) return '--from and --to must be on the same platform (one workspace)';
  return { from, to: to ?? 'spread', deactivate, dryRun };
}

const who = (u: UserBrief) => (u.name ? `${u.name} (${u.platformUserId})` : u.platformUserId);
const shareLine = (plan: HandoverPlan) => plan.share.map((s) => `${who(s.user)}: ${s.count}`).join(', ');

function printPlan(io: CliIo, plan: HandoverPlan) {
  const { counts } = plan;
  io.stdout.write(`handover ${who(plan.from)} → ${plan.to ? who(plan.to) : 'spread over the team'}\n`);
  io.stdout.write(`customers: ${counts.customers}, open reminders: ${counts.openReminders}, follow-ups: ${counts.followUps}\n`);
}

/**
 * 离职交接 from the command line: all of one person's customers to a colleague, or spread over
 * their team, in batches of 500 like the chat command (audit actor `cli`). `--dry-run` prints what
 * would move and changes nothing. A run killed half way is finished by the service's handover job.
 */
export const handoverCommand: CliCommand = {
  name: 'handover',
  summary: "handover --from <p:id> (--to <p:id> | --spread) [--deactivate] [--dry-run]: move all of a person's customers (离职交接)",
  usage: USAGE,
  async run(args, io) {
    const flags = readFlags(args);
    if (typeof flags === 'string') {
      io.stderr.write(`genjin handover: ${flags}\nusage: ${USAGE}\n`);
      return 2;
    }
    const config = loadConfig(io.env);
    const database = createDb(config.databaseUrl, 2);
    const fail = (message: string) => {
      io.stderr.write(`genjin handover: ${message}\n`);
      return 1;
    };
    try {
      const { handover } = createServices({ config, db: database.db, clock: systemClock, log: createLogger({ level: 'silent' }) });
      const froms = await handover.findByRef(flags.from.platform, flags.from.id);
      if (froms.length === 0) return fail(`no user ${flags.from.text} (they appear once they have written to the bot)`);
      if (froms.length > 1) return fail(`${flags.from.text} is known in ${froms.length} workspaces; hand over from chat instead`);
      const from = froms[0]!;
      let to: { id: number } | 'spread' = 'spread';
      if (flags.to !== 'spread') {
        const target = (await handover.findByRef(flags.to.platform, flags.to.id)).find((u) => u.workspaceId === from.workspaceId);
        if (!target) return fail(`no user ${flags.to.text} in the workspace of ${flags.from.text}`);
        to = { id: target.id };
      }
      const started = await handover.start({
        workspaceId: from.workspaceId,
        fromUserId: from.id,
        to,
        deactivate: flags.deactivate,
        dryRun: flags.dryRun,
      });
      switch (started.kind) {
        case 'planned':
          printPlan(io, started);
          io.stdout.write(`dry run: would move ${started.counts.customers} customer(s): ${shareLine(started)}; nothing changed\n`);
          if (flags.deactivate) io.stdout.write(`dry run: would deactivate ${who(started.from)}\n`);
          return 0;
        case 'started':
          break;
        case 'not_found':
          return fail(`no user ${flags.from.text}`);
        case 'invalid_target':
          return fail(
            started.why === 'same_owner'
              ? '--from and --to are the same person'
              : `${flags.to === 'spread' ? '' : flags.to.text} is deactivated`,
          );
        case 'no_recipients':
          return fail(`no other active rep in the team of ${flags.from.text} to spread over`);
        case 'busy':
          return fail(`handover ${started.handoverId} of ${flags.from.text} is running; let it finish first`);
        default:
          return fail(`refused (${started.kind})`);
      }
      printPlan(io, started);
      const report = await handover.run(started.handoverId, started.lease, {
        onBatch: (p) => io.stdout.write(`  ${p.moved} moved\n`),
      });
      const outcome = report.outcome;
      if (!outcome) return fail(`handover ${started.handoverId} was taken over by another runner after ${report.moved} customer(s)`);
      const per = outcome.movedTo.map((m) => `${who(m.user)}: ${m.count}`).join(', ') || 'nobody';
      io.stdout.write(
        `${outcome.status === 'done' ? 'done' : `stopped (${outcome.stoppedBecause})`}: moved ${outcome.moved} customer(s): ${per}\n`,
      );
      if (outcome.deactivated) io.stdout.write(`${who(outcome.from)} deactivated\n`);
      return outcome.status === 'done' ? 0 : 1;
    } catch (err) {
      return fail(describeDatabaseFailure(err, 'failed'));
    } finally {
      await database.close().catch(() => undefined);
    }
  },
};
