import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeGenjin, type Genjin } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { customers, users, workspaces } from '../../src/db/schema/index.js';
import { addDays, wallClock } from '../../src/domain/notes/civil-time.js';
import { systemClock } from '../../src/lib/clock.js';
import { useTestDatabase } from '../helpers/db.js';
import { captureLogs } from '../helpers/log-capture.js';

/** The Monday after today in Shanghai at `hh:mm`, as a `datetime-local` value: a working day whose week differs from today's. */
function nextMondayInShanghai(hhmm: string): string {
  const today = wallClock(new Date(), 'Asia/Shanghai');
  const monday = addDays(today, 8 - today.weekday);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${monday.y}-${pad(monday.m)}-${pad(monday.d)}T${hhmm}`;
}

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
    // The page reads the job panel's "now" in the browser's zone: the workspace's.
    page = await browser.newPage({ viewport: { width: 1280, height: 860 }, timezoneId: 'Asia/Shanghai', locale: 'zh-CN' });
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

  /** Runs a job from the console's job panel as if at `now` (a `datetime-local` value in the page's zone, Shanghai). */
  async function runJobAt(name: string, now: string) {
    await page.click('#jobs-toggle');
    await page.fill('#job-now', now);
    await page.click(`#job-list button[data-job="${name}"]`);
    await expect.poll(() => page.textContent('#job-result'), { timeout: 20_000 }).toMatch(new RegExp(`^${name}: done`));
    await page.click('#jobs-toggle');
  }
  /** A screenshot of `card` at phone width, its top in view, without a toast left over from an earlier step. */
  async function phoneShot(card: ReturnType<Page['locator']>, file: string) {
    await page.locator('#text').blur();
    await page.setViewportSize({ width: 375, height: 760 });
    await card.evaluate((node) => node.scrollIntoView({ block: 'start' }));
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(375);
    await page.screenshot({ path: join(DOCS, file) });
    await page.setViewportSize({ width: 1280, height: 860 });
  }

  it('runs the reminder job at a chosen "now" and acts on a reminder card (desktop and phone screenshots)', async () => {
    await actAs('rep1');
    await runJobAt('reminders', nextMondayInShanghai('09:30'));
    const reminder = page.locator('#messages article.card', { has: page.getByRole('button', { name: '推迟1天' }) }).first();
    await expect.poll(() => reminder.count(), { timeout: 15_000 }).toBe(1);
    const title = (await reminder.locator('header h3').textContent())?.trim() ?? '';
    await hideToast();
    await reminder.scrollIntoViewIfNeeded();
    await reminder.screenshot({ path: join(DOCS, 'console-reminder-card.png') });
    await phoneShot(reminder, 'console-reminder-card-phone.png');

    await reminder.getByRole('button', { name: '推迟1天' }).click();
    const acted = page.locator('#messages article.card', { hasText: title }).filter({ hasText: '已推迟到' });
    await expect.poll(() => acted.count(), { timeout: 10_000 }).toBeGreaterThan(0);
  });

  it('sends the digest to the team chat; the manager reassigns an at-risk customer from it and a rep is refused', async () => {
    const ws = await consoleWorkspace();
    await actAs('manager');
    await runJobAt('digest', nextMondayInShanghai('09:05'));
    await page
      .getByRole('button', { name: /群 \/ Group/ })
      .first()
      .click();
    const digest = page.locator('#messages article.card', { hasText: '周报' }).last();
    await expect.poll(() => digest.count(), { timeout: 15_000 }).toBe(1);
    await hideToast();
    await digest.scrollIntoViewIfNeeded();
    await digest.screenshot({ path: join(DOCS, 'console-digest-card.png') });
    await phoneShot(digest, 'console-digest-card-phone.png');

    const messageId = await digest.evaluate((card) => card.closest('li')?.getAttribute('data-id'));
    const shown = (await (await fetch(`${base}/console/api/state?token=${TOKEN}`)).json()) as {
      messages: {
        id: string;
        message: { card?: { sections?: { rows: { control?: { kind: string; action: { args: Record<string, string> } } }[] }[] } };
      }[];
    };
    const card = shown.messages.find((m) => m.id === messageId)?.message.card;
    const control = card?.sections?.flatMap((sec) => sec.rows).find((r) => r.control?.kind === 'person')?.control;
    expect(control).toBeDefined();
    const customerId = Number(control!.action.args.c);
    const ownerOf = async () =>
      (
        await testDb.db
          .select()
          .from(customers)
          .where(and(eq(customers.workspaceId, ws), eq(customers.id, customerId)))
      )[0]?.ownerUserId;
    const before = await ownerOf();
    const people = await testDb.db.select().from(users).where(eq(users.workspaceId, ws));
    const other = people.find((u) => u.role === 'rep' && u.id !== before)!;

    // A rep sends the very same control from the group: refused, nothing moves.
    const res = await fetch(`${base}/console/api/clicks?token=${TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ as: 'rep3', messageId, action: control!.action, values: { to: other.platformUserId } }),
    });
    expect(((await res.json()) as { toast?: { kind: string } }).toast?.kind).toMatch(/error|warning/);
    expect(await ownerOf()).toBe(before);

    // The manager uses the picker on the card.
    const picker = digest.locator('.control-person').first();
    await picker.locator('select').selectOption({ label: other.name! });
    await picker.getByRole('button').click();
    await expect.poll(ownerOf, { timeout: 10_000 }).toBe(other.id);
  });

  /** Screenshots show the card alone: a toast from the step before would cover it. */
  async function hideToast() {
    await page.locator('#toast').evaluate((toast) => {
      toast.hidden = true;
    });
  }

  async function consoleWorkspace(): Promise<number> {
    const [ws] = await testDb.db
      .select()
      .from(workspaces)
      .where(and(eq(workspaces.platform, 'console'), eq(workspaces.externalId, 'local')));
    return ws!.id;
  }
});
