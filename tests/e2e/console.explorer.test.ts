import fs from 'node:fs';
import path from 'node:path';
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.js';
import { CHROMIUM, launchChromium, OUTPUT } from '../helpers/browser.js';

// The API explorer (GraphiQL at /explorer) in Debian's Chromium under the server's real CSP (no bypass): a partner's
// developer pastes the agency's API key, sees the key's scopes, runs a query and reads the answer; the docs show only
// the operations the key may call. One context.

describe('API explorer in Chromium', () => {
  let t: TestApp;
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;
  let key: string;

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH).`);
    fs.mkdirSync(OUTPUT, { recursive: true });
    t = await createTestApp();
    const health = await t.user('HEALTH', '440783');
    const created = await t.exec<{ createApiClient: { key: string } }>(health, `mutation($a: ID!) { createApiClient(agencyId: $a, name: "卫健系统") { key } }`, { a: health.actor.agencyId });
    expect(created.errors).toBeUndefined();
    key = created.data!.createApiClient.key;
    server = await t.listen({ explorer: 'on' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  it('loads GraphiQL from this server, sends the pasted key, shows its scopes and runs a query', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    const foreign: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(server.url)) foreign.push(r.url());
    });

    await page.goto(`${server.url}/explorer`);
    await page.locator('.graphiql-container').waitFor();
    // Without credentials the page says what to do.
    await expect.poll(() => page.locator('#tf-who').textContent()).toContain('API');

    await page.locator('#tf-key').fill(key);
    await page.locator('#tf-apply').click();
    await expect.poll(() => page.locator('#tf-who').textContent()).toContain('HEALTH');
    await expect.poll(() => page.locator('#tf-scopes li').allTextContents()).toContain('agency.view:duty');

    // The query editor is CodeMirror: set its text through its API (typing would fight its bracket closing).
    await page.evaluate(() => {
      const editor = document.querySelector('.graphiql-query-editor .CodeMirror') as unknown as { CodeMirror: { setValue(v: string): void } };
      editor.CodeMirror.setValue('query { me { role scopes } referredAlerts(first: 5) { totalCount } }');
    });
    await page.locator('.graphiql-execute-button').click();
    const response = page.locator('.graphiql-response .CodeMirror');
    await expect.poll(() => response.textContent()).toContain('"role": "HEALTH"');
    expect(await response.textContent()).toContain('"totalCount": 0');
    await page.screenshot({ path: path.join(OUTPUT, 'explorer.png') });

    // Its schema came through introspection with the key, cut to what the key may call: the docs explorer lists
    // health's sync mutations and the change feed, not the civil-affairs operations (createUser, closeReportPeriod).
    await page.locator('.graphiql-sidebar button[aria-label="Show Documentation Explorer"]').click();
    const docs = page.locator('.graphiql-doc-explorer');
    await expect.poll(() => docs.textContent()).toContain('Query');
    const fieldNames = () => docs.locator('.graphiql-doc-explorer-field-name').allTextContents();
    await docs.locator('a', { hasText: /^Mutation$/ }).first().click();
    await expect.poll(fieldNames).toContain('syncHealthChecks');
    const mutations = await fieldNames();
    expect(mutations).toEqual(expect.arrayContaining(['syncIncapacityAssessments', 'respondToReferral', 'createApiClient']));
    for (const hidden of ['createUser', 'closeReportPeriod', 'syncDeathRegistrations', 'registerElder']) expect(mutations).not.toContain(hidden);
    await docs.locator('.graphiql-doc-explorer-back').click();
    await docs.locator('a', { hasText: /^Query$/ }).first().click();
    await expect.poll(fieldNames).toContain('changes');
    const queries = await fieldNames();
    expect(queries).toEqual(expect.arrayContaining(['agencyElders', 'referredAlerts', 'me']));
    for (const hidden of ['auditLog', 'users', 'elders', 'report']) expect(queries).not.toContain(hidden);
    await page.screenshot({ path: path.join(OUTPUT, 'explorer-docs.png') });

    // Without a key it sends the console's own session (the console keeps it under tanfang.token in this tab).
    const town = await t.user('TOWN_OPERATOR', '440783001');
    const login = await t.exec<{ login: { token: string } }>(null, `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`, { u: town.username, p: TEST_PASSWORD });
    expect(login.errors).toBeUndefined();
    await page.evaluate((token) => sessionStorage.setItem('tanfang.token', token), login.data!.login.token);
    await page.locator('#tf-key').fill('');
    await page.locator('#tf-apply').click();
    await expect.poll(() => page.locator('#tf-who').textContent()).toContain('TOWN_OPERATOR');
    expect(await page.locator('#tf-who').textContent()).toContain('session');
    await expect.poll(() => page.locator('#tf-scopes li').allTextContents()).toContain('elder.read:jurisdiction');

    expect(foreign, 'everything comes from this server').toEqual([]);
    expect(problems, 'no script error, no CSP violation').toEqual([]);
    await context.close();
  }, 60_000);
});
