import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { createServices } from '../../../src/services.js';
import { fixedClock } from '../../helpers/clock.js';
import { useTestDatabase } from '../../helpers/db.js';
import { NOW } from '../../helpers/factories.js';
import { handoverFixture } from '../../helpers/handover-fixture.js';

describe("the service's caches", () => {
  const testDb = useTestDatabase();
  const f = handoverFixture(() => testDb.handle);

  it('a handover run by this process deactivates the leaver at once for it, not USERS_CACHE_TTL_MS later', async () => {
    const services = createServices({
      config: loadConfig({}, mkdtempSync(join(tmpdir(), 'genjin-caches-'))),
      db: testDb.db,
      clock: fixedClock(NOW),
      log: pino({ level: 'silent' }),
    });
    const ws = await services.users.ensureWorkspace('feishu', `tenant_${Math.random().toString(36).slice(2)}`);
    const east = await f.team(ws.id, 'east');
    const manager = await f.user(ws.id, 'manager', east);
    const leaver = await f.user(ws.id, 'rep', east, { name: '张三' });
    const taker = await f.user(ws.id, 'rep', east, { name: '李四' });
    await f.book(leaver, 3);
    // The leaver writes (and is cached) before the handover.
    expect(await services.users.ensureUser(ws.id, 'feishu', leaver.platformUserId)).toMatchObject({ active: true });

    const proposed = await services.handover.propose({
      actor: manager,
      from: { platformUserId: leaver.platformUserId },
      to: { id: taker.id },
    });
    if (proposed.kind !== 'proposed') throw new Error(`proposal refused: ${proposed.kind}`);
    expect(
      (await services.handover.confirm({ actor: manager, handoverId: proposed.handoverId, deactivate: true, source: 'card' })).kind,
    ).toBe('confirmed');
    await services.handover.runDue();
    expect(await services.users.ensureUser(ws.id, 'feishu', leaver.platformUserId)).toMatchObject({ active: false });
  });
});
