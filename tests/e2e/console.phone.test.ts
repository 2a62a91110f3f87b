import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../packages/api/src/db/seeders/demo.js';
import { actorFor } from '../../packages/api/src/modules/auth/actor.js';
import { createTestApp, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { launchChromium, requireBuiltConsole, OUTPUT } from '../helpers/browser.js';

// Every console page of every role on a phone (390×844, touch): no page scrolls sideways and the primary actions are
// big enough to hit with a thumb (issue 14, item 1). The menu is read from the phone's drawer, so a page added to the
// menu later is covered without touching this file; the detail pages reached from the menu pages (an elder's page
// and edit form, the register form, a survey round, the re-verification list, the visit form) are opened too, and
// every tab of a page that has tabs.
const PHONE = { width: 390, height: 844 };
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

/**
 * What the overflow check reports: how wide the page is (the document, or the layout's scroll box), and the outermost
 * elements reaching past the screen's right edge.
 */
interface Overflow {
  scrollWidth: number;
  innerWidth: number;
  offenders: string[];
}

/**
 * Measures the page in the browser. An offender is an element whose right edge passes the screen's while its parent's
 * does not (the outermost one, where the fix belongs). That catches both a page that scrolls sideways and content cut
 * off by a box that hides its overflow (el-card does): either way a control out there cannot be reached. What sits in
 * a box that scrolls on its own (el-table's body, the tab bar with its arrows) is reachable, so it is not looked into.
 * `root` limits the walk to one element (an open dialog, which the page-wide walk skips as a pop-up).
 */
function measure(root: string | null): Overflow {
  const innerWidth = window.innerWidth;
  const scrollsOnItsOwn = (el: Element) => {
    if (el.matches('.el-table, .el-tabs__nav-scroll, .el-select__selection')) return true;
    const ox = getComputedStyle(el).overflowX;
    // The layout's el-main scrolls the page itself, and el-card's body wraps a whole page's content: sideways there is
    // the page scrolling sideways.
    return (ox === 'auto' || ox === 'scroll') && !el.matches('.el-main, .el-card__body');
  };
  const describe = (el: Element) => {
    const r = el.getBoundingClientRect();
    const test = el.getAttribute('data-test');
    const cls = typeof el.className === 'string' ? el.className.trim().split(/\s+/).slice(0, 3).join('.') : '';
    const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40);
    return `<${el.tagName.toLowerCase()}${test ? ` data-test=${test}` : ''}${cls ? ` class=${cls}` : ''}> ${Math.round(r.left)}..${Math.round(r.right)}px (${Math.round(r.width)} wide) "${text}"`;
  };
  const offenders: { el: Element; right: number }[] = [];
  const walk = (el: Element, parentSticksOut: boolean) => {
    const style = getComputedStyle(el);
    // Pop-ups and the drawer are not the page; invisible helpers (a native input under a styled checkbox) are no control.
    if (style.display === 'none' || (style.position === 'fixed' && el !== start) || style.visibility === 'hidden' || style.opacity === '0') return;
    const r = el.getBoundingClientRect();
    const sticksOut = r.width > 0 && r.height > 0 && r.right > innerWidth + 1;
    if (sticksOut && !parentSticksOut) offenders.push({ el, right: r.right });
    if (scrollsOnItsOwn(el)) return;
    for (const child of Array.from(el.children)) walk(child, sticksOut);
  };
  const start = root ? Array.from(document.querySelectorAll(root)).find((e) => e.getClientRects().length > 0) : document.body;
  if (start) walk(start, false);
  offenders.sort((a, b) => b.right - a.right);
  // The layout scrolls the page inside el-main (overflow: auto), so the document alone would never be wider.
  const main = document.querySelector('.el-main');
  const mainExcess = main ? main.scrollWidth - main.clientWidth : 0;
  return { scrollWidth: Math.max(document.documentElement.scrollWidth, innerWidth + mainExcess), innerWidth, offenders: offenders.slice(0, 5).map((o) => describe(o.el)) };
}

describe('admin console on a phone: every page of every role', () => {
  let t: TestApp;
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;
  let roundId: string;
  /** Pages that scrolled sideways, with their offenders, collected so one run lists every one of them. */
  const overflowing: string[] = [];
  /** Primary actions smaller than a thumb, and forms with labels beside their fields. */
  const smallTargets: string[] = [];
  const visited = new Map<string, string[]>();

  beforeAll(async () => {
    requireBuiltConsole();
    t = await createTestApp();
    await seedDemo(t.orm.em.fork(), { elders: 40, today: t.clock.now() });
    const town = await demoUser('town');
    roundId = ok(await t.exec<{ createSurveyRound: { id: string } }>(town, `mutation { createSurveyRound(regionCode: "${REGIONS.townA}", name: "冬季摸底排查", startsOn: "2026-11-15", endsOn: "2026-12-31") { id } }`))
      .createSurveyRound.id;
    server = await t.listen();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  async function demoUser(username: string): Promise<TestUser> {
    const [u] = await t.sql<{ id: string; display_name: string; role: 'TOWN_OPERATOR'; region_code: string; agency_id: string | null }>(
      `select id, display_name, role, region_code, agency_id from app_user where username = $1`,
      [username],
    );
    return { id: u!.id, username, actor: actorFor({ id: u!.id, username, displayName: u!.display_name, role: u!.role, regionCode: u!.region_code, agencyId: u!.agency_id }) };
  }

  async function phoneContext(): Promise<{ context: BrowserContext; page: Page; consoleErrors: string[] }> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 1 });
    await context.clock.install({ time: t.clock.now() });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    return { context, page, consoleErrors };
  }

  async function logIn(page: Page, username: string): Promise<void> {
    await page.goto(`${server.url}/login`);
    await checkPage(page, username, 'login');
    await page.locator('input[data-test=username], [data-test=username] input').first().fill(username);
    await page.locator('input[data-test=password], [data-test=password] input').first().fill('demo1234');
    const submit = (await page.locator('[data-test=login-submit]').boundingBox())!;
    if (submit.height < 40 || submit.x < 0 || submit.x + submit.width > PHONE.width) smallTargets.push(`login: the submit button is ${Math.round(submit.height)}px high at ${Math.round(submit.x)}..${Math.round(submit.x + submit.width)}px`);
    await page.locator('[data-test=login-submit]').tap();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  }

  /** Content, not a spinner: no request in flight, no loading mask, and the page has drawn something. */
  async function settle(page: Page): Promise<void> {
    await page.waitForLoadState('networkidle');
    await poll(() => page.locator('.el-loading-mask:visible, .el-skeleton:visible').count()).toBe(0);
    await poll(async () => ((await page.locator('#app').textContent()) ?? '').trim().length).toBeGreaterThan(0);
    // A chart or a table may lay itself out a frame after its data arrived.
    await page.waitForTimeout(150);
  }

  /** Records (rather than throws) a page that scrolls sideways, so one run names every page to fix. */
  async function checkPage(page: Page, role: string, label: string): Promise<void> {
    await settle(page);
    const where = `${role} ${label} (${new URL(page.url()).pathname})`;
    visited.set(role, [...(visited.get(role) ?? []), label]);
    const o = await page.evaluate(measure, null);
    if (o.scrollWidth > o.innerWidth || o.offenders.length > 0) {
      const what = o.scrollWidth > o.innerWidth ? `scrolls sideways (${o.scrollWidth}px on a ${o.innerWidth}px screen)` : 'cuts content off at the right edge';
      overflowing.push(`${where} ${what}; outermost elements past the edge:\n      ${o.offenders.join('\n      ')}`);
      await page.screenshot({ path: path.join(OUTPUT, `phone-${role}-${label.replace(/[^\w-]+/g, '_')}.png`), fullPage: true });
    }
  }

  /** Every tab of the page's tab bars, each checked; back on the first one afterwards. */
  async function checkTabs(page: Page, role: string, label: string): Promise<void> {
    const tabs = page.locator('.el-main .el-tabs__item');
    const n = await tabs.count();
    for (let i = 1; i < n; i++) {
      const tab = tabs.nth(i);
      if (!(await tab.isVisible()) || (await tab.getAttribute('aria-disabled')) === 'true') continue;
      const name = ((await tab.textContent()) ?? '').trim();
      await tab.tap();
      await checkPage(page, role, `${label} › ${name}`);
    }
  }

  /** The primary buttons of the page (type=primary, on the page rather than in a popup) are at least 40 px high, and forms have their labels on top. */
  async function checkTargets(page: Page, role: string, label: string): Promise<void> {
    const small = await page.locator('.el-main .el-button--primary:visible').evaluateAll((els) =>
      els
        .filter((el) => !el.classList.contains('is-link') && !el.classList.contains('is-text') && !el.closest('.el-table, .el-dialog, .el-popper, .el-message-box'))
        .map((el) => ({ text: (el.textContent ?? '').trim(), h: el.getBoundingClientRect().height }))
        .filter((b) => b.h < 40),
    );
    for (const b of small) smallTargets.push(`${role} ${label}: "${b.text}" is ${Math.round(b.h)}px high`);
    // Forms (other than the one-line filter bars) put their labels on top, where a label column would leave the field
    // a third of the screen.
    const sideLabels = await page.locator('.el-main .el-form:not(.el-form--inline):not(.el-form--label-top):visible').count();
    if (sideLabels > 0) smallTargets.push(`${role} ${label}: ${sideLabels} form(s) with labels beside their fields`);
  }

  /** Dialogs opened from a menu page's primary buttons (opening one writes nothing). */
  const DIALOGS: Record<string, string[]> = { 探访标准: ['新增提标'], 用户与权限: ['新建用户'], 摸底排查: ['新建摸排'] };

  /** The dialog fits the screen, nothing in it is cut off, and its form has its labels on top. */
  async function checkDialogs(page: Page, role: string, label: string): Promise<void> {
    for (const name of DIALOGS[label] ?? []) {
      const button = page.locator('.el-main .el-button:visible', { hasText: name }).first();
      if ((await button.count()) === 0) continue;
      await button.tap();
      const dialog = page.locator('.el-dialog:visible');
      await poll(() => dialog.count()).toBe(1);
      await page.waitForTimeout(400); // the opening animation
      const where = `${role} ${label} › dialog ${name}`;
      visited.set(role, [...(visited.get(role) ?? []), `dialog ${name}`]);
      const box = (await dialog.boundingBox())!;
      const o = await page.evaluate(measure, '.el-dialog');
      if (box.x < 0 || box.x + box.width > PHONE.width || o.offenders.length > 0) {
        overflowing.push(`${where}: the dialog spans ${Math.round(box.x)}..${Math.round(box.x + box.width)}px; outermost elements past the edge:\n      ${o.offenders.join('\n      ')}`);
      }
      const sideLabels = await dialog.locator('.el-form:not(.el-form--inline):not(.el-form--label-top)').count();
      if (sideLabels > 0) smallTargets.push(`${where}: ${sideLabels} form(s) with labels beside their fields`);
      await page.keyboard.press('Escape');
      await poll(() => dialog.count()).toBe(0);
    }
  }

  /** Opens the drawer and lists the menu's entries, as the user sees them. */
  async function readMenu(page: Page): Promise<string[]> {
    await page.locator('[data-test=menu-button]').tap();
    const drawer = page.locator('[data-test=menu-drawer]');
    await poll(() => drawer.locator('.el-menu-item').count()).toBeGreaterThan(0);
    const items = await drawer.locator('.el-menu-item').allTextContents();
    await page.keyboard.press('Escape');
    await poll(() => drawer.isVisible()).toBe(false);
    return items.map((s) => s.trim());
  }

  /** Goes to a menu entry through the drawer, the way a phone user does. */
  async function openFromMenu(page: Page, title: string): Promise<void> {
    // Choosing the page one is on navigates nowhere (and leaves the drawer open): the home page is already it.
    if ((await page.locator('.page-title').textContent()) === title) return;
    await page.locator('[data-test=menu-button]').tap();
    const drawer = page.locator('[data-test=menu-drawer]');
    await drawer.locator('.el-menu-item', { hasText: title }).first().tap();
    await poll(() => drawer.isVisible()).toBe(false);
    await poll(() => page.locator('.page-title').textContent()).toBe(title);
  }

  async function firstElderId(page: Page): Promise<string | null> {
    const link = page.locator('.el-main a[href*="/elders/"]').first();
    if ((await link.count()) === 0) return null;
    const href = (await link.getAttribute('href')) ?? '';
    return /\/elders\/([0-9a-f-]{36})/.exec(href)?.[1] ?? null;
  }

  async function walkRole(username: string, expectMenu: string[]): Promise<void> {
    const { context, page, consoleErrors } = await phoneContext();
    await logIn(page, username);
    await checkPage(page, username, 'home');
    const menu = await readMenu(page);
    for (const title of expectMenu) expect(menu, `${username}'s menu`).toContain(title);
    let elderId: string | null = null;
    for (const title of menu) {
      await openFromMenu(page, title);
      await checkPage(page, username, title);
      await checkTargets(page, username, title);
      await checkDialogs(page, username, title);
      await checkTabs(page, username, title);
      elderId ??= await firstElderId(page);
    }
    // The pages reached from the menu pages rather than from the menu.
    const extra: [string, string][] = [];
    // The registry import needs the same scope (elder write) as the register and edit forms.
    const writes = menu.includes('导入老年人档案');
    if (elderId) {
      extra.push(['elder detail', `/elders/${elderId}`]);
      if (writes) extra.push(['elder edit', `/elders/${elderId}/edit`]);
      extra.push(['visit form', `/elders/${elderId}/visit`]);
    }
    if (writes) extra.push(['register form', '/elders/new']);
    if (menu.includes('摸底排查')) extra.push(['survey round', `/survey-rounds/${roundId}?v=${REGIONS.villageA1}`], ['re-verification', '/reverification']);
    for (const [label, url] of extra) {
      await page.goto(`${server.url}${url}`);
      await checkPage(page, username, label);
      await checkTargets(page, username, label);
      await checkTabs(page, username, label);
    }
    await page.screenshot({ path: path.join(OUTPUT, `phone-${username}-last.png`) });
    await context.close();
    expect(consoleErrors.filter((e) => !/Failed to load resource/.test(e)), `${username}: console errors`).toEqual([]);
  }

  it('admin', () => walkRole('admin', ['工作台', '老年人档案', '预警处置', '统计报表', '用户与权限']), 240_000);
  it('town operator', () => walkRole('town', ['老年人档案', '摸底排查']), 240_000);
  it('visitor', () => walkRole('visitor', []), 120_000);
  it('auditor', () => walkRole('auditor', []), 60_000);
  it('integrator', () => walkRole('integrator', []), 60_000);
  it('police (a partner agency)', () => walkRole('police', []), 60_000);

  it('no page scrolled sideways, and every primary action is big enough to tap', () => {
    // Every role saw pages beyond the home page (a menu that failed to open would otherwise pass vacuously).
    for (const role of ['admin', 'town', 'visitor', 'auditor', 'integrator', 'police']) expect(visited.get(role)?.length ?? 0, role).toBeGreaterThan(2);
    // The detail pages and the dialogs were reached, not skipped for want of a link or a button.
    expect(visited.get('admin')).toEqual(expect.arrayContaining(['elder detail', 'elder edit', 'register form', 'dialog 新增提标', 'dialog 新建用户', 'dialog 新建摸排']));
    expect(visited.get('town')).toEqual(expect.arrayContaining(['survey round', 're-verification', 'elder detail']));
    expect(overflowing, `pages wider than the phone (scrolling sideways or cut off):\n  ${overflowing.join('\n  ')}`).toEqual([]);
    expect(smallTargets, `primary actions under 40 px, or forms with side labels:\n  ${smallTargets.join('\n  ')}`).toEqual([]);
  });
});
