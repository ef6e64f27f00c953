import { describe, expect, it } from 'vitest';
import { createInbox } from '../../../src/delivery/inbox.js';
import { createInboxWorker } from '../../../src/messaging/inbox-worker.js';
import { toStoredEvent } from '../../../src/messaging/stored-event.js';
import type { InboundEvent } from '../../../src/messaging/types.js';
import { fixedClock } from '../../helpers/clock.js';
import { useTestDatabase, uniqueId } from '../../helpers/db.js';
import { plainMessageEvent } from '../../helpers/inbound-events.js';
import { captureLogs } from '../../helpers/log-capture.js';

/**
 * Two replicas (two workers on one database) are handed the messages of one chat alternately, as
 * a load balancer would: they still run one at a time, in the order they were recorded.
 */
describe('order per conversation across replicas', () => {
  const testDb = useTestDatabase();

  it('never runs two rows of one chat at once, and runs them oldest first, whichever replica holds them', async () => {
    const clock = fixedClock('2026-11-25T02:00:00Z');
    const inbox = createInbox({ db: testDb.db, clock });
    const conversation = `feishu:${uniqueId('oc')}`;
    const log: { id: string; at: 'start' | 'end' }[] = [];
    let running = 0;
    let overlapped = false;
    const run = async (event: InboundEvent) => {
      running++;
      if (running > 1) overlapped = true;
      log.push({ id: event.eventId, at: 'start' });
      await new Promise((r) => setTimeout(r, 20));
      log.push({ id: event.eventId, at: 'end' });
      running--;
      return undefined;
    };
    const replicas = [0, 1].map(() => createInboxWorker({ inbox, clock, log: captureLogs().log, run, giveUp: async () => undefined }));
    const ids = Array.from({ length: 8 }, (_, i) => `${uniqueId('om')}_${i}`);
    for (const [i, id] of ids.entries()) {
      const event = plainMessageEvent(id, conversation, clock.now());
      const recorded = await inbox.record({ platform: 'feishu', eventId: id, conversation, payload: toStoredEvent(event) });
      if (recorded.outcome === 'new') replicas[i % 2]!.submit(recorded.row, event);
    }
    // A replica whose row was refused (an older one unfinished elsewhere) leaves it to the sweepers.
    for (let round = 0; round < 40 && log.filter((l) => l.at === 'end').length < ids.length; round++) {
      await Promise.all(replicas.map((r) => r.drain()));
      clock.advance(3000);
      await Promise.all(replicas.map((r) => r.sweep()));
    }
    await Promise.all(replicas.map((r) => r.drain()));
    expect(overlapped).toBe(false);
    expect(log.filter((l) => l.at === 'start').map((l) => l.id)).toEqual(ids);
  });
});
