import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeGenjin, type Genjin } from '../../../src/compose.js';
import { loadConfig } from '../../../src/config.js';
import { fixedClock } from '../../helpers/clock.js';
import { useTestDatabase } from '../../helpers/db.js';
import { captureLogs } from '../../helpers/log-capture.js';

/** Debian's package, as in test/e2e/console.test.ts; without it (locally) this test is skipped. */
const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'digest-page-token-0123456789';

/**
 * The digest as the console page draws it, in a real headless Chromium: the chart as CSS bars
 * (one row per rep, no request to another host) and nothing wider than a phone.
 */
describe.skipIf(!existsSync(CHROMIUM))('console page: the digest card on a phone', () => {
  const testDb = useTestDatabase();
  let genjin: Genjin;
  let browser: Browser;
  let page: Page;
  let base = '';
  const now = '2026-11-30T01:00:00.000Z';

  beforeAll(async () => {
    const config = loadConfig({ GENJIN_CONSOLE_TOKEN: TOKEN, LOG_LEVEL: 'warn' }, mkdtempSync(join(tmpdir(), 'genjin-digest-page-')));
    genjin = await composeGenjin(config, { log: captureLogs().log, clock: fixedClock(now), database: testDb.handle });
    await genjin.services.users.applySettings(config.teams);
    await genjin.app.listen({ host: '127.0.0.1', port: 0 });
    const address = genjin.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
    page = await browser.newPage({ viewport: { width: 375, height: 760 } });
    page.on('request', (req) => {
      if (!req.url().startsWith(base)) throw new Error(`the console requested ${req.url()}`);
    });
  });
  afterAll(async () => {
    await browser?.close();
    await genjin?.app.close();
    await genjin?.stop();
  });

  const api = (path: string, body: unknown) =>
    fetch(`${base}/console/api/${path}?token=${TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('draws one bar row per rep and fits 375 px', async () => {
    expect((await api('seed-demo', {})).status).toBe(200);
    expect(await (await api('jobs/run', { name: 'digest', now })).json()).toMatchObject({ outcome: 'done' });
    await genjin.outbox.runOnce();
    await page.goto(`${base}/console?token=${TOKEN}`);
    await page.waitForSelector('body[data-live="true"]');
    await page.selectOption('#who', 'manager');
    await page.locator('#chats button', { hasText: '演示销售组' }).click();
    const card = page.locator('#messages article.card', { hasText: '周报' }).last();
    await card.waitFor();
    expect(await card.locator('.chart-row').count()).toBe(4);
    expect(await card.locator('.chart-bar').count()).toBe(8);
    expect(await card.locator('figure.chart figcaption').textContent()).toContain('跟进次数');
    // Bars are as long as their numbers: the widest is the largest value's, a smaller one shorter.
    const bars = await card
      .locator('.chart-bar')
      .evaluateAll((nodes) => nodes.map((n) => ({ value: Number(n.textContent), width: n.getBoundingClientRect().width })));
    const widest = bars.reduce((a, b) => (b.width > a.width ? b : a));
    expect(widest.value).toBe(Math.max(...bars.map((b) => b.value)));
    const smallest = bars.reduce((a, b) => (b.value < a.value ? b : a));
    expect(smallest.width).toBeLessThan(widest.width * 0.9);
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(375);
    await card.screenshot({ path: join(tmpdir(), 'genjin-digest-card-phone.png') });
  });
});
