import type { Logger } from 'pino';
import type { Inbox } from '../delivery/inbox.js';
import type { Metrics } from '../http/metrics.js';
import { isAppError } from '../lib/errors.js';
import type { SerialQueue } from './serial-queue.js';
import type { Platform } from './types.js';

export type AcceptDeps = { inbox: Inbox; metrics: Metrics; log: Logger; queue: SerialQueue };

/**
 * The webhook rule every platform shares: record the delivery in the inbox, acknowledge, and do
 * the work after the acknowledgement, one task at a time per conversation. A redelivery does
 * nothing; a database outage is reported so the receiver withholds the acknowledgement.
 */
export async function acceptInbound(
  deps: AcceptDeps,
  input: { platform: Platform; eventId: string; eventType: string; conversation: string; work: () => Promise<void> },
): Promise<'accepted' | 'duplicate' | 'unavailable'> {
  const log = deps.log.child({ platform: input.platform, eventId: input.eventId, eventType: input.eventType });
  let outcome: 'new' | 'duplicate';
  try {
    outcome = await deps.inbox.recordInbound(input.platform, input.eventId, { eventType: input.eventType });
  } catch (err) {
    deps.metrics.webhookEvents.inc({ platform: input.platform, outcome: 'unavailable' });
    log.error({ err: isAppError(err) ? err.code : String(err) }, 'cannot record the event; withholding the acknowledgement so the platform retries');
    return 'unavailable';
  }
  deps.metrics.webhookEvents.inc({ platform: input.platform, outcome: outcome === 'new' ? 'accepted' : 'duplicate' });
  if (outcome === 'duplicate') {
    log.info('duplicate delivery ignored');
    return 'duplicate';
  }
  deps.queue.push(input.conversation, async () => {
    try {
      await input.work();
      await deps.inbox.markProcessed(input.platform, input.eventId);
    } catch (err) {
      log.error({ err }, 'handling an event failed');
      await deps.inbox.markFailed(input.platform, input.eventId, err).catch(() => undefined);
    }
  });
  return 'accepted';
}
