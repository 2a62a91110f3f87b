import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCharOf } from '../../packages/api/src/modules/elders/id-number.js';
import { createTestApp, idNumberFor, ok, REGIONS, TEST_PASSWORD, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder, type ElderData } from '../helpers/elders.js';

/**
 * Issue 12's scene, in rounds: two agencies sync at once (the disability federation certificates of people not yet
 * registered, health incapacity assessments of unknown people and of registered elders, started 0-300 ms apart),
 * over HTTP with their API keys, while two mirrors poll `changes` over HTTP every ~10 ms: civil affairs (the city)
 * and the health agency (its own view). At the end each mirror holds exactly the final change set of its view: every
 * entry once, none missing, in the order a fresh read gives.
 */
const ROUNDS = 10;
const CERTIFICATES = 600;
const UNKNOWN_ASSESSMENTS = 300;
const KNOWN = 20;

let t: TestApp;
let http: { url: string; close: () => Promise<void> };
let adminToken: string;
let healthKey: string;
let disabilityKey: string;
let health: TestUser;
const known: (ElderData & { fullIdNumber: string })[] = [];

type Change = { seq: string; cursor: string; entity: string; entityId: string; op: string };
type Feed = { entries: Change[]; endCursor: string | null; hasMore: boolean };
const CHANGES = `query($since: String) { changes(since: $since, first: 1000) { entries { seq cursor entity entityId op } endCursor hasMore } }`;
const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`;
const CREATE_KEY = `mutation($agencyId: ID!, $name: String!) { createApiClient(agencyId: $agencyId, name: $name) { key } }`;
const RESULT = `created updated rejected results { status errors { field message } }`;
const SYNC_CERTIFICATES = `mutation($batch: DisabilityCertificateBatch!) { r: syncDisabilityCertificates(batch: $batch) { ${RESULT} } }`;
const SYNC_ASSESSMENTS = `mutation($batch: IncapacityAssessmentBatch!) { r: syncIncapacityAssessments(batch: $batch) { ${RESULT} } }`;

async function gql<T>(query: string, token: string | null, variables?: Record<string, unknown>): Promise<T> {
  const response = await fetch(`${http.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

/** A distinct valid ID number of someone aged 62-86, never registered. */
let unknownSeq = 0;
function unknownId(): string {
  const birth = new Date(Date.UTC(1940, 0, 1) + unknownSeq++ * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `440783${birth}103`;
  return first17 + checkCharOf(first17);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until told to stop, then reads until nothing is left; keeps every entry it received, in order. */
function mirror(token: string, stop: { done: boolean }) {
  const entries: Change[] = [];
  let polls = 0;
  const run = (async () => {
    let cursor: string | null = null;
    for (;;) {
      const finishing = stop.done;
      const page: Feed = (await gql<{ changes: Feed }>(CHANGES, token, { since: cursor })).changes;
      polls++;
      entries.push(...page.entries);
      cursor = page.endCursor;
      if (page.hasMore) continue;
      if (finishing) return;
      await sleep(10);
    }
  })();
  return { entries, run, polls: () => polls };
}

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set('2026-11-20T02:00:00Z');
  const admin = await t.user('ADMIN', REGIONS.city);
  health = await t.user('HEALTH', REGIONS.city);
  const disability = await t.user('DISABILITY', REGIONS.city);
  for (let i = 0; i < KNOWN; i++) {
    known.push(await registerElder(t, admin, { name: '关国华', regionCode: i % 2 ? REGIONS.villageA1 : REGIONS.villageB1, idNumber: idNumberFor(`1947-03-${String(i + 1).padStart(2, '0')}`), circumstances: ['LIVING_ALONE'] }));
  }
  healthKey = ok(await t.exec<any>(admin, CREATE_KEY, { agencyId: health.actor.agencyId, name: '卫健系统' })).createApiClient.key;
  disabilityKey = ok(await t.exec<any>(admin, CREATE_KEY, { agencyId: disability.actor.agencyId, name: '残联系统' })).createApiClient.key;
  http = await t.listen();
  adminToken = (await gql<{ login: { token: string } }>(LOGIN, null, { u: admin.username, p: TEST_PASSWORD })).login.token;
});
afterAll(async () => {
  await http?.close();
  await t.close();
});

describe('two agencies syncing while mirrors poll', () => {
  it(`${ROUNDS} rounds: each mirror ends with the final change set of its view, every entry once`, { timeout: 120_000 }, async () => {
    const started = Date.now();
    const stop = { done: false };
    const city = mirror(adminToken, stop);
    const partner = mirror(healthKey, stop);
    let synced = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const certificates = Array.from({ length: CERTIFICATES }, (_, i) => {
        const idNumber = unknownId();
        return { externalId: `C-${round}-${i}`, idNumber, certificateNumber: `${idNumber}43`, category: 'PHYSICAL', grade: 3, issuedOn: '2026-10-01' };
      });
      const assessments = [
        ...Array.from({ length: UNKNOWN_ASSESSMENTS }, (_, i) => ({ externalId: `A-${round}-${i}`, idNumber: unknownId(), level: 'PARTIAL', assessedOn: '2026-10-02' })),
        // Registered elders, reassessed every round (a later source version): archive and class change.
        ...known.map((e, i) => ({ externalId: `K-${i}`, idNumber: e.fullIdNumber, level: round % 2 ? 'NONE' : 'FULL', assessedOn: '2026-10-03', sourceVersion: round + 1 })),
      ];
      const delay = Math.floor(Math.random() * 300);
      const [c, a] = await Promise.all([
        gql<{ r: { created: number; rejected: number } }>(SYNC_CERTIFICATES, disabilityKey, { batch: { idempotencyKey: `cdpf-${round}`, records: certificates } }),
        sleep(delay).then(() => gql<{ r: { rejected: number } }>(SYNC_ASSESSMENTS, healthKey, { batch: { idempotencyKey: `health-${round}`, records: assessments } })),
      ]);
      expect(c.r.rejected).toBe(0);
      expect(c.r.created).toBe(CERTIFICATES);
      expect(a.r.rejected).toBe(0);
      synced += certificates.length + assessments.length;
    }
    stop.done = true;
    await Promise.all([city.run, partner.run]);
    const seconds = (Date.now() - started) / 1000;

    // Civil affairs: exactly the change log of the city, in commit order.
    const log = await t.sql<{ pos: string }>(`select c.pos::text as pos from change_log c where starts_with(c.region_code, $1) order by c.pos`, [REGIONS.city]);
    expect(log.every((r) => r.pos !== null)).toBe(true);
    const got = city.entries.map((e) => e.seq);
    expect(new Set(got).size).toBe(got.length);
    expect(got).toEqual(log.map((r) => r.pos));
    expect(got.length).toBeGreaterThan(ROUNDS * (CERTIFICATES + UNKNOWN_ASSESSMENTS));

    // Health: what a fresh read of its view gives now, each entry once.
    const fresh: Change[] = [];
    let cursor: string | null = null;
    for (;;) {
      const page: Feed = (await gql<{ changes: Feed }>(CHANGES, healthKey, { since: cursor })).changes;
      fresh.push(...page.entries);
      cursor = page.endCursor;
      if (!page.hasMore) break;
    }
    const keys = partner.entries.map((e) => e.cursor);
    expect(new Set(keys).size).toBe(keys.length);
    expect(partner.entries).toEqual(fresh);
    // Its own records, all of them; the reassessed elders' archives and classes.
    // (The registered elders' records are written every round: created once, then updated.)
    const records = partner.entries.filter((e) => e.entity === 'AGENCY_RECORD');
    expect(records.length).toBe((UNKNOWN_ASSESSMENTS + KNOWN) * ROUNDS);
    expect(new Set(records.map((e) => e.entityId)).size).toBe(UNKNOWN_ASSESSMENTS * ROUNDS + KNOWN);
    expect(partner.entries.filter((e) => e.entity === 'CLASS').length).toBeGreaterThanOrEqual(KNOWN * ROUNDS);

    console.info(
      `[changes.stress] ${ROUNDS} rounds, ${synced} records synced in ${seconds.toFixed(1)} s; city mirror ${got.length} entries in ${city.polls()} polls, health mirror ${partner.entries.length} entries in ${partner.polls()} polls; 0 missing, 0 duplicates`,
    );
  });
});
