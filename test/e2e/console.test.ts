import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeGenjin, type Genjin } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { customers, users, workspaces } from '../../src/db/schema/index.js';
import { systemClock } from '../../src/lib/clock.js';
import { useTestDatabase } from '../helpers/db.js';
import { captureLogs } from '../helpers/log-capture.js';

/** Debian's package (`apt-get install chromium`); .ci/run installs it when missing. */
const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'e2e-console-token-0123456789';
const DOCS = join(import.meta.dirname, '../../docs');

/**
 * The console in a real headless Chromium against the composed service (console adapter only,
 * real database, real outbox worker): what a newcomer sees after `npm start`.
 */
/** Locally without Chromium the browser test is skipped; in CI (which installs it) a missing browser is a failure. */
const inCi = process.env.CI === 'true' || process.env.CI === '1';
if (inCi && !existsSync(CHROMIUM)) {
  describe('local console in a browser', () => {
    it('needs Debian chromium at /usr/bin/chromium (.ci/run installs it)', () => {
      throw new Error(`${CHROMIUM} is missing: CI must install chromium (see .ci/run)`);
    });
  });
}

describe.skipIf(!existsSync(CHROMIUM))('local console in a browser', () => {
  const testDb = useTestDatabase();
  let genjin: Genjin;
  let browser: Browser;
  let page: Page;
  let base = '';

  beforeAll(async () => {
    const config = loadConfig({ GENJIN_CONSOLE_TOKEN: TOKEN, LOG_LEVEL: 'warn' }, mkdtempSync(join(tmpdir(), 'genjin-e2e-')));
    genjin = await composeGenjin(config, { log: captureLogs().log, clock: systemClock, database: testDb.handle });
    await genjin.services.users.applySettings(config.teams);
    await genjin.app.listen({ host: '127.0.0.1', port: 0 });
    const address = genjin.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    genjin.outbox.start(100);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    // Nothing may be fetched from another host (fonts, scripts): fail loudly if the page tries.
    page.on('request', (req) => {
      if (!req.url().startsWith(base)) throw new Error(`the console requested ${req.url()}`);
    });
  });
  afterAll(async () => {
    await browser?.close();
    await genjin?.app.close();
    await genjin?.stop();
  });

  const lastCard = () => page.locator('#messages article.card').last();
  async function say(text: string) {
    await page.fill('#text', text);
    await page.keyboard.press('Enter');
  }
  async function actAs(id: string) {
    await page.selectOption('#who', id);
  }

  it('needs the token', async () => {
    const res = await fetch(`${base}/console`);
    expect(res.status).toBe(401);
  });

  it('fills the empty workspace with the demo team from one button', async () => {
    await page.goto(`${base}/console?token=${TOKEN}`);
    await page.waitForSelector('body[data-live="true"]');
    await page.click('#seed-button');
    await expect.poll(() => page.textContent('#seed-result'), { timeout: 15_000 }).toContain('60 customers');
  });

  it('logs a note as a rep and shows the card (desktop and phone screenshots)', async () => {
    await actAs('rep1');
    await say('今天给云帆科技王总打电话,预算50万,下周三上门演示');
    await expect.poll(() => lastCard().textContent(), { timeout: 10_000 }).toContain('已记录跟进 · 云帆科技');
    const card = lastCard();
    expect(await card.textContent()).toContain('¥500,000');
    await card.screenshot({ path: join(DOCS, 'console-note-card.png') });
    await page.waitForSelector('#seed', { state: 'hidden' });
    await page.locator('#text').blur();
    await page.setViewportSize({ width: 375, height: 760 });
    // Nothing wider than the phone: the page scrolls vertically only.
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(375);
    await page.screenshot({ path: join(DOCS, 'console-note-card-phone.png') });
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('edits a field through the form, then undoes', async () => {
    await lastCard().getByRole('button', { name: '修改' }).click();
    await expect.poll(() => lastCard().textContent()).toContain('修改跟进');
    await lastCard().getByLabel('金额').fill('600000');
    await lastCard().getByRole('button', { name: '保存' }).click();
    await expect.poll(() => lastCard().textContent()).toContain('¥600,000');
    await lastCard().getByRole('button', { name: '撤销' }).click();
    await expect.poll(() => page.textContent('#toast')).toContain('已撤销');
    await expect.poll(() => lastCard().getAttribute('class')).toContain('tone-grey');
  });

  it('runs every job the registry has, once each, through the claimed-job runner', async () => {
    await page.click('#jobs-toggle');
    const names = await page.locator('#job-list button[data-job]').evaluateAll((b) => b.map((x) => x.getAttribute('data-job')));
    expect(names.length).toBe(genjin.jobs.length);
    for (const name of names) {
      await page.click(`#job-list button[data-job="${name}"]`);
      await expect.poll(() => page.textContent('#job-result'), { timeout: 15_000 }).toMatch(new RegExp(`^${name}: (done|skipped)`));
    }
    await page.click('#jobs-toggle');
  });

  it("refuses a rep the manager's reassignment control, and lets the manager use it", async () => {
    const [ws] = await testDb.db
      .select()
      .from(workspaces)
      .where(and(eq(workspaces.platform, 'console'), eq(workspaces.externalId, 'local')));
    const ownerOf = async () =>
      (
        await testDb.db
          .select()
          .from(customers)
          .where(and(eq(customers.workspaceId, ws!.id), eq(customers.name, '博远科技')))
      )[0]?.ownerUserId;
    const before = await ownerOf();
    await actAs('manager');
    await say('/查 博远科技');
    await expect.poll(() => lastCard().textContent(), { timeout: 10_000 }).toContain('博远科技');
    const picker = lastCard().locator('.control-person');
    await expect.poll(() => picker.count()).toBe(1);
    const messageId = await lastCard().evaluate((card) => card.closest('li')?.getAttribute('data-id'));

    // A rep sends the very same control (the manager's card, a colleague picked): the bot refuses.
    const shown = (await (await fetch(`${base}/console/api/state?token=${TOKEN}`)).json()) as {
      messages: { id: string; message: { card?: { controls?: { action: unknown }[] } } }[];
    };
    const action = shown.messages.find((m) => m.id === messageId)?.message.card?.controls?.[0]?.action;
    expect(action).toMatchObject({ name: 'own.reassign' });
    const res = await fetch(`${base}/console/api/clicks?token=${TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ as: 'rep2', messageId, action, values: { to: 'rep2' } }),
    });
    const refused = (await res.json()) as { toast?: { kind: string } };
    expect(refused.toast?.kind).toBe('error');
    expect(await ownerOf()).toBe(before);

    await picker.locator('select').selectOption({ label: '李娜' });
    await picker.getByRole('button').click();
    const [rep2] = await testDb.db
      .select()
      .from(users)
      .where(and(eq(users.workspaceId, ws!.id), eq(users.platformUserId, 'rep2')));
    await expect.poll(ownerOf, { timeout: 10_000 }).toBe(rep2!.id);
  });

  // TODO(#11, #12): remove once the reminder job and the weekly digest exist in src/jobs: run the
  // reminder job at a chosen "now" and act on the reminder card; run the digest as the manager,
  // reassign a customer from it in the team chat, see a rep refused on the same control; and
  // write the reminder and digest screenshots (desktop and phone) to docs/.
  it.todo('reminder and digest: run the reminder job and act on a reminder; reassign from the digest (needs #11 and #12)');
});
