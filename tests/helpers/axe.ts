import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, ImpactValue, Result } from 'axe-core';
import type { Page } from 'playwright-core';

// axe-core in a console page. The server's CSP allows only 'self' scripts, so page.addScriptTag({ content }) (an inline
// <script>) is refused by the browser: the tag is added but never runs (checked once per page below, and reported in
// `injectedBy`). The source is then evaluated through the DevTools protocol (page.evaluate → Runtime.evaluate), which
// CSP does not govern, so the policy stays exactly as the console ships it and no bypassCSP context is needed.
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The impacts axe reports, worst first. */
export const IMPACTS = ['critical', 'serious', 'moderate', 'minor'] as const;
export type Impact = (typeof IMPACTS)[number];

/** One violation, flattened for a failure message: the rule, its impact, the elements and the page it was found on. */
export interface A11yViolation {
  id: string;
  impact: Impact;
  help: string;
  page: string;
  /** The URL path the page was at (the label says which page in words). */
  path: string;
  targets: string[];
}

export interface AxeReport {
  /** How axe got into the page: 'script-tag' when an inline script ran, 'evaluate' when CSP refused it. */
  injectedBy: 'script-tag' | 'evaluate' | 'already-there';
  byImpact: Record<Impact, A11yViolation[]>;
}

async function inject(page: Page): Promise<AxeReport['injectedBy']> {
  if (await page.evaluate(() => 'axe' in window)) return 'already-there';
  // Tried first, so the report says whether the CSP let an inline script through.
  await page.addScriptTag({ content: AXE_SOURCE }).catch(() => undefined);
  if (await page.evaluate(() => 'axe' in window)) return 'script-tag';
  // Runtime.evaluate of the whole source: a function body, so `window.axe` is defined as the UMD wrapper expects.
  await page.evaluate(AXE_SOURCE);
  if (!(await page.evaluate(() => 'axe' in window))) throw new Error('axe-core could not be loaded into the page');
  return 'evaluate';
}

const asImpact = (v: ImpactValue | undefined | null): Impact => (v && (IMPACTS as readonly string[]).includes(v) ? (v as Impact) : 'minor');

/**
 * Runs every axe rule axe-core enables by default (WCAG 2.0-2.2 A and AA plus best practices) on the whole document
 * and returns the violations grouped by impact, each element's selector listed.
 */
export async function runAxe(page: Page, label: string): Promise<AxeReport> {
  // A toast or dialog half-way through its Vue transition is drawn at partial opacity, which axe reads as too little
  // contrast (a fading "saved" message failed a CI run): let running transitions end before measuring the page. A
  // toast still showing is waited out too (the console's close by themselves within 3 to 8 s): one whose time ran out
  // while axe was measuring started to fade under it and failed another run.
  await page.waitForFunction(
    () => !document.querySelector('.el-message, .el-notification, [class*="-leave-active"], [class*="-enter-active"]'),
    null,
    { timeout: 12_000 },
  );
  const injectedBy = await inject(page);
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<AxeResults> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    // Only what the report needs crosses back (the full results carry every passing node too).
    return r.violations.map((v: Result) => ({ id: v.id, impact: v.impact ?? null, help: v.help, targets: v.nodes.map((n) => n.target.map(String).join(' ')) }));
  });
  const byImpact: AxeReport['byImpact'] = { critical: [], serious: [], moderate: [], minor: [] };
  const path = new URL(page.url()).pathname;
  for (const v of results) byImpact[asImpact(v.impact)].push({ id: v.id, impact: asImpact(v.impact), help: v.help, page: label, path, targets: v.targets });
  return { injectedBy, byImpact };
}

/** One line per violation: page, impact, rule id, the first few elements. */
export function describeViolations(vs: A11yViolation[]): string {
  return vs.map((v) => `${v.page} (${v.path}) · ${v.impact} · ${v.id} (${v.help}) · ${v.targets.length} element(s): ${v.targets.slice(0, 6).join(' | ')}`).join('\n  ');
}
