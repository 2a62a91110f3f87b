import fs from 'node:fs';
import type { DisabilityCertificateInput } from '@tanfang/schema/partner';
import { runPartnerSync } from './sync.js';

// Usage: TANFANG_KEY=tfk_... node dist/main.js records.json
//   TANFANG_API (default http://localhost:4000/graphql), TANFANG_CURSOR_FILE (default .tanfang-cursor) keeps the
//   change feed's endCursor between runs.
const key = process.env.TANFANG_KEY;
const file = process.argv[2];
if (!key || !file) {
  console.error('Usage: TANFANG_KEY=tfk_... node dist/main.js <records.json>');
  process.exit(2);
}
const cursorFile = process.env.TANFANG_CURSOR_FILE ?? '.tanfang-cursor';
const records = JSON.parse(fs.readFileSync(file, 'utf8')) as DisabilityCertificateInput[];
const report = await runPartnerSync({
  api: process.env.TANFANG_API ?? 'http://localhost:4000/graphql',
  key,
  records,
  // The same file on the same day is the same batch: a rerun after a crash replays instead of writing twice.
  idempotencyKey: process.env.TANFANG_BATCH_KEY ?? `cdpf-${new Date().toISOString().slice(0, 10)}-${file}`,
  since: fs.existsSync(cursorFile) ? fs.readFileSync(cursorFile, 'utf8').trim() || null : null,
});
if (report.endCursor) fs.writeFileSync(cursorFile, report.endCursor);
