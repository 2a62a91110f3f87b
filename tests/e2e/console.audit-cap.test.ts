import path from 'node:path';
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, REGIONS, TEST_PASSWORD, type TestApp } from '../helpers/app.js';
import { launchChromium, logInAs, newConsolePage, OUTPUT, requireBuiltConsole } from '../helpers/browser.js';

// The audit log past its count cap (issue 17): the API counts at most `auditCountCap` events (10,000 in production,
// 5 here) and the console says "5+ 条记录", shows the page without a page count, and still pages on by cursor, with the
// page in the URL so that the back button returns to it.
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });
const CAP = 5;

describe('the capped audit log in Chromium', () => {
  let t: TestApp;
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    requireBuiltConsole();
    t = await createTestApp({ config: { auditCountCap: CAP } });
    await t.user('AUDITOR', REGIONS.city, 'cap-auditor');
    // 45 events, and the auditor's login makes 46: three pages of 20 (the last with 6), more than the cap.
    await t.sql(`insert into audit_event (action, region_code, actor_username) select 'ELDER_READ', $1, 'seed' from generate_series(1, 45)`, [REGIONS.villageA1]);
    server = await t.listen();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  it('says "5+ 条", pages past the cap with next, and the back button restores the page', async () => {
    const page = await newConsolePage(browser, consoleErrors);
    await logInAs(page, server.url, 'cap-auditor', TEST_PASSWORD);
    await page.goto(`${server.url}/audit`);

    const rows = page.locator('[data-test=audit-table] tbody tr.el-table__row');
    const pager = page.locator('[data-test=audit-pager]');
    await poll(() => rows.count()).toBe(20);
    expect(await page.locator('[data-test=audit-count]').textContent()).toBe(`${CAP}+ 条记录`);
    expect(await pager.locator('[data-test=total]').textContent()).toBe(`${CAP}+ 条`);
    // No "/ 1" after the page: past the cap the number of pages is not known.
    expect((await pager.locator('[data-test=page]').textContent())?.trim()).toBe('第 1 页');

    await pager.locator('[data-test=next]').click();
    await poll(async () => (await pager.locator('[data-test=page]').textContent())?.trim()).toBe('第 2 页');
    await pager.locator('[data-test=next]').click();
    await poll(async () => (await pager.locator('[data-test=page]').textContent())?.trim()).toBe('第 3 页');
    await poll(() => rows.count()).toBe(6);
    expect(await pager.locator('[data-test=next]').isDisabled()).toBe(true);
    const third = page.url();

    await page.goBack();
    await poll(async () => (await pager.locator('[data-test=page]').textContent())?.trim()).toBe('第 2 页');
    await poll(() => rows.count()).toBe(20);
    await page.goForward();
    await poll(() => page.url()).toBe(third);
    await poll(() => rows.count()).toBe(6);
    await page.screenshot({ path: path.join(OUTPUT, 'audit-capped.png'), fullPage: true });
    await page.context().close();
    expect(consoleErrors).toEqual([]);
  }, 60_000);
});
