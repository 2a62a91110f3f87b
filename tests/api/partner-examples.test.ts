import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SAMPLE_ID_NUMBER, seedDemo } from '../../packages/api/src/db/seeders/demo.js';
import { runPartnerSync } from '../../examples/partner-sync/src/sync.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

// The partner guide's examples (docs/partners.md) run as written against a live server: the TypeScript program with
// the typed client, Python with requests, Java with java.net.http (when `java` is on PATH), and curl. Each one's dry
// run matches the guide's demo person, writes nothing, and its real run records the certificate on her archive
// without queuing a survey candidate.

const run = promisify(execFile);
const examples = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../examples');
const onPath = (cmd: string) => (process.env.PATH ?? '').split(path.delimiter).some((dir) => fs.existsSync(path.join(dir, cmd)));

describe('partner guide examples against a live server', () => {
  let t: TestApp;
  let server: { url: string; close: () => Promise<void> };
  let api: string;
  let key: string;
  let work: string;

  beforeAll(async () => {
    t = await createTestApp();
    // A small demo: the guide's person is always the first demo elder, whatever the size.
    await seedDemo(t.orm.em.fork(), { elders: 40, today: t.clock.now() });
    // The agency's own user creates its system's key, as the guide says.
    const disability = await t.user('DISABILITY', '440783');
    const created = await t.exec<{ createApiClient: { key: string } }>(
      disability,
      `mutation($agencyId: ID!) { createApiClient(agencyId: $agencyId, name: "残联业务系统") { key } }`,
      { agencyId: disability.actor.agencyId },
    );
    expect(created.errors).toBeUndefined();
    key = created.data!.createApiClient.key;
    server = await t.listen();
    api = `${server.url}/graphql`;
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'tanfang-partner-'));
  });

  afterAll(async () => {
    await server?.close();
    await t?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  async function records(): Promise<{ elder: string | null }[]> {
    return t.sql(`select e.id_number as elder from agency_record r left join elder e on e.id = r.elder_id where r.kind = 'DISABILITY_CERTIFICATE' order by r.external_id`);
  }
  const candidates = async () => Number((await t.sql<{ n: string }>(`select count(*) as n from candidate`))[0]!.n);
  const env = (batchKey: string) => ({ ...process.env, TANFANG_API: api, TANFANG_KEY: key, TANFANG_BATCH_KEY: batchKey, TANFANG_CURSOR_FILE: path.join(work, `${batchKey}.cursor`) });

  it('the TypeScript program: a dry run writes nothing, the real run matches the demo person, the feed is read to its end', async () => {
    const [sample] = await t.sql<{ id: string }>(`select id from elder where id_number = $1`, [DEMO_SAMPLE_ID_NUMBER]);
    expect(sample, 'the guide’s person is in the demo data').toBeDefined();
    const sampleRecords = JSON.parse(fs.readFileSync(path.join(examples, 'partner-sync/records.sample.json'), 'utf8'));
    const lines: string[] = [];
    const report = await runPartnerSync({ api, key, records: sampleRecords, idempotencyKey: 'cdpf-ts-1', since: null, log: (l) => lines.push(l) });

    expect(report.dryRun).toMatchObject({ dryRun: true, batchId: null, created: 1, rejected: 0 });
    expect(report.dryRun.results[0]).toMatchObject({ externalId: 'CDPF-DEMO-0001', status: 'CREATED', match: 'ELDER', elderId: sample!.id });
    expect(report.real).toMatchObject({ dryRun: false, created: 1, replayed: false });
    expect(report.real!.batchId).toBeTruthy();
    expect(await records()).toEqual([{ elder: DEMO_SAMPLE_ID_NUMBER }]);
    expect(await candidates()).toBe(0);
    // The certificate changed her archive: the feed has at least her entry, and the cursor to keep.
    expect(report.changes).toBeGreaterThan(0);
    expect(report.endCursor).toBeTruthy();
    expect(lines.join('\n')).toContain('dry run: received 1: created 1');
  });

  it('Python (requests): the same records again are UNCHANGED, matched to the archive', async () => {
    const { stdout } = await run('python3', [path.join(examples, 'python/sync.py')], { env: env('cdpf-py-1'), timeout: 60_000 });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(result.dryRun).toMatchObject({ created: 0, rejected: 0, batchId: null, matches: ['ELDER'] });
    expect(result.real).toMatchObject({ created: 0, unchanged: 1, replayed: false });
    expect(result.changes).toBeGreaterThan(0);
    expect(fs.readFileSync(path.join(work, 'cdpf-py-1.cursor'), 'utf8')).toBe(result.endCursor);
    // A second run resumes from the kept cursor: nothing new.
    const again = JSON.parse((await run('python3', [path.join(examples, 'python/sync.py')], { env: env('cdpf-py-1'), timeout: 60_000 })).stdout.trim().split('\n').at(-1)!);
    expect(again.real).toMatchObject({ replayed: true });
    expect(again.changes).toBe(0);
    expect(await records()).toHaveLength(1);
    expect(await candidates()).toBe(0);
  });

  it(`Java (java.net.http, java Sync.java)${onPath('java') ? '' : ': NOT RUN, no java on PATH'}`, async () => {
    if (!onPath('java')) {
      console.warn('partner-examples: java is not on PATH: examples/java/Sync.java was NOT run');
      expect(onPath('java')).toBe(false);
      return;
    }
    const { stdout } = await run('java', [path.join(examples, 'java/Sync.java')], { env: env('cdpf-java-1'), cwd: work, timeout: 120_000 });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(result).toMatchObject({ dryRunCreated: 0, dryRunMatches: 'ELDER', realCreated: 0 });
    expect(result.changes).toBeGreaterThan(0);
    expect(stdout).toContain('real run: received 1, created 0, updated 0, unchanged 1');
    expect(await candidates()).toBe(0);
  }, 150_000);

  it('curl (examples/curl/sync.sh): dry run, real run and the feed answer without errors', async () => {
    const { stdout } = await run('sh', [path.join(examples, 'curl/sync.sh')], { env: env('cdpf-curl-1'), timeout: 60_000 });
    const answers = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    expect(answers).toHaveLength(3);
    for (const a of answers) expect(a.errors).toBeUndefined();
    expect(answers[0].data.syncDisabilityCertificates).toMatchObject({ dryRun: true, batchId: null, results: [{ status: 'UNCHANGED', match: 'ELDER' }] });
    expect(answers[1].data.syncDisabilityCertificates).toMatchObject({ dryRun: false, unchanged: 1 });
    expect(answers[2].data.changes.entries.length).toBeGreaterThan(0);
    expect(await records()).toHaveLength(1);
  });
});
