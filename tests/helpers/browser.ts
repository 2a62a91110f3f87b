import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { loadConfig } from '../../packages/api/src/config/env.js';

// The console tests' shared harness: Debian's Chromium (never a downloaded browser) driving the built console.
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots and downloads of the console tests. */
export const OUTPUT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../.output/e2e');

/** Fails at once, saying what to do, when the console is not built or Chromium is missing. */
export function requireBuiltConsole(): void {
  const dist = loadConfig().adminDist;
  if (!fs.existsSync(path.join(dist, 'index.html'))) throw new Error(`The console is not built (${dist}): run \`pnpm build\` first.`);
  if (!fs.existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH).`);
  fs.mkdirSync(OUTPUT, { recursive: true });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
