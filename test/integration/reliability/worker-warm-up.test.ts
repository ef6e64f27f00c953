import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { startWorker } from '../../../src/worker/run-worker.js';
import { FEISHU_ENV } from '../../helpers/build-test-app.js';
import { fixedClock } from '../../helpers/clock.js';
import { useTestDatabase } from '../../helpers/db.js';
import { captureLogs } from '../../helpers/log-capture.js';

// The segmenter is a native addon loaded through `createRequire`, so it shows in the CommonJS cache.
const requireCache = createRequire(import.meta.url).cache;
const segmenterLoaded = () => Object.keys(requireCache).some((path) => path.includes('@node-rs/jieba'));

/**
 * The first note a process parses loads jieba's dictionary (about 0.35 s of CPU here): the worker
 * does it as it starts, before it claims a row, so the first rep after a deploy does not wait for it.
 */
describe('a worker warms the note parser up as it starts', () => {
  const testDb = useTestDatabase();

  it('has loaded the segmenter once started, before any note', async () => {
    expect(segmenterLoaded()).toBe(false);
    const worker = await startWorker(loadConfig({ ...FEISHU_ENV }, process.cwd()), {
      log: captureLogs().log,
      database: testDb.handle,
      clock: fixedClock('2026-11-25T02:00:00Z'),
      owner: 'test:worker',
    });
    try {
      expect(segmenterLoaded()).toBe(true);
    } finally {
      await worker.stop();
    }
  });
});
