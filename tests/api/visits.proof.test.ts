import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshRollups } from '../../packages/api/src/modules/reports/reports.rollup.js';
import { codeOf, createTestApp, fieldsOf, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder, type ElderData } from '../helpers/elders.js';

/**
 * Proof of visit (issue 14 item 3): signatures and photo stored with the visit and read only with their scope, every
 * view audited; GPS kept only with consent; flags computed by the API (far from the reference location, late entry,
 * short home visit), filterable, and counted by the reports.
 */
const NOW = '2026-11-15T02:00:00Z'; // Sunday 15 November 2026, 10:00 in China
const REGISTERED = '2026-09-10T02:00:00Z';
// Villages of town A used by one group of tests each, so their counts are their own.
const V = { proof: '440783001022', flags: '440783001023', report: '440783001024' } as const;

/** A real 1×1 PNG. */
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
/** JPEG bytes (SOI, APP0 marker, padding, EOI) of the given size. */
function jpeg(size = 2048): string {
  const bytes = Buffer.alloc(size, 0x20);
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]).copy(bytes, 0);
  Buffer.from([0xff, 0xd9]).copy(bytes, size - 2);
  return `data:image/jpeg;base64,${bytes.toString('base64')}`;
}
const PHOTO = jpeg();
/** Reference point in 东河 and points about 111 m and 1.1 km north of it. */
const HOME = { latitude: 22.376543, longitude: 112.698765 };
const NEAR = { latitude: 22.377543, longitude: 112.698765 };
const FAR = { latitude: 22.386543, longitude: 112.698765 };

const VISIT = `id elderId visitedAt enteredAt method visitorSigned elderSigned latitude longitude flags distanceMeters
  proof { hasVisitorSignature hasElderSignature elderSigner elderUnableToSignReason hasPhoto locationConsent }`;
const RECORD = `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { ${VISIT} } }`;
const PROOF = `query($id: ID!) { visitProof(visitId: $id) { visitId visitorSignature elderSignature elderSigner elderUnableToSignReason photo } }`;
const SET_REFERENCE = `mutation($elderId: ID!, $lat: Float!, $lng: Float!) {
  setElderReferenceLocation(elderId: $elderId, latitude: $lat, longitude: $lng) { elderId visitsRechecked referenceLocation { latitude longitude source setAt } } }`;
const ELDER = `query($id: ID!) { elder(id: $id) { id referenceLocation { latitude longitude source setAt }
  visits(first: 50) { nodes { id flags distanceMeters } } } }`;
const LIST = `query($filter: VisitFilter) { visits(filter: $filter, first: 50) { totalCount nodes { id flags elder { id name } } } }`;
const IMPORT = `mutation($batch: VisitImportBatch!) { importVisits(batch: $batch) { created records { visitId status } } }`;
const REPORT = `query($regionCode: String, $period: String!) { report(regionCode: $regionCode, period: $period) {
  computedAt figures { visits visitsWithLocation visitsSigned visitsFlagged visitsByFlag { key count } } } }`;

let t: TestApp;
let town: TestUser;
let townB: TestUser;
let admin: TestUser;
let worker: TestUser;
let police: TestUser;
let integrator: TestUser;

type Visit = { id: string; flags: string[]; distanceMeters: number | null; [k: string]: any };

let nameSeq = 0;
let birthSeq = 0;
async function elderIn(regionCode: string, as: TestUser = town): Promise<ElderData> {
  t.clock.set(REGISTERED);
  try {
    nameSeq++;
    birthSeq++;
    return await registerElder(t, as, {
      name: `证${String.fromCharCode(0x4e00 + nameSeq)}${String.fromCharCode(0x4e00 + ((nameSeq * 7) % 500))}`,
      regionCode,
      idNumber: idNumberFor(`1946-${String((birthSeq % 12) + 1).padStart(2, '0')}-${String((birthSeq % 27) + 1).padStart(2, '0')}`),
    });
  } finally {
    t.clock.set(NOW);
  }
}

const record = (input: Record<string, unknown>, as: TestUser = town) => t.exec<{ recordVisit: Visit }>(as, RECORD, { input });
const recorded = async (input: Record<string, unknown>, as: TestUser = town) => ok(await record(input, as)).recordVisit;

async function footprint(elderId: string) {
  const [row] = await t.sql<{ visits: number; proofs: number; refs: number }>(
    `select (select count(*)::int from visit where elder_id = $1) as visits,
            (select count(*)::int from visit_proof p join visit v on v.id = p.visit_id where v.elder_id = $1) as proofs,
            (select count(*)::int from elder_reference_location where elder_id = $1) as refs`,
    [elderId],
  );
  return row!;
}

async function proofReads(visitId: string): Promise<number> {
  const [row] = await t.sql<{ n: number }>(`select count(*)::int as n from audit_event where action = 'VISIT_PROOF_READ' and detail->>'visitId' = $1`, [visitId]);
  return row!.n;
}

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(NOW);
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
  townB = await t.user('TOWN_OPERATOR', REGIONS.townB);
  admin = await t.user('ADMIN', REGIONS.city);
  worker = await t.user('VILLAGE_WORKER', REGIONS.townA);
  police = await t.user('POLICE', REGIONS.city);
  integrator = await t.user('INTEGRATOR', REGIONS.city);
});
afterAll(() => t.close());

describe('recordVisit with proof: validation', () => {
  const at = '2026-11-15T01:00:00Z';

  it('refuses an image that is not a PNG, naming the field, and writes nothing', async () => {
    const elder = await elderIn(V.proof);
    const notPng = PHOTO.replace('image/jpeg', 'image/png'); // JPEG bytes under a PNG label
    const result = await record({ elderId: elder.id, visitedAt: at, method: 'HOME', proof: { visitorSignature: notPng, elderSignature: PNG, elderSigner: 'ELDER' } });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(result)).toEqual(['proof.visitorSignature']);
    expect(result.errors![0]!.message).toContain('PNG');
    // Not a data URL at all, and a photo that is a PNG: both named at once.
    const both = await record({ elderId: elder.id, visitedAt: at, method: 'HOME', proof: { visitorSignature: 'hello', elderSignature: PNG, elderSigner: 'ELDER', photo: PNG } });
    expect(fieldsOf(both)).toEqual(['proof.visitorSignature', 'proof.photo']);
    expect(await footprint(elder.id)).toEqual({ visits: 0, proofs: 0, refs: 0 });
  });

  it('refuses a photo over 400 KB decoded (and a signature over 64 KB), saying the limit', async () => {
    const elder = await elderIn(V.proof);
    const big = await record({ elderId: elder.id, visitedAt: at, method: 'HOME', proof: { photo: jpeg(401 * 1024), elderSignature: PNG, elderSigner: 'ELDER' } });
    expect(codeOf(big)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(big)).toEqual(['proof.photo']);
    expect(big.errors![0]!.message).toContain('400 KB');
    const fatSignature = `data:image/png;base64,${Buffer.concat([Buffer.from(PNG.split(',')[1]!, 'base64'), Buffer.alloc(65 * 1024)]).toString('base64')}`;
    const sig = await record({ elderId: elder.id, visitedAt: at, method: 'HOME', proof: { visitorSignature: fatSignature, elderSignature: PNG, elderSigner: 'ELDER' } });
    expect(fieldsOf(sig)).toEqual(['proof.visitorSignature']);
    // Just under the limit passes.
    ok(await record({ elderId: elder.id, visitedAt: at, method: 'HOME', proof: { photo: jpeg(400 * 1024) } }));
    expect(await footprint(elder.id)).toEqual({ visits: 1, proofs: 1, refs: 0 });
  });

  it('asks why the elder could not sign when signatures are captured without theirs, and who signed when they did', async () => {
    const elder = await elderIn(V.proof);
    const noReason = await record({ elderId: elder.id, visitedAt: at, method: 'HOME', proof: { visitorSignature: PNG } });
    expect(codeOf(noReason)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(noReason)).toEqual(['proof.elderUnableToSignReason']);
    expect(noReason.errors![0]!.extensions!.messageEn).toMatch(/reason/);
    const noSigner = await record({ elderId: elder.id, visitedAt: at, method: 'HOME', proof: { visitorSignature: PNG, elderSignature: PNG } });
    expect(fieldsOf(noSigner)).toEqual(['proof.elderSigner']);
    expect(await footprint(elder.id)).toEqual({ visits: 0, proofs: 0, refs: 0 });

    const unable = await recorded({ elderId: elder.id, visitedAt: at, method: 'HOME', proof: { visitorSignature: PNG, elderUnableToSignReason: '老人手部颤抖，无法书写' } });
    expect(unable).toMatchObject({
      visitorSigned: true,
      elderSigned: false,
      proof: { hasVisitorSignature: true, hasElderSignature: false, elderSigner: null, elderUnableToSignReason: '老人手部颤抖，无法书写', hasPhoto: false },
    });
  });

  it('keeps GPS only with consent: coordinates without it are refused and write nothing', async () => {
    const elder = await elderIn(V.proof);
    const noBlock = await record({ elderId: elder.id, visitedAt: at, method: 'HOME', ...HOME });
    expect(codeOf(noBlock)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(noBlock)).toEqual(['proof.locationConsent']);
    expect(noBlock.errors![0]!.message).toContain('同意');
    const refused = await record({ elderId: elder.id, visitedAt: at, method: 'HOME', ...HOME, proof: { locationConsent: false } });
    expect(fieldsOf(refused)).toEqual(['proof.locationConsent']);
    expect(await footprint(elder.id)).toEqual({ visits: 0, proofs: 0, refs: 0 });
    const kept = await recorded({ elderId: elder.id, visitedAt: at, method: 'HOME', ...HOME, proof: { locationConsent: true } });
    expect(kept).toMatchObject({ ...HOME, proof: { locationConsent: true, hasVisitorSignature: false } });
  });

  it('old clients that send only the signed booleans still work, with no proof block', async () => {
    const elder = await elderIn(V.proof);
    const v = await recorded({ elderId: elder.id, visitedAt: at, method: 'PHONE', visitorSigned: true, elderSigned: true });
    expect(v).toMatchObject({ visitorSigned: true, elderSigned: true, proof: null, flags: [], distanceMeters: null });
  });
});

describe('proof images: stored, and read only with the scope, every view audited', () => {
  let elder: ElderData;
  let visit: Visit;

  beforeAll(async () => {
    elder = await elderIn(V.proof);
    visit = await recorded({
      elderId: elder.id,
      visitedAt: '2026-11-15T01:00:00Z',
      method: 'HOME',
      durationMinutes: 30,
      proof: { visitorSignature: PNG, elderSignature: PNG, elderSigner: 'FAMILY_MEMBER', photo: PHOTO },
    });
  });

  it('marks the visit signed and summarises the proof without images', async () => {
    expect(visit).toMatchObject({
      visitorSigned: true,
      elderSigned: true,
      proof: { hasVisitorSignature: true, hasElderSignature: true, elderSigner: 'FAMILY_MEMBER', elderUnableToSignReason: null, hasPhoto: true, locationConsent: false },
    });
    const [row] = await t.sql(`select octet_length(visitor_signature) as sig, octet_length(photo) as photo from visit_proof where visit_id = $1`, [visit.id]);
    expect(row).toEqual({ sig: Buffer.from(PNG.split(',')[1]!, 'base64').length, photo: 2048 });
  });

  it('gives the images back as data URLs to the town, writing an audit row per view', async () => {
    expect(await proofReads(visit.id)).toBe(0);
    const images = ok(await t.exec<any>(town, PROOF, { id: visit.id })).visitProof;
    expect(images).toEqual({ visitId: visit.id, visitorSignature: PNG, elderSignature: PNG, elderSigner: 'FAMILY_MEMBER', elderUnableToSignReason: null, photo: PHOTO });
    expect(await proofReads(visit.id)).toBe(1);
    ok(await t.exec(admin, PROOF, { id: visit.id }));
    expect(await proofReads(visit.id)).toBe(2);
    const [audit] = await t.sql(`select actor_username, elder_id, region_code from audit_event where action = 'VISIT_PROOF_READ' and actor_id = $1`, [admin.id]);
    expect(audit).toEqual({ actor_username: admin.username, elder_id: elder.id, region_code: V.proof });
  });

  it('refuses a visitor-only login, a partner agency and an integrator (FORBIDDEN), with no audit row', async () => {
    for (const who of [worker, police, integrator]) {
      const result = await t.exec(who, PROOF, { id: visit.id });
      expect(codeOf(result)).toBe('FORBIDDEN');
      expect(result.errors![0]!.extensions!.requiredScope).toBe('visit.proof.read:jurisdiction');
    }
    expect(await proofReads(visit.id)).toBe(2);
  });

  it('answers outside the jurisdiction exactly like a missing visit (NOT_FOUND)', async () => {
    const outside = await t.exec(townB, PROOF, { id: visit.id });
    const missing = await t.exec(townB, PROOF, { id: '00000000-0000-4000-8000-000000000000' });
    expect(codeOf(outside)).toBe('NOT_FOUND');
    expect(outside.errors![0]!.message).toBe(missing.errors![0]!.message);
    expect(codeOf(await t.exec(town, PROOF, { id: 'not-a-uuid' }))).toBe('NOT_FOUND');
    expect(await proofReads(visit.id)).toBe(2);
  });

  it('replays the same submission with proof (same idempotencyKey) as the same visit, storing the images once', async () => {
    const other = await elderIn(V.proof);
    const input = {
      elderId: other.id, visitedAt: '2026-11-14T08:00:00Z', method: 'HOME', idempotencyKey: 'phone-queue-1', ...HOME,
      proof: { visitorSignature: PNG, elderSignature: PNG, elderSigner: 'ELDER', photo: PHOTO, locationConsent: true },
    };
    const first = await recorded(input);
    const again = await recorded(input);
    expect(again.id).toBe(first.id);
    expect(await footprint(other.id)).toEqual({ visits: 1, proofs: 1, refs: 1 });
    // The same key with a different photo is another submission: CONFLICT.
    const changed = await record({ ...input, proof: { ...input.proof, photo: jpeg(4096) } });
    expect(codeOf(changed)).toBe('CONFLICT');
    expect(await footprint(other.id)).toEqual({ visits: 1, proofs: 1, refs: 1 });
  });
});

describe('flags', () => {
  const consent = { proof: { locationConsent: true } };
  const hour = 3_600_000;
  const ago = (hours: number) => new Date(Date.parse(NOW) - hours * hour).toISOString();

  it('the first home visit with GPS sets the reference; a far-away home visit is flagged with its distance, a near one is not', async () => {
    const elder = await elderIn(V.flags);
    // A phone call with GPS sets nothing and is not measured.
    const call = await recorded({ elderId: elder.id, visitedAt: ago(5), method: 'PHONE', ...FAR, ...consent });
    expect(call).toMatchObject({ flags: [], distanceMeters: null });
    const first = await recorded({ elderId: elder.id, visitedAt: ago(4), method: 'HOME', durationMinutes: 30, ...HOME, ...consent });
    expect(first).toMatchObject({ flags: [], distanceMeters: 0 });
    const near = await recorded({ elderId: elder.id, visitedAt: ago(3), method: 'HOME', durationMinutes: 30, ...NEAR, ...consent });
    expect(near.flags).toEqual([]);
    expect(near.distanceMeters).toBeGreaterThan(100);
    expect(near.distanceMeters).toBeLessThan(120);
    const far = await recorded({ elderId: elder.id, visitedAt: ago(2), method: 'HOME', durationMinutes: 30, ...FAR, ...consent });
    expect(far.flags).toEqual(['FAR_FROM_REFERENCE']);
    expect(far.distanceMeters).toBeGreaterThan(1100);
    expect(far.distanceMeters).toBeLessThan(1125);
    const e = ok(await t.exec<any>(town, ELDER, { id: elder.id })).elder;
    expect(e.referenceLocation).toEqual({ ...HOME, source: 'FIRST_HOME_VISIT', setAt: NOW.replace('Z', '.000Z') });
  });

  it('a town sets the reference: past home visits are measured again and re-flagged, audited', async () => {
    const elder = await elderIn(V.flags);
    const atHome = await recorded({ elderId: elder.id, visitedAt: ago(6), method: 'HOME', durationMinutes: 30, ...HOME, ...consent });
    const atFar = await recorded({ elderId: elder.id, visitedAt: ago(5), method: 'HOME', durationMinutes: 30, ...FAR, ...consent });
    expect(atFar.flags).toEqual(['FAR_FROM_REFERENCE']);
    // The first fix was wrong: the elder lives at FAR.
    const set = ok(await t.exec<any>(town, SET_REFERENCE, { elderId: elder.id, lat: FAR.latitude, lng: FAR.longitude })).setElderReferenceLocation;
    expect(set).toMatchObject({ elderId: elder.id, visitsRechecked: 2, referenceLocation: { ...FAR, source: 'SET_BY_TOWN' } });
    const visits = new Map<string, Visit>(ok(await t.exec<any>(town, ELDER, { id: elder.id })).elder.visits.nodes.map((v: Visit) => [v.id, v]));
    expect(visits.get(atHome.id)).toMatchObject({ flags: ['FAR_FROM_REFERENCE'] });
    expect(visits.get(atHome.id)!.distanceMeters).toBeGreaterThan(1100);
    expect(visits.get(atFar.id)).toMatchObject({ flags: [], distanceMeters: 0 });
    const [audit] = await t.sql(`select detail from audit_event where action = 'ELDER_REFERENCE_SET' and elder_id = $1`, [elder.id]);
    expect(audit!.detail).toMatchObject({ latitude: FAR.latitude, longitude: FAR.longitude, visitsRechecked: 2 });
    // A later home visit is measured from the town's reference, which it does not replace.
    const later = await recorded({ elderId: elder.id, visitedAt: ago(1), method: 'HOME', durationMinutes: 30, ...HOME, ...consent });
    expect(later.flags).toEqual(['FAR_FROM_REFERENCE']);
    // Setting it again to the same place changes no visit.
    const same = ok(await t.exec<any>(town, SET_REFERENCE, { elderId: elder.id, lat: FAR.latitude, lng: FAR.longitude })).setElderReferenceLocation;
    expect(same.visitsRechecked).toBe(0);
  });

  it('setting the reference needs the archive-edit scope and the jurisdiction, and checks the coordinates', async () => {
    const elder = await elderIn(V.flags);
    expect(codeOf(await t.exec(townB, SET_REFERENCE, { elderId: elder.id, lat: 22.3, lng: 112.6 }))).toBe('NOT_FOUND');
    expect(codeOf(await t.exec(police, SET_REFERENCE, { elderId: elder.id, lat: 22.3, lng: 112.6 }))).toBe('FORBIDDEN');
    const bad = await t.exec(town, SET_REFERENCE, { elderId: elder.id, lat: 95, lng: 190 });
    expect(fieldsOf(bad)).toEqual(['latitude', 'longitude']);
    expect(await footprint(elder.id)).toMatchObject({ refs: 0 });
  });

  it('LATE_ENTRY: entered more than 48 hours after the visit (by the clock of the request)', async () => {
    const elder = await elderIn(V.flags);
    const late = await recorded({ elderId: elder.id, visitedAt: ago(49), method: 'PHONE' });
    expect(late.flags).toEqual(['LATE_ENTRY']);
    const inTime = await recorded({ elderId: elder.id, visitedAt: ago(47), method: 'PHONE' });
    expect(inTime.flags).toEqual([]);
    // Entered at a later clock: 5 days after the visit.
    t.clock.set('2026-11-20T02:00:00Z');
    try {
      const fiveDays = await recorded({ elderId: elder.id, visitedAt: NOW, method: 'PHONE' });
      expect(fiveDays.flags).toEqual(['LATE_ENTRY']);
      expect(fiveDays.enteredAt).toBe('2026-11-20T02:00:00.000Z');
    } finally {
      t.clock.set(NOW);
    }
  });

  it('SHORT_DURATION: a home visit under 10 minutes; a short phone call is not flagged', async () => {
    const elder = await elderIn(V.flags);
    expect((await recorded({ elderId: elder.id, visitedAt: ago(1), method: 'HOME', durationMinutes: 3 })).flags).toEqual(['SHORT_DURATION']);
    expect((await recorded({ elderId: elder.id, visitedAt: ago(1), method: 'HOME', durationMinutes: 10 })).flags).toEqual([]);
    expect((await recorded({ elderId: elder.id, visitedAt: ago(1), method: 'PHONE', durationMinutes: 3 })).flags).toEqual([]);
    // Several flags at once, in a fixed order.
    expect((await recorded({ elderId: elder.id, visitedAt: ago(72), method: 'HOME', durationMinutes: 5 })).flags).toEqual(['LATE_ENTRY', 'SHORT_DURATION']);
  });

  it('imported paper records are never LATE_ENTRY (a short home visit still is SHORT_DURATION)', async () => {
    const elder = await elderIn(V.flags);
    const result = ok(await t.exec<any>(town, IMPORT, {
      batch: {
        idempotencyKey: 'ledger-proof-1',
        records: [
          { idNumber: elder.fullIdNumber, visitedOn: '2026-10-02', method: 'HOME', visitorName: '陈志华', durationMinutes: 30 },
          { idNumber: elder.fullIdNumber, visitedOn: '2026-10-09', method: 'HOME', visitorName: '陈志华', durationMinutes: 5 },
        ],
      },
    })).importVisits;
    expect(result.created).toBe(2);
    const rows = await t.sql(`select to_char(visited_on, 'YYYY-MM-DD') as on, flags from visit where elder_id = $1 order by visited_on`, [elder.id]);
    expect(rows).toEqual([{ on: '2026-10-02', flags: [] }, { on: '2026-10-09', flags: ['SHORT_DURATION'] }]);
  });

  it('visits filter by flags (any of), inside the jurisdiction', async () => {
    const all = ok(await t.exec<any>(town, LIST, { filter: { regionCode: V.flags } })).visits;
    const late = ok(await t.exec<any>(town, LIST, { filter: { regionCode: V.flags, flags: ['LATE_ENTRY'] } })).visits;
    const farOrShort = ok(await t.exec<any>(town, LIST, { filter: { regionCode: V.flags, flags: ['FAR_FROM_REFERENCE', 'SHORT_DURATION'] } })).visits;
    expect(late.totalCount).toBe(late.nodes.length);
    expect(late.nodes.length).toBe(all.nodes.filter((v: Visit) => v.flags.includes('LATE_ENTRY')).length);
    expect(late.nodes.length).toBe(3); // 49 h late, entered 5 days later, and the late short home visit
    expect(late.nodes.every((v: Visit) => v.flags.includes('LATE_ENTRY'))).toBe(true);
    expect(farOrShort.nodes.length).toBe(all.nodes.filter((v: Visit) => v.flags.includes('FAR_FROM_REFERENCE') || v.flags.includes('SHORT_DURATION')).length);
    expect(farOrShort.nodes.every((v: Visit) => v.flags.some((f) => f === 'FAR_FROM_REFERENCE' || f === 'SHORT_DURATION'))).toBe(true);
    // Each visit names its archive (for the town's check list).
    expect(late.nodes[0].elder.name).toMatch(/^证/);
    // Town B sees none of town A's flagged visits.
    expect(ok(await t.exec<any>(townB, LIST, { filter: { flags: ['LATE_ENTRY', 'FAR_FROM_REFERENCE', 'SHORT_DURATION'] } })).visits.totalCount).toBe(0);
  });
});

describe('reports count proof', () => {
  it('counts visits with location, with both signatures (or a reason), and flagged, per flag, live and from the rollups', async () => {
    const a = await elderIn(V.report);
    const b = await elderIn(V.report);
    const consent = { locationConsent: true };
    // 1: GPS, both signatures drawn. 2: GPS, visitor signed, elder unable with reason, far from reference.
    // 3: paper booleans both signed, late. 4: visitor only signed (booleans), short home visit.
    await recorded({ elderId: a.id, visitedAt: '2026-11-14T02:00:00Z', method: 'HOME', durationMinutes: 20, ...HOME, proof: { ...consent, visitorSignature: PNG, elderSignature: PNG, elderSigner: 'ELDER' } });
    await recorded({ elderId: a.id, visitedAt: '2026-11-14T06:00:00Z', method: 'HOME', durationMinutes: 20, ...FAR, proof: { ...consent, visitorSignature: PNG, elderUnableToSignReason: '外出就医' } });
    await recorded({ elderId: b.id, visitedAt: '2026-11-05T02:00:00Z', method: 'PHONE', visitorSigned: true, elderSigned: true });
    await recorded({ elderId: b.id, visitedAt: '2026-11-14T08:00:00Z', method: 'HOME', durationMinutes: 4, visitorSigned: true });
    const expected = {
      visits: 4,
      visitsWithLocation: 2,
      visitsSigned: 3,
      visitsFlagged: 3,
      visitsByFlag: [
        { key: 'FAR_FROM_REFERENCE', count: 1 },
        { key: 'LATE_ENTRY', count: 1 },
        { key: 'SHORT_DURATION', count: 1 },
      ],
    };
    const live = ok(await t.exec<any>(town, REPORT, { regionCode: V.report, period: '2026-11' })).report;
    expect(live.figures).toEqual(expected);
    // The rollups (what running months' reports read) carry the same counts, and the town's report sums them.
    await refreshRollups(t.orm.em, '2026-11', t.clock.now());
    const [rollup] = await t.sql(`select figures->'visitProof' as proof from report_rollup where period = '2026-11' and region_code = $1`, [V.report]);
    expect(rollup!.proof).toEqual({ withLocation: 2, signed: 3, flagged: 3, FAR_FROM_REFERENCE: 1, LATE_ENTRY: 1, SHORT_DURATION: 1 });
    const rolled = ok(await t.exec<any>(town, REPORT, { regionCode: V.report, period: '2026-11' })).report;
    expect(rolled.figures).toEqual(expected);
  });
});
