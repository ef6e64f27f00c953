import type { ComposeDigest, DigestService } from '../domain/digest/digest-service.js';
import type { Job } from './types.js';

/**
 * `digest` (cron `digest.cron`, Monday 09:00 by default): each team's digest of the week that just
 * ended, once per team and week however often it runs (see DigestService.runWeekly). The card is
 * the bot's, bound in at the composition root.
 */
export function digestJob(deps: { digest: Pick<DigestService, 'runWeekly'>; cron: string; compose: ComposeDigest }): Job {
  return {
    name: 'digest',
    cron: deps.cron,
    run: (now, opts) => deps.digest.runWeekly(now, opts, deps.compose),
  };
}
