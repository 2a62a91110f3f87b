import path from 'node:path';
import { type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../packages/api/src/db/seeders/demo.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { consoleToken, graphqlAs, launchChromium, logInAs, OUTPUT, requireBuiltConsole } from '../helpers/browser.js';

// The visitor's phone (issue 14, items 1 and 4): the worklist as home, the one-column visit form and China time on a
// phone whose clock is set to Los Angeles. The browser runs on the real clock (the form stamps "now"), so the API's
// clock is set to the real time before each flow and each submission.
const PHONE: BrowserContextOptions = {
  locale: 'zh-CN',
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 3,
  // A device far from China: 16 hours behind it, so its wall clock and its date both differ from China's.
  timezoneId: 'America/Los_Angeles',
};
const TABLET: BrowserContextOptions = { locale: 'zh-CN', viewport: { width: 1024, height: 768 }, hasTouch: true, timezoneId: 'America/Los_Angeles' };

const CHINA = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
/** A moment as China wall-clock time, YYYY-MM-DD HH:mm (computed here, independently of the console's code). */
function china(at: Date): string {
  const p = Object.fromEntries(CHINA.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}
const chinaToday = () => china(new Date()).slice(0, 10);
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
/** 10月31日 → 2026-10-31, in the year that puts it nearest to today (the worklist omits this year's). */
function dayOf(month: number, day: number): string {
  const today = chinaToday();
  const year = Number(today.slice(0, 4));
  const candidates = [year - 1, year, year + 1].map((y) => `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
  return candidates.sort((a, b) => Math.abs(Date.parse(a) - Date.parse(today)) - Math.abs(Date.parse(b) - Date.parse(today)))[0]!;
}

interface WorkItem {
  overdue: boolean;
  daysOverdue: number | null;
  missedDueBy: string | null;
  dueBy: string | null;
  daysLeft: number | null;
  elder: { id: string; name: string; registeredAt: string };
}

describe("the visitor's phone in Chromium: worklist, one-column visit form, China time", () => {
  let t: TestApp;
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    requireBuiltConsole();
    t = await createTestApp();
    t.clock.set(new Date().toISOString());
    await seedDemo(t.orm.em.fork(), { elders: 120, today: t.clock.now() });
    server = await t.listen();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  async function newPage(options: BrowserContextOptions): Promise<Page> {
    t.clock.set(new Date().toISOString());
    const context = await browser.newContext(options);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
    return page;
  }

  const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

  function field(page: Page, name: string) {
    return page.locator(`input[data-test=${name}], [data-test=${name}] input, textarea[data-test=${name}], [data-test=${name}] textarea`).first();
  }

  const logIn = (page: Page, username: string) => logInAs(page, server.url, username);

  const api = async <T>(page: Page, query: string, variables: Record<string, unknown> = {}) => graphqlAs<T>(server.url, await consoleToken(page), query, variables);

  const noSideScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  const isOpen = (page: Page, section: string) => page.locator(`[data-test=vs-${section}]`).evaluate((el) => el.classList.contains('is-active'));

  /** Types a China wall-clock time into the visit time picker and commits it. */
  async function typeVisitTime(page: Page, value: string): Promise<void> {
    const input = field(page, 'v-visitedAt');
    await input.fill(value);
    await input.press('Enter');
    await page.keyboard.press('Escape');
    await poll(() => input.inputValue()).toBe(value);
  }

  it('lands the visitor on the worklist: overdue first, one statement of what is due, search, and a tap opens the form', async () => {
    const page = await newPage(PHONE);
    await logIn(page, 'visitor');
    await page.waitForURL(/\/worklist$/);
    // The menu starts with the worklist.
    const { myWorklist } = await api<{ myWorklist: WorkItem[] }>(page, `{ myWorklist { overdue daysOverdue missedDueBy dueBy daysLeft elder { id name registeredAt } } }`);
    const overdue = myWorklist.filter((w) => w.overdue);
    expect(overdue.length).toBeGreaterThan(0);
    expect(myWorklist.length).toBeGreaterThan(overdue.length);

    const rows = page.locator('[data-test=worklist-row]');
    await poll(() => rows.count()).toBe(myWorklist.length);
    expect((await rows.locator('[data-test=row-name]').allTextContents()).map((s) => s.trim())).toEqual(myWorklist.map((w) => w.elder.name));
    expect(await page.locator('[data-test=count-overdue]').textContent()).toBe(`逾期 ${overdue.length} 人`);
    expect(await page.locator('[data-test=count-due]').textContent()).toBe(`本期待访 ${myWorklist.length - overdue.length} 人`);

    // Overdue rows first, each one statement: days overdue with the date that was missed, in the past, consistent
    // with today in China; then the rows due, with a date to come and the days left to it.
    const today = chinaToday();
    const texts = (await rows.locator('[data-test=row-due]').allTextContents()).map((s) => s.trim());
    texts.forEach((text, i) => {
      if (i < overdue.length) {
        const m = /^已逾期 (\d+) 天（应于 (\d+)月(\d+)日前探访）$/.exec(text);
        expect(m, text).not.toBeNull();
        const missed = dayOf(Number(m![2]), Number(m![3]));
        expect(missed < today, text).toBe(true);
        expect(addDays(missed, Number(m![1])), text).toBe(today);
      } else {
        const m = /^(\d+)月(\d+)日前探访 · (?:还有 (\d+) 天|今天到期)$/.exec(text);
        expect(m, text).not.toBeNull();
        const due = dayOf(Number(m![1]), Number(m![2]));
        expect(due >= today, text).toBe(true);
        expect(addDays(today, Number(m![3] ?? 0)), text).toBe(due);
      }
      expect(text.includes('已逾期') && text.includes('还有'), text).toBe(false);
    });
    // Rows are large touch targets.
    const box = await rows.first().boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(48);
    expect(await noSideScroll(page)).toBe(true);
    await page.screenshot({ path: path.join(OUTPUT, 'field-worklist-phone.png') });

    // Search by name over the visitor's elders.
    const target = overdue[overdue.length - 1]!;
    await field(page, 'worklist-search').fill(target.elder.name);
    await poll(() => rows.locator('[data-test=row-name]').allTextContents()).toContain(target.elder.name);
    for (const name of await rows.locator('[data-test=row-name]').allTextContents()) expect(name).toContain(target.elder.name);
    expect(await rows.count()).toBeLessThan(myWorklist.length);
    await field(page, 'worklist-search').fill('查无此人');
    await poll(() => page.locator('[data-test=worklist-no-match]').count()).toBe(1);
    await field(page, 'worklist-search').fill(target.elder.name);

    // A tap on the row opens the visit form for that elder.
    await rows.filter({ hasText: target.elder.name }).first().tap();
    await page.waitForURL(new RegExp(`/elders/${target.elder.id}/visit\\?from=worklist$`));
    await poll(() => page.locator('[data-test=visit-elder-name]').textContent()).toBe(target.elder.name);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('records a home visit on the phone in China time, with the save bar in view and a field error opening its section', async () => {
    const page = await newPage(PHONE);
    await logIn(page, 'visitor');
    await page.waitForURL(/\/worklist$/);
    const { myWorklist } = await api<{ myWorklist: WorkItem[] }>(page, `{ myWorklist { overdue daysOverdue missedDueBy dueBy daysLeft elder { id name registeredAt } } }`);
    const target = myWorklist.find((w) => w.overdue) ?? myWorklist[0]!;
    await page.locator('[data-test=worklist-row]').filter({ hasText: target.elder.name }).first().tap();
    await page.waitForURL(new RegExp(`/elders/${target.elder.id}/visit`));
    await poll(() => page.locator('[data-test=visit-elder-name]').textContent()).toBe(target.elder.name);
    await page.waitForTimeout(400);

    // One column, the first section open and the others folded, the save bar in view without scrolling.
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    const bar = await page.locator('[data-test=visit-submit]').boundingBox();
    expect(bar).not.toBeNull();
    expect(bar!.y).toBeGreaterThanOrEqual(0);
    expect(bar!.y + bar!.height).toBeLessThanOrEqual(844);
    expect(bar!.height).toBeGreaterThanOrEqual(44);
    expect(await isOpen(page, 'basic')).toBe(true);
    for (const s of ['elder', 'safety', 'needs', 'sign', 'notes']) expect(await isOpen(page, s)).toBe(false);
    const columns = await page.locator('[data-test=visit-form] .grid').first().evaluate((el) => getComputedStyle(el).gridTemplateColumns.split(' ').length);
    expect(columns).toBe(1);
    // Large segmented choices: every method button at least 44 px high, none past the screen's edge.
    for (const b of await page.locator('[data-test=v-method] .el-radio-button__inner').all()) {
      const r = (await b.boundingBox())!;
      expect(r.height).toBeGreaterThanOrEqual(44);
      expect(r.x + r.width).toBeLessThanOrEqual(390);
    }
    expect(await noSideScroll(page)).toBe(true);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    console.log(`visit form at 390×844: page height ${height} px (first section open)`);
    await page.screenshot({ path: path.join(OUTPUT, 'field-visit-form-phone.png') });

    // The time shown is China's wall clock, not the phone's (Los Angeles): the default "now" too.
    const shownDefault = await field(page, 'v-visitedAt').inputValue();
    const before = Date.now();
    expect(Math.abs(Date.parse(`${shownDefault.replace(' ', 'T')}:00+08:00`) - before)).toBeLessThan(3 * 60_000);
    expect(shownDefault).not.toBe(await page.evaluate(() => {
      const d = new Date();
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')} ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
    }));

    await page.locator('[data-test=v-method]').getByText('上门入户').tap();

    // A time before the archive was registered: the API's field error is shown on the field, and its folded
    // section opens to show it.
    const registeredOn = china(new Date(target.elder.registeredAt)).slice(0, 10);
    const tooEarly = `${addDays(registeredOn, -3)} 10:00`;
    await typeVisitTime(page, tooEarly);
    await page.locator('[data-test=vs-basic] .el-collapse-item__header').tap();
    await poll(() => isOpen(page, 'basic')).toBe(false);
    t.clock.set(new Date().toISOString());
    await page.locator('[data-test=visit-submit]').tap();
    await poll(() => isOpen(page, 'basic')).toBe(true);
    await poll(() => page.locator('[data-test=vi-visitedAt] .el-form-item__error').textContent()).toContain('探访日期早于建档日期');
    await expect.poll(() => page.locator('[data-test=vi-visitedAt] .el-form-item__error').isVisible()).toBe(true);

    // A time still to come in China (though long past in Los Angeles) is refused on its field, its section opened.
    let future = china(new Date(Date.now() + 10 * 60_000));
    if (future.slice(0, 10) !== chinaToday()) future = `${chinaToday()} 23:59`;
    await typeVisitTime(page, future);
    await page.locator('[data-test=vs-basic] .el-collapse-item__header').tap();
    await poll(() => isOpen(page, 'basic')).toBe(false);
    await page.locator('[data-test=visit-submit]').tap();
    await poll(() => isOpen(page, 'basic')).toBe(true);
    await poll(() => page.locator('[data-test=vi-visitedAt] .el-form-item__error').textContent()).toContain('探访时间不能晚于现在');

    // "现在" puts China's now back; another section is filled, then the save bar submits the visit.
    await page.locator('[data-test=v-visitedAt-now]').tap();
    const shown = await field(page, 'v-visitedAt').inputValue();
    expect(shown).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(Math.abs(Date.parse(`${shown.replace(' ', 'T')}:00+08:00`) - Date.now())).toBeLessThan(3 * 60_000);
    await page.locator('[data-test=vs-elder] .el-collapse-item__header').tap();
    await poll(() => isOpen(page, 'elder')).toBe(true);
    await page.locator('[data-test=v-mood]').getByText('无变化').tap();
    // Scrolled down the form, the save bar is still on screen.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const low = (await page.locator('[data-test=visit-submit]').boundingBox())!;
    expect(low.y + low.height).toBeLessThanOrEqual(844);
    expect(low.y).toBeGreaterThanOrEqual(0);
    t.clock.set(new Date().toISOString());
    await page.locator('[data-test=visit-submit]').tap();
    await poll(() => page.locator('[data-test=visit-result]').textContent()).toContain('已记录第');
    // The result says the time in China time too.
    expect(await page.locator('[data-test=visit-result]').textContent()).toContain(shown);

    // Stored: the instant of the China wall-clock time that was shown, counted on that China day.
    const { elder } = await api<{ elder: { visits: { nodes: { visitedAt: string; visitedOn: string; method: string; mood: string }[] } } }>(
      page,
      `query($id: ID!) { elder(id: $id) { visits(first: 1) { nodes { visitedAt visitedOn method mood } } } }`,
      { id: target.elder.id },
    );
    const stored = elder.visits.nodes[0]!;
    expect(stored.method).toBe('HOME');
    expect(stored.mood).toBe('UNCHANGED');
    expect(china(new Date(stored.visitedAt))).toBe(shown);
    expect(stored.visitedOn).toBe(shown.slice(0, 10));
    await page.screenshot({ path: path.join(OUTPUT, 'field-visit-recorded-phone.png') });

    // Back to the worklist from the result.
    await page.locator('[data-test=visit-to-worklist]').tap();
    await page.waitForURL(/\/worklist$/);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('keeps the first worklist rows above the fold on a tablet (1024×768)', async () => {
    const page = await newPage(TABLET);
    await logIn(page, 'visitor');
    await page.waitForURL(/\/worklist$/);
    const first = page.locator('[data-test=worklist-row]').first();
    await first.waitFor();
    const box = (await first.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(768);
    expect(await noSideScroll(page)).toBe(true);
    await page.screenshot({ path: path.join(OUTPUT, 'field-worklist-tablet.png') });
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });
});
