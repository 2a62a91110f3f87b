import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOWN, DEMO_VILLAGE, seedDemo } from '../../packages/api/src/db/seeders/demo.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { describeViolations, IMPACTS, runAxe, type A11yViolation, type AxeReport } from '../helpers/axe.js';
import { launchChromium, requireBuiltConsole } from '../helpers/browser.js';

// axe-core on every console page a role reaches from its menu, and on the login page (issue 15, item 6): no critical
// and no serious violation, at a desktop (1366x768), a tablet (1024x768) and a phone (390x844, touch). The menu is read
// from the console itself (the sidebar, or the drawer on a phone), so a page added to the menu later is checked
// without touching this file. Detail pages and dialogs are opened by hand: an elder's page tab by tab, the assign and
// reveal dialogs, the visit record form, an alert's dialog, and the users' dialogs.
//
// The desktop and the tablet are one walk: the console lays out a tablet as it does a desktop (only a phone gets another
// layout, useViewport's media query, which a resize switches too), so each page is loaded once and checked at one size,
// resized to the other and checked again. Every page is still checked at both, and failures name the size; what is
// saved is the second login and the second load of every page (the phone keeps its own touch context).
const SIZES = {
  desktop: { width: 1366, height: 768 },
  tablet: { width: 1024, height: 768 },
  phone: { width: 390, height: 844 },
} as const;
type Size = keyof typeof SIZES;
/** The walks: the two sizes that share a layout together, the phone alone. */
const WALKS: Size[][] = [['desktop', 'tablet'], ['phone']];
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

/**
 * Findings tolerated, by page path and rule, with the most elements each may have: none today. An entry is only for
 * markup this project cannot change, with the reason beside it; anything else fails.
 */
const KNOWN: Record<string, Record<string, number>> = {};

describe('admin console accessibility (axe-core)', () => {
  let t: TestApp;
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;
  /** Every page checked, with its counts per impact: printed at the end as the run's figures. */
  const tally: { page: string; counts: Record<string, number>; rules: string[] }[] = [];
  const injections = new Set<AxeReport['injectedBy']>();

  beforeAll(async () => {
    requireBuiltConsole();
    t = await createTestApp();
    await seedDemo(t.orm.em.fork(), { elders: 40, today: t.clock.now() });
    server = await t.listen();
    browser = await launchChromium();
  });

  afterAll(async () => {
    // The figures of the run, one line a page (moderate and minor are listed, not asserted).
    console.log(`axe-core (injected by ${[...injections].join(', ')}):\n${tally.map((r) => `  ${r.page}: ${IMPACTS.map((i) => `${i} ${r.counts[i]}`).join(', ')}${r.rules.length ? ` (${r.rules.join(', ')})` : ''}`).join('\n')}`);
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  /** A context at the walk's first size (a phone's is a touch context; the others resize the same one). */
  async function open(size: Size): Promise<{ context: BrowserContext; page: Page }> {
    const viewport = SIZES[size];
    const context = await browser.newContext(
      size === 'phone' ? { locale: 'zh-CN', viewport, isMobile: true, hasTouch: true, deviceScaleFactor: 1 } : { locale: 'zh-CN', viewport },
    );
    await context.clock.install({ time: t.clock.now() });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return { context, page };
  }

  /** Content, not a spinner: no request in flight, no loading mask, and the page has drawn something. */
  async function settle(page: Page): Promise<void> {
    await page.waitForLoadState('networkidle');
    await poll(() => page.locator('.el-loading-mask:visible, .el-skeleton:visible').count()).toBe(0);
    await poll(async () => ((await page.locator('#app').textContent()) ?? '').trim().length).toBeGreaterThan(0);
    // Transitions (the drawer closing, a chart fading in) end before axe measures colours.
    await poll(() => page.evaluate(() => document.getAnimations().filter((a) => a.playState === 'running').length)).toBe(0);
  }

  async function check(page: Page, where: string, found: A11yViolation[]): Promise<void> {
    await settle(page);
    const report = await runAxe(page, where);
    injections.add(report.injectedBy);
    tally.push({
      page: where,
      counts: Object.fromEntries(IMPACTS.map((i) => [i, report.byImpact[i].length])),
      rules: [...report.byImpact.moderate, ...report.byImpact.minor].map((v) => v.id),
    });
    found.push(...report.byImpact.critical, ...report.byImpact.serious);
  }

  /**
   * Checks the page at each of the walk's sizes: first at the size it is at, then resized to the others (no reload).
   * A resize lets the page lay itself out again (resize observers, the tables' column widths) before it is checked.
   */
  async function checkSizes(page: Page, sizes: Size[], where: (size: Size) => string, found: A11yViolation[]): Promise<void> {
    const now = page.viewportSize();
    const current = sizes.find((s) => SIZES[s].width === now?.width && SIZES[s].height === now?.height) ?? sizes[0]!;
    for (const size of [current, ...sizes.filter((s) => s !== current)]) {
      if (size !== current) {
        await page.setViewportSize(SIZES[size]);
        await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
      }
      await check(page, where(size), found);
    }
  }

  async function logIn(page: Page, username: string, phone: boolean): Promise<void> {
    await page.locator('input[data-test=username], [data-test=username] input').first().fill(username);
    await page.locator('input[data-test=password], [data-test=password] input').first().fill('demo1234');
    const submit = page.locator('[data-test=login-submit]');
    if (phone) await submit.tap();
    else await submit.click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  }

  /** The menu's entries as the user sees them: the sidebar, or the phone's drawer (opened and closed again). */
  async function readMenu(page: Page, phone: boolean): Promise<string[]> {
    if (!phone) return (await page.locator('.aside .el-menu-item').allTextContents()).map((s) => s.trim());
    await page.locator('[data-test=menu-button]').tap();
    const drawer = page.locator('[data-test=menu-drawer]');
    await poll(() => drawer.locator('.el-menu-item').count()).toBeGreaterThan(0);
    const items = (await drawer.locator('.el-menu-item').allTextContents()).map((s) => s.trim());
    await page.keyboard.press('Escape');
    await poll(() => drawer.isVisible()).toBe(false);
    return items;
  }

  async function openFromMenu(page: Page, title: string, phone: boolean): Promise<void> {
    const h1 = page.locator('main h1');
    if (!phone) {
      await page.locator('.aside .el-menu-item', { hasText: title }).first().click();
    } else if (((await h1.count()) === 0 ? '' : await h1.first().textContent())?.trim() !== title) {
      await page.locator('[data-test=menu-button]').tap();
      const drawer = page.locator('[data-test=menu-drawer]');
      await drawer.locator('.el-menu-item', { hasText: title }).first().tap();
      await poll(() => drawer.isVisible()).toBe(false);
    }
    // The page's one heading names it (the layout renders the menu title as the h1 inside <main>).
    await poll(async () => (await h1.allTextContents()).map((s) => s.trim())).toEqual([title]);
  }

  async function walkRole(username: string, sizes: Size[], minPages: number): Promise<void> {
    const phone = sizes[0] === 'phone';
    const role = (size: Size) => `${username} (${size})`;
    const found: A11yViolation[] = [];
    const { context, page } = await open(sizes[0]!);
    await page.goto(`${server.url}/login`);
    await checkSizes(page, sizes, (size) => `${role(size)} login`, found);
    await logIn(page, username, phone);
    // The menu as the user sees it at every size of the walk: the same entries.
    const menu = await readMenu(page, phone);
    for (const size of sizes) {
      await page.setViewportSize(SIZES[size]);
      const seen = size === sizes[0] ? menu : await readMenu(page, phone);
      expect(seen.length, `${role(size)}'s menu`).toBeGreaterThanOrEqual(minPages);
      expect(seen, `${role(size)}'s menu`).toEqual(menu);
    }
    for (const title of menu) {
      await openFromMenu(page, title, phone);
      await checkSizes(page, sizes, (size) => `${role(size)} ${title}`, found);
    }
    await context.close();
    expectNone(`${username} (${sizes.join(', ')})`, found);
  }

  function expectNone(who: string, found: A11yViolation[]): void {
    // Printed whether or not the test fails, so the run's log lists what is left.
    if (found.length > 0) console.log(`${who}: critical and serious axe violations:\n  ${describeViolations(found)}`);
    const unexpected = found.filter((v) => {
      const limit = KNOWN[v.path]?.[v.id];
      return limit === undefined || v.targets.length > limit;
    });
    expect(unexpected, `critical and serious axe violations:\n  ${describeViolations(unexpected)}`).toEqual([]);
  }

  /** Opens a dialog by its button and checks the page with it open at each size; Escape closes it again. */
  async function checkDialog(page: Page, sizes: Size[], where: (size: Size) => string, found: A11yViolation[], button: string, dialog: string): Promise<void> {
    // Element's fixed columns keep a hidden copy of their cells: the visible button is the one a person presses.
    await page.locator(`${button}:visible`).first().click();
    await poll(() => page.locator(dialog).first().isVisible()).toBe(true);
    await checkSizes(page, sizes, where, found);
    await page.keyboard.press('Escape');
    await poll(() => page.locator(dialog).first().isVisible()).toBe(false);
  }

  /** The town's detail pages and dialogs at the walk's sizes. */
  async function walkDetails(sizes: Size[]): Promise<void> {
    const found: A11yViolation[] = [];
    const { context, page } = await open(sizes[0]!);
    const at = (what: string) => (size: Size) => `town (${size}) ${what}`;
    await page.goto(`${server.url}/login`);
    await logIn(page, 'town', sizes[0] === 'phone');
    // An elder of the demo village with a responsible visitor, visits and alerts: every tab has rows.
    const [elder] = await t.sql<{ id: string }>(
      `select e.id from elder e where e.region_code = $1 and e.status = 'ACTIVE'
          and exists (select 1 from assignment a where a.elder_id = e.id and a.ends_at is null)
          and exists (select 1 from alert x where x.elder_id = e.id)
        order by e.id limit 1`,
      [DEMO_VILLAGE],
    );
    expect(elder, 'a demo elder with an assignment and an alert').toBeTruthy();
    for (const tab of ['archive', 'class', 'visits', 'alerts', 'assignments', 'agency', 'history']) {
      await page.goto(`${server.url}/elders/${elder!.id}?tab=${tab}`);
      await poll(() => page.locator('[data-test=elder-name]').count()).toBe(1);
      await checkSizes(page, sizes, at(`elder · ${tab}`), found);
    }
    await checkDialog(page, sizes, at('elder · assign dialog'), found, '[data-test=open-assign-visitor]', '[data-test=assign-visitor-dialog]');
    await checkDialog(page, sizes, at('elder · reveal dialog'), found, '[data-test=reveal]', '[data-test=reveal-dialog]');
    await page.goto(`${server.url}/elders/${elder!.id}/visit`);
    await checkSizes(page, sizes, at('visit record form'), found);
    // The workload tab of the assignments page (the menu opens its first tab): a paged table of visitors, opened by
    // its URL as a link or a reload opens it.
    await page.goto(`${server.url}/assignments?wregion=${DEMO_TOWN}`);
    await poll(() => page.locator('[data-test=workload-table] [data-test=workload-name]').count()).toBeGreaterThan(0);
    await checkSizes(page, sizes, at('assignments · workload tab'), found);
    await page.goto(`${server.url}/alerts`);
    await poll(() => page.locator('[data-test=alert-table] [data-test=refer]').count()).toBeGreaterThan(0);
    await checkDialog(page, sizes, at('alert · refer dialog'), found, '[data-test=alert-table] [data-test=refer]', '[data-test=alert-dialog]');
    await context.close();
    expectNone(`town (${sizes.join(', ')}) details`, found);
  }

  /** The admin's user dialogs at the walk's sizes: new user, edit, reset password, deactivate. */
  async function walkUserDialogs(sizes: Size[]): Promise<void> {
    const found: A11yViolation[] = [];
    const { context, page } = await open(sizes[0]!);
    await page.goto(`${server.url}/login`);
    await logIn(page, 'admin', sizes[0] === 'phone');
    await page.goto(`${server.url}/users`);
    await poll(() => page.locator('[data-test=user-table] [data-test=user-edit]').count()).toBeGreaterThan(0);
    const where = (what: string) => (size: Size) => `admin (${size}) users · ${what}`;
    await checkDialog(page, sizes, where('new user'), found, '[data-test=user-create]', '[data-test=user-dialog]');
    await checkDialog(page, sizes, where('edit'), found, '[data-test=user-table] [data-test=user-edit]', '[data-test=user-dialog]');
    await checkDialog(page, sizes, where('reset password'), found, '[data-test=user-table] [data-test=user-reset]', '[data-test=reset-dialog]');
    await checkDialog(page, sizes, where('deactivate'), found, '[data-test=user-table] [data-test=user-deactivate]', '[data-test=deactivate-dialog]');
    await context.close();
    expectNone(`admin (${sizes.join(', ')}) user dialogs`, found);
  }

  it('axe runs under the console\'s CSP and reports what is planted in a page', async () => {
    const { context, page } = await open('desktop');
    await page.goto(`${server.url}/login`);
    await settle(page);
    // An inline <script> is refused by the policy (script-src 'self'), so the helper had to evaluate the source.
    const clean = await runAxe(page, 'login');
    expect(clean.injectedBy).toBe('evaluate');
    // An input with no name and pale grey text: one critical and one serious finding, named by rule and element.
    await page.evaluate(() => {
      const input = document.createElement('input');
      input.id = 'planted-input';
      const p = document.createElement('p');
      p.id = 'planted-text';
      p.textContent = '浅灰色文字';
      p.style.color = '#c0c4cc';
      document.querySelector('main')!.append(input, p);
    });
    const planted = await runAxe(page, 'login with planted faults');
    expect(planted.injectedBy).toBe('already-there');
    expect(planted.byImpact.critical.find((v) => v.id === 'label')?.targets).toContain('#planted-input');
    expect(planted.byImpact.serious.find((v) => v.id === 'color-contrast')?.targets).toContain('#planted-text');
    await context.close();
  }, 60_000);

  for (const sizes of WALKS) {
    // A walk at two sizes checks twice the pages of one: its time limit is that of the two walks it replaces.
    const limit = (ms: number) => ms * sizes.length;
    const name = sizes.join(', ');
    it(`admin (${name})`, () => walkRole('admin', sizes, 10), limit(300_000));
    it(`town operator (${name})`, () => walkRole('town', sizes, 5), limit(240_000));
    it(`visitor (${name})`, () => walkRole('visitor', sizes, 1), limit(120_000));
    it(`town's detail pages and dialogs (${name})`, () => walkDetails(sizes), limit(240_000));
    it(`admin's user dialogs (${name})`, () => walkUserDialogs(sizes), limit(120_000));
  }
  it('auditor (desktop)', () => walkRole('auditor', ['desktop'], 1), 120_000);
  it('integrator (desktop)', () => walkRole('integrator', ['desktop'], 1), 120_000);
});
