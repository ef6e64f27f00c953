import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../helpers/db.js';
import { runCliCapturing } from '../../helpers/run-cli.js';

/** `genjin jobs run`: usage errors exit 2 with a message and touch nothing. The jobs themselves are tested with their features. */
describe('genjin jobs run: usage', () => {
  const testDb = useTestDatabase();
  const env = () => ({ DATABASE_URL: testDb.url, GENJIN_CONFIG: '' });

  it('names the jobs when the job is unknown', async () => {
    const { code, err } = await runCliCapturing(['jobs', 'run', 'cleanup'], env());
    expect(code).toBe(2);
    expect(err).toContain('unknown job "cleanup"; jobs: reminders, pool, digest');
  });

  it('says how to write --now when it is not an ISO 8601 time', async () => {
    const { code, err } = await runCliCapturing(['jobs', 'run', 'reminders', '--now', 'tomorrow'], env());
    expect(code).toBe(2);
    expect(err).toContain('--now must be an ISO 8601 time');
  });

  it('refuses an unknown option and a missing verb', async () => {
    expect((await runCliCapturing(['jobs', 'run', 'pool', '--fast'], env())).code).toBe(2);
    const { code, err } = await runCliCapturing(['jobs'], env());
    expect(code).toBe(2);
    expect(err).toContain('usage: genjin jobs run <reminders|pool|digest>');
  });
});
