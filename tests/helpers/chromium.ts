import fs from 'node:fs';
import { chromium, type BrowserServer, type LaunchOptions } from 'playwright-core';

// Debian's Chromium (never a downloaded browser) and the flags every console test runs it with. Kept apart from
// browser.ts so the global setup can import it without vitest's worker-side helpers.
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_OPTIONS: LaunchOptions = {
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

/**
 * One Chromium for the whole run, started by the global setup: launching one per browser file cost each of the 23 files
 * a second or two of a busy two-core machine. Each file connects to it (helpers/browser.ts `launchChromium`) and gets its
 * own contexts, which share nothing (cookies, storage, service workers, clocks are per context); closing the connected
 * browser closes that file's contexts and disconnects. Null when there is no Chromium (the browser files then fail in
 * `requireBuiltConsole`, saying how to install it), so API-only runs on a machine without it still work.
 */
export async function launchChromiumServer(): Promise<BrowserServer | null> {
  if (!fs.existsSync(CHROMIUM)) return null;
  return chromium.launchServer(CHROMIUM_OPTIONS);
}
