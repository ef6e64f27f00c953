import type { Logger } from 'pino';
import type { Inbox, Recorded } from '../delivery/inbox.js';
import type { Metrics } from '../http/metrics.js';
import { isAppError } from '../lib/errors.js';
import { errorCode } from '../lib/safe-error.js';
import type { ClickWaiters } from './click-waiters.js';
import type { InboxWake } from './inbox-worker.js';
import { toStoredEvent } from './stored-event.js';
import type { CardActionEvent, CardActionResult, InboundEvent } from './types.js';

/**
 * `worker` hears that a row was stored: the inbox worker itself when everything runs in one
 * process, a message to the worker process otherwise (see src/worker). It is only a hint: the
 * worker takes the row from the database.
 */
export type AcceptDeps = { inbox: Inbox; worker: InboxWake; waiters: ClickWaiters; metrics: Metrics; log: Logger };

export type Accepted = 'accepted' | 'duplicate' | 'unavailable' | 'rejected';

/**
 * The webhook rule every platform shares: store the normalized event in the inbox, acknowledge,
 * and let the worker run the work from the stored row after the acknowledgement (nothing of the
 * work runs here, so the acknowledgement never waits behind it). A redelivery does nothing; a
 * database outage is reported (`unavailable`) so the receiver withholds the acknowledgement; an
 * event the inbox cannot hold (an impossible id) is `rejected` (400).
 */
export async function acceptInbound(
  deps: AcceptDeps,
  input: { event: InboundEvent; eventType: string; conversation: string },
): Promise<Accepted> {
  const recorded = await record(deps, input);
  if (typeof recorded === 'string') return recorded;
  if (recorded.outcome === 'new') deps.worker.submit(recorded.row, input.event);
  return recorded.outcome === 'new' ? 'accepted' : 'duplicate';
}

export type ClickAnswer =
  | { kind: 'answered'; result: CardActionResult }
  /** Still running (or queued behind the conversation): the card is updated when it finishes. */
  | { kind: 'pending' }
  | { kind: 'duplicate'; done: boolean }
  | { kind: 'unavailable' }
  | { kind: 'rejected' };

/**
 * A click on a platform that waits for the answer: stored like any event, run from its row, and
 * answered within `budgetMs` when the work finishes in time (otherwise `pending`, and the runner
 * updates the card through the outbox when it finishes). A repeated delivery of the same click
 * changes nothing.
 */
export async function acceptClick(
  deps: AcceptDeps,
  input: { event: CardActionEvent; eventType: string; conversation: string; budgetMs: number },
): Promise<ClickAnswer> {
  const recorded = await record(deps, input);
  if (typeof recorded === 'string') return { kind: recorded === 'rejected' ? 'rejected' : 'unavailable' };
  if (recorded.outcome === 'duplicate') return { kind: 'duplicate', done: recorded.row?.status === 'done' };
  // Only the delivery that stored the click waits for it; the run starts after this tick at the earliest.
  // With no worker that can hand the answer back (a web-only process), the card is updated later.
  const waiter = deps.waiters.wait(input.event.eventId, input.budgetMs);
  if (!deps.worker.submit(recorded.row, input.event)) {
    waiter.cancel();
    return { kind: 'pending' };
  }
  const result = await waiter.result;
  return result ? { kind: 'answered', result } : { kind: 'pending' };
}

async function record(
  deps: AcceptDeps,
  input: { event: InboundEvent; eventType: string; conversation: string },
): Promise<Recorded | 'unavailable' | 'rejected'> {
  const { event } = input;
  try {
    const recorded = await deps.inbox.record({
      platform: event.platform,
      eventId: event.eventId,
      eventType: input.eventType,
      conversation: input.conversation,
      payload: toStoredEvent(event),
    });
    deps.metrics.webhookEvents.inc({ platform: event.platform, outcome: recorded.outcome === 'new' ? 'accepted' : 'duplicate' });
    if (recorded.outcome === 'duplicate')
      deps.log.info({ platform: event.platform, eventId: event.eventId, eventType: input.eventType }, 'duplicate delivery ignored');
    return recorded;
  } catch (err) {
    const rejected = isAppError(err, 'malformed');
    deps.metrics.webhookEvents.inc({ platform: event.platform, outcome: rejected ? 'rejected' : 'unavailable' });
    deps.log.error(
      { platform: event.platform, eventType: input.eventType, err: errorCode(err) },
      rejected ? 'event cannot be stored; rejected' : 'cannot record the event; withholding the acknowledgement so the platform retries',
    );
    return rejected ? 'rejected' : 'unavailable';
  }
}
