import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, idNumberFor, ok, REGIONS, type GqlResult, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder, type ElderData } from '../helpers/elders.js';

/**
 * Data governance (issue 12, item 8), each fix through the API on a real PostgreSQL: values an agency record backs are
 * not overwritten by hand, enrolling a candidate applies the records that found them, Huining's 三个一 care is for
 * dispersed 特困 elders only, an override shows its own reason, a dismissed candidate stays dismissed until a record's
 * content changes, a found missing person resolves the alert, and a transfer of a closed archive cannot be accepted.
 */
const NOW = '2026-11-15T02:00:00Z'; // Sunday 15 November 2026, 10:00 in China
const HISTORY = '2026-09-10T02:00:00Z';

let t: TestApp;
let admin: TestUser;
let town: TestUser;
let police: TestUser;
let health: TestUser;
let disability: TestUser;

const RESULT = `results { externalId status match elderId candidateId }`;
const SYNC = {
  death: `mutation($batch: DeathRegistrationBatch!) { r: syncDeathRegistrations(batch: $batch) { ${RESULT} } }`,
  residence: `mutation($batch: ResidenceChangeBatch!) { r: syncResidenceChanges(batch: $batch) { ${RESULT} } }`,
  missing: `mutation($batch: MissingPersonReportBatch!) { r: syncMissingPersonReports(batch: $batch) { ${RESULT} } }`,
  incapacity: `mutation($batch: IncapacityAssessmentBatch!) { r: syncIncapacityAssessments(batch: $batch) { ${RESULT} } }`,
  familyPlanning: `mutation($batch: FamilyPlanningFamilyBatch!) { r: syncFamilyPlanningFamilies(batch: $batch) { ${RESULT} } }`,
  certificate: `mutation($batch: DisabilityCertificateBatch!) { r: syncDisabilityCertificates(batch: $batch) { ${RESULT} } }`,
} as const;
interface Result {
  results: { externalId: string; status: string; match: string; elderId: string | null; candidateId: string | null }[];
}
const ELDER = `query($id: ID!) { elder(id: $id) {
  id version status statusDate incapacityLevel familyPlanningKind circumstances region { code }
  disability { category grade severe }
  classification { class computedClass reasons { code text } computedReasons { code text } override { class reason } } } }`;
const UPDATE = `mutation($id: ID!, $v: Int!, $input: UpdateElderInput!) { updateElder(id: $id, version: $v, input: $input) {
  id version incapacityLevel familyPlanningKind disability { grade } addressDetail } }`;
const REOPEN = `mutation($id: ID!, $v: Int!) { reopenElder(id: $id, version: $v, reason: "误登记，老人健在") { id status } }`;

type Elder = Record<string, any> & { id: string; version: number };

let birthSeq = 0;
function birth(year: number): string {
  birthSeq++;
  return new Date(Date.UTC(year, 0, 1) + birthSeq * 86_400_000).toISOString().slice(0, 10);
}
let externalSeq = 0;
const ext = (prefix: string) => `${prefix}-${++externalSeq}`;

async function sync(mutation: string, as: TestUser, records: Record<string, unknown>[]): Promise<Result> {
  return ok(await t.exec<{ r: Result }>(as, mutation, { batch: { idempotencyKey: ext('key'), records } })).r;
}
async function elderAt(extra: Record<string, unknown> = {}, year = 1950): Promise<ElderData & { fullIdNumber: string }> {
  t.clock.set(HISTORY);
  try {
    return await registerElder(t, admin, { name: '关国华', regionCode: REGIONS.villageA1, idNumber: idNumberFor(birth(year)), ...extra });
  } finally {
    t.clock.set(NOW);
  }
}
async function getElder(id: string): Promise<Elder> {
  return ok(await t.exec<{ elder: Elder }>(admin, ELDER, { id })).elder;
}
function extensionsOf(result: GqlResult<unknown>): Record<string, any> {
  return (result.errors?.[0]?.extensions ?? {}) as Record<string, any>;
}

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(NOW);
  admin = await t.user('ADMIN', REGIONS.city);
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
  police = await t.user('POLICE', REGIONS.city);
  health = await t.user('HEALTH', REGIONS.city);
  disability = await t.user('DISABILITY', REGIONS.city);
});
afterAll(() => t.close());

describe('values an agency record backs', () => {
  it('a hand edit of a federation-backed disability grade is refused with the certificate named; the archive is unchanged', async () => {
    const elder = await elderAt({ circumstances: ['LIVING_ALONE'] }, 1956);
    const cert = ext('CJ');
    await sync(SYNC.certificate, disability, [
      { externalId: cert, idNumber: elder.fullIdNumber, certificateNumber: `${elder.fullIdNumber}41`, category: 'PHYSICAL', grade: 1, issuedOn: '2026-09-30' },
    ]);
    const before = await getElder(elder.id);
    expect(before.disability.grade).toBe(1);
    const refused = await t.exec(admin, UPDATE, { id: elder.id, v: before.version, input: { disability: { category: 'PHYSICAL', grade: 3 } } });
    expect(codeOf(refused)).toBe('CONFLICT');
    expect(extensionsOf(refused).field).toBe('disability');
    expect(refused.errors![0]!.message).toContain(cert);
    // Removing the circumstance would clear the certificate too: refused the same way.
    const cleared = await t.exec(admin, UPDATE, { id: elder.id, v: before.version, input: { circumstances: ['LIVING_ALONE'] } });
    expect(codeOf(cleared)).toBe('CONFLICT');
    const after = await getElder(elder.id);
    expect([after.version, after.disability.grade, after.classification.class]).toEqual([before.version, 1, 'B']);
    // Other fields of the same archive can still be edited, and the same grade sent back is no change.
    const edited = ok(await t.exec<any>(admin, UPDATE, {
      id: elder.id, v: before.version, input: { addressDetail: '长沙街道东河路1号', disability: { category: 'PHYSICAL', grade: 1, certificateNumber: `${elder.fullIdNumber}41` } },
    })).updateElder;
    expect([edited.addressDetail, edited.disability.grade]).toEqual(['长沙街道东河路1号', 1]);
  });

  it('incapacity level and family-planning status from the health commission are refused too, all listed at once', async () => {
    const elder = await elderAt({ circumstances: ['LIVING_ALONE'] });
    const [assessment, family] = [ext('SN'), ext('JS')];
    await sync(SYNC.incapacity, health, [{ externalId: assessment, idNumber: elder.fullIdNumber, level: 'FULL', assessedOn: '2026-10-12' }]);
    await sync(SYNC.familyPlanning, health, [{ externalId: family, idNumber: elder.fullIdNumber, familyPlanningKind: 'ONLY_CHILD_DECEASED', recognizedOn: '2026-09-01' }]);
    const before = await getElder(elder.id);
    expect([before.incapacityLevel, before.familyPlanningKind]).toEqual(['FULL', 'ONLY_CHILD_DECEASED']);
    // The class reasons name the records, the family-planning one included.
    expect(before.classification.reasons.find((x: any) => x.code === 'A_FAMILY_PLANNING_ALONE').text).toContain(family);
    const refused = await t.exec(admin, UPDATE, { id: elder.id, v: before.version, input: { incapacityLevel: 'PARTIAL', familyPlanningKind: 'ONLY_CHILD_DISABLED' } });
    expect(codeOf(refused)).toBe('CONFLICT');
    const errors = extensionsOf(refused).fieldErrors as { field: string; source: string }[];
    expect(errors.map((e) => e.field)).toEqual(['incapacityLevel', 'familyPlanningKind']);
    expect(errors[0]!.source).toContain(assessment);
    expect(errors[1]!.source).toContain(family);
    expect(await getElder(elder.id)).toMatchObject({ version: before.version, incapacityLevel: 'FULL', familyPlanningKind: 'ONLY_CHILD_DECEASED' });
    // The agency's own newer record still changes it.
    await sync(SYNC.familyPlanning, health, [{ externalId: family, idNumber: elder.fullIdNumber, familyPlanningKind: 'ONLY_CHILD_DISABLED', recognizedOn: '2026-10-01', sourceVersion: 2 }]);
    expect((await getElder(elder.id)).familyPlanningKind).toBe('ONLY_CHILD_DISABLED');
  });

  it('a hand-entered value stays editable by hand', async () => {
    const elder = await elderAt({ incapacityLevel: 'PARTIAL' });
    const edited = ok(await t.exec<any>(admin, UPDATE, { id: elder.id, v: elder.version, input: { incapacityLevel: 'FULL' } })).updateElder;
    expect(edited.incapacityLevel).toBe('FULL');
  });

  it('an archive closed by a police death registration cannot be reopened by hand; one closed by hand can', async () => {
    const dead = await elderAt();
    const death = ext('SW');
    await sync(SYNC.death, police, [{ externalId: death, idNumber: dead.fullIdNumber, diedOn: '2026-11-01' }]);
    const closed = await getElder(dead.id);
    expect(closed.status).toBe('DECEASED');
    const refused = await t.exec(admin, REOPEN, { id: dead.id, v: closed.version });
    expect(codeOf(refused)).toBe('CONFLICT');
    expect(refused.errors![0]!.message).toContain(death);
    expect((await getElder(dead.id)).status).toBe('DECEASED');

    const byHand = await elderAt();
    const c = ok(await t.exec<any>(admin, `mutation($id: ID!, $v: Int!) { closeElder(id: $id, version: $v, input: { status: DECEASED, effectiveDate: "2026-11-01", reason: "家属告知" }) { version } }`, { id: byHand.id, v: byHand.version })).closeElder;
    expect(ok(await t.exec<any>(admin, REOPEN, { id: byHand.id, v: c.version })).reopenElder.status).toBe('ACTIVE');
  });
});

describe('class overrides', () => {
  it('an override shows its own reason, not the rules’ C_OTHER; the rules’ clauses stay in computedReasons', async () => {
    const elder = await elderAt();
    expect((await getElder(elder.id)).classification.reasons.map((r: any) => r.code)).toEqual(['C_OTHER']);
    ok(await t.exec(admin, `mutation($input: OverrideClassInput!) { overrideElderClass(input: $input) { id } }`, {
      input: { elderId: elder.id, class: 'A', reason: '老人近期跌倒两次，家属不在身边', expiresOn: '2027-05-01' },
    }));
    const c = (await getElder(elder.id)).classification;
    expect(c.class).toBe('A');
    expect(c.reasons).toEqual([{ code: 'OVERRIDE', text: '老人近期跌倒两次，家属不在身边' }]);
    expect(c.computedClass).toBe('C');
    expect(c.computedReasons.map((r: any) => r.code)).toEqual(['C_OTHER']);
  });
});

const CANDIDATES = `query($status: String) { candidates(status: $status, first: 100) { nodes { id status reasons elderId } } }`;
const ENROLL = `mutation($id: ID!, $input: EnrollCandidateInput!) { enrollCandidate(id: $id, input: $input) { id version status } }`;
const DISMISS = `mutation($id: ID!, $reason: String!) { dismissCandidate(id: $id, reason: $reason) { id status } }`;

describe('survey candidates', () => {
  it('enrolling applies the waiting records in the same transaction: a grade-1 certificate and a full incapacity are in the archive and its class', async () => {
    const idNumber = idNumberFor(birth(1952));
    const [assessment, cert] = [ext('SN'), ext('CJ')];
    const r = await sync(SYNC.incapacity, health, [{ externalId: assessment, idNumber, name: '司徒秀英', regionCode: REGIONS.villageA1, level: 'FULL', assessedOn: '2026-10-05' }]);
    await sync(SYNC.certificate, disability, [{ externalId: cert, idNumber, certificateNumber: `${idNumber}41`, category: 'PHYSICAL', grade: 1, issuedOn: '2026-09-01' }]);
    const candidateId = r.results[0]!.candidateId!;
    const enrolled = ok(await t.exec<any>(town, ENROLL, { id: candidateId, input: { regionCode: REGIONS.villageA1 } })).enrollCandidate;
    const elder = await getElder(enrolled.id);
    expect(elder.incapacityLevel).toBe('FULL');
    expect(elder.disability).toEqual({ category: 'PHYSICAL', grade: 1, severe: true });
    expect(elder.circumstances).toEqual(expect.arrayContaining(['INCAPACITATED', 'DISABLED']));
    expect(elder.classification.class).toBe('A');
    expect(elder.classification.reasons.find((x: any) => x.code === 'A_INCAPACITATED').text).toContain(assessment);
    // The values are the agencies': a hand edit is refused like on any archive.
    expect(codeOf(await t.exec(admin, UPDATE, { id: elder.id, v: elder.version, input: { disability: { category: 'PHYSICAL', grade: 4 } } }))).toBe('CONFLICT');
    // The same version as the one answered: registration and effects are one commit.
    expect(elder.version).toBe(enrolled.version);
  });

  it('a failed enrolment leaves nothing behind: no archive, the records unlinked, the candidate pending', async () => {
    const idNumber = idNumberFor(birth(1951));
    const r = await sync(SYNC.incapacity, health, [{ externalId: ext('SN'), idNumber, regionCode: REGIONS.villageA1, level: 'PARTIAL', assessedOn: '2026-10-05' }]);
    // A town, not a village: the registry refuses it.
    expect(codeOf(await t.exec(town, ENROLL, { id: r.results[0]!.candidateId, input: { regionCode: REGIONS.townA } }))).toBe('BAD_USER_INPUT');
    expect(await t.sql(`select id from elder where id_number = $1`, [idNumber])).toEqual([]);
    expect(await t.sql(`select elder_id from agency_record where id_number = $1`, [idNumber])).toEqual([{ elder_id: null }]);
    expect((await candidatesOf('PENDING')).map((c) => c.id)).toContain(r.results[0]!.candidateId);
  });

  it('a dismissed candidate stays dismissed when a newer version of a record says the same; a changed record brings them back', async () => {
    const idNumber = idNumberFor(birth(1949));
    const report = ext('ZS');
    const first = await sync(SYNC.missing, police, [{ externalId: report, idNumber, regionCode: REGIONS.villageA1, reportedOn: '2026-11-01' }]);
    const candidateId = first.results[0]!.candidateId!;
    ok(await t.exec(town, DISMISS, { id: candidateId, reason: '已随子女在外地居住' }));
    // The same content under a higher version: not queued again.
    const same = await sync(SYNC.missing, police, [{ externalId: report, idNumber, regionCode: REGIONS.villageA1, reportedOn: '2026-11-01', sourceVersion: 2 }]);
    expect(same.results[0]).toMatchObject({ status: 'UPDATED', match: 'NONE', candidateId: null });
    expect(await t.sql(`select status from candidate where id_number = $1 order by first_seen_at`, [idNumber])).toEqual([{ status: 'DISMISSED' }]);
    // The report changes (another date): the town looks again.
    const changed = await sync(SYNC.missing, police, [{ externalId: report, idNumber, regionCode: REGIONS.villageA1, reportedOn: '2026-11-10', sourceVersion: 3 }]);
    expect(changed.results[0]).toMatchObject({ match: 'CANDIDATE' });
    expect((await t.sql<{ status: string }>(`select status from candidate where id_number = $1 order by first_seen_at`, [idNumber])).map((x) => x.status)).toEqual(['DISMISSED', 'PENDING']);
    // A new record about them brings them back too (covered by the same rule: a reason not seen at dismissal).
    const pending = (await candidatesOf('PENDING')).find((c) => c.id === changed.results[0]!.candidateId)!;
    expect(pending.reasons).toEqual([expect.not.objectContaining({ payloadHash: expect.anything() })]);
  });
});

async function candidatesOf(status: string): Promise<{ id: string; status: string; reasons: Record<string, unknown>[] }[]> {
  return ok(await t.exec<any>(town, CANDIDATES, { status })).candidates.nodes;
}

describe('transfers', () => {
  it('accepting a transfer of an archive closed meanwhile is refused; the archive stays; rejecting still works', async () => {
    const elder = await elderAt();
    await sync(SYNC.residence, police, [{ externalId: ext('HJ'), idNumber: elder.fullIdNumber, newRegionCode: REGIONS.villageA2, movedOn: '2026-11-01' }]);
    const [transfer] = ok(await t.exec<any>(town, `{ transfers { id elderId } }`)).transfers.filter((x: any) => x.elderId === elder.id);
    expect(transfer).toBeTruthy();
    await sync(SYNC.death, police, [{ externalId: ext('SW'), idNumber: elder.fullIdNumber, diedOn: '2026-11-05' }]);
    const refused = await t.exec(town, `mutation($id: ID!) { acceptTransfer(id: $id) { id status } }`, { id: transfer.id });
    expect(codeOf(refused)).toBe('CONFLICT');
    expect(extensionsOf(refused).status).toBe('DECEASED');
    const after = await getElder(elder.id);
    expect([after.status, after.region.code]).toEqual(['DECEASED', REGIONS.villageA1]);
    const rejected = ok(await t.exec<any>(town, `mutation($id: ID!) { rejectTransfer(id: $id, note: "老人已去世") { status } }`, { id: transfer.id })).rejectTransfer;
    expect(rejected.status).toBe('REJECTED');
  });
});

describe('transfers and closures at the same time', () => {
  const ACCEPT = `mutation($id: ID!) { acceptTransfer(id: $id) { id status } }`;
  async function proposed(): Promise<{ elder: ElderData & { fullIdNumber: string }; transferId: string }> {
    const elder = await elderAt();
    await sync(SYNC.residence, police, [{ externalId: ext('HJ'), idNumber: elder.fullIdNumber, newRegionCode: REGIONS.villageA2, movedOn: '2026-11-01' }]);
    const [transfer] = ok(await t.exec<any>(town, `{ transfers { id elderId } }`)).transfers.filter((x: any) => x.elderId === elder.id);
    return { elder, transferId: transfer.id };
  }
  /** Another connection closes the archive (or only holds it) inside a transaction while acceptTransfer runs. */
  async function whileHeld(elderId: string, close: boolean, finish: 'commit' | 'rollback', transferId: string) {
    const other = new pg.Client({ connectionString: t.dbUrl });
    await other.connect();
    try {
      await other.query('begin');
      await other.query(`select id from elder where id = $1 for update`, [elderId]);
      if (close) await other.query(`update elder set status = 'DECEASED', status_date = '2026-11-14', status_reason = '病故', version = version + 1 where id = $1`, [elderId]);
      const pending = t.exec(town, ACCEPT, { id: transferId });
      await new Promise((resolve) => setTimeout(resolve, 300)); // the accept is now waiting for the archive's lock
      await other.query(finish);
      return await pending;
    } finally {
      await other.end();
    }
  }

  it('a closure committing while the accept waits: the accept sees it and is refused, nothing moves', async () => {
    const { elder, transferId } = await proposed();
    const result = await whileHeld(elder.id, true, 'commit', transferId);
    expect(codeOf(result)).toBe('CONFLICT');
    const after = await getElder(elder.id);
    expect([after.status, after.region.code]).toEqual(['DECEASED', REGIONS.villageA1]);
    expect(await t.sql(`select status from transfer where id = $1`, [transferId])).toEqual([{ status: 'PROPOSED' }]);
  });

  it('a closure rolled back while the accept waits: the accept then moves the active archive', async () => {
    const { elder, transferId } = await proposed();
    const result = await whileHeld(elder.id, true, 'rollback', transferId);
    expect(ok(result as GqlResult<any>).acceptTransfer.status).toBe('ACCEPTED');
    const after = await getElder(elder.id);
    expect([after.status, after.region.code]).toEqual(['ACTIVE', REGIONS.villageA2]);
  });
});

describe('missing-person reports', () => {
  it('a newer version with foundOn resolves the alert the report raised, with a RESOLVED event naming the record', async () => {
    const elder = await elderAt();
    const report = ext('ZS');
    await sync(SYNC.missing, police, [{ externalId: report, idNumber: elder.fullIdNumber, reportedOn: '2026-11-12' }]);
    const open = await t.sql<{ status: string }>(`select status from alert where elder_id = $1 and rule_code = 'MISSING_PERSON'`, [elder.id]);
    expect(open).toEqual([{ status: 'OPEN' }]);
    await sync(SYNC.missing, police, [{ externalId: report, idNumber: elder.fullIdNumber, reportedOn: '2026-11-12', foundOn: '2026-11-13', sourceVersion: 2 }]);
    const list = ok(await t.exec<any>(town, `query($id: ID!) { alerts(filter: { elderId: $id, status: [RESOLVED] }, first: 10) {
      nodes { ruleCode status resolution events { status note } } } }`, { id: elder.id })).alerts.nodes;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ ruleCode: 'MISSING_PERSON', status: 'RESOLVED' });
    expect(list[0].resolution).toContain(report);
    expect(list[0].events.map((e: any) => e.status)).toEqual(['OPEN', 'RESOLVED']);
    // No open alert is left in the village's queue.
    expect(ok(await t.exec<any>(town, `query($id: ID!) { alerts(filter: { elderId: $id }, first: 10) { totalCount } }`, { id: elder.id })).alerts.totalCount).toBe(0);
  });
});

describe('Huining’s 三个一 care', () => {
  it('applies to dispersed (分散供养) 特困 elders only, not to institutional (集中供养) ones', async () => {
    const templates = ok(await t.exec<any>(town, `{ visitStandards(includeTemplates: true, includeRetired: false) { id code requirements { extremePovertyKind activity } } }`)).visitStandards as any[];
    const huining = templates.find((s) => s.code === 'HUINING-CARE-2022');
    expect(huining.requirements.map((r: any) => r.extremePovertyKind)).toEqual(['DISPERSED', 'DISPERSED', 'DISPERSED']);
    // The template's narrowing travels with an adoption; the start must be today or later.
    const adopted = ok(await t.exec<any>(town, `mutation($id: ID!, $region: String!) { adoptVisitStandard(templateId: $id, regionCode: $region) { requirements { extremePovertyKind activity } } }`, {
      id: huining.id, region: REGIONS.townA,
    })).adoptVisitStandard;
    expect(adopted.requirements.map((r: any) => [r.activity, r.extremePovertyKind])).toEqual([['CLEANING', 'DISPERSED'], ['LAUNDRY', 'DISPERSED'], ['HAIRCUT', 'DISPERSED']]);

    const dispersed = await elderAt({ circumstances: ['EXTREME_POVERTY'], extremePovertyKind: 'DISPERSED' });
    const institutional = await elderAt({ circumstances: ['EXTREME_POVERTY'], extremePovertyKind: 'INSTITUTIONAL' });
    const care = async (id: string) =>
      (ok(await t.exec<any>(town, `query($id: ID!) { elder(id: $id) { compliance { requirements { activity } } } }`, { id })).elder.compliance.requirements as { activity: string }[])
        .map((r) => r.activity).filter((a) => a !== 'VISIT').sort();
    expect(await care(dispersed.id)).toEqual(['CLEANING', 'HAIRCUT', 'LAUNDRY']);
    expect(await care(institutional.id)).toEqual([]);
    // The kind only narrows a 特困 requirement.
    const bad = await t.exec(town, `mutation($input: CreateVisitStandardInput!) { createVisitStandard(input: $input) { id } }`, {
      input: { name: '独居老人打扫卫生', regionCode: REGIONS.townA, requirements: [{ circumstance: 'LIVING_ALONE', extremePovertyKind: 'DISPERSED', activity: 'CLEANING', minCount: 1, window: 'MONTH' }] },
    });
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
  });
});

describe('one write path for archive changes (applyArchiveChanges)', () => {
  const HISTORY_Q = `query($id: ID!) { elder(id: $id) { version history(first: 20) { nodes { action changes { field old new } } } } }`;
  const historyOf = async (id: string) => ok(await t.exec<any>(admin, HISTORY_Q, { id })).elder as { version: number; history: { nodes: { action: string; changes: { field: string; old: unknown; new: unknown }[] }[] } };

  it('an accepted transfer and an agency value applied when settling a conflict are in the archive’s history, from what really changed', async () => {
    const moving = await elderAt();
    await sync(SYNC.residence, police, [{ externalId: ext('HJ'), idNumber: moving.fullIdNumber, newRegionCode: REGIONS.villageA2, movedOn: '2026-11-01' }]);
    const [transfer] = ok(await t.exec<any>(town, `{ transfers { id elderId } }`)).transfers.filter((x: any) => x.elderId === moving.id);
    const before = await historyOf(moving.id);
    ok(await t.exec(town, `mutation($id: ID!) { acceptTransfer(id: $id) { id } }`, { id: transfer.id }));
    const moved = await historyOf(moving.id);
    expect(moved.version).toBe(before.version + 1);
    expect(moved.history.nodes[0]).toEqual({ action: 'ELDER_UPDATE', changes: [{ field: 'regionCode', old: REGIONS.villageA1, new: REGIONS.villageA2 }] });

    const handLevel = await elderAt({ incapacityLevel: 'PARTIAL', circumstances: ['LIVING_ALONE'] });
    await sync(SYNC.incapacity, health, [{ externalId: ext('SN'), idNumber: handLevel.fullIdNumber, level: 'FULL', assessedOn: '2026-10-12' }]);
    const [conflict] = ok(await t.exec<any>(town, `{ dataConflicts(first: 100) { nodes { id elderId } } }`)).dataConflicts.nodes.filter((x: any) => x.elderId === handLevel.id);
    ok(await t.exec(town, `mutation($id: ID!) { settleDataConflict(id: $id, decision: APPLY_AGENCY, note: "入户核实") { id } }`, { id: conflict.id }));
    const settled = await historyOf(handLevel.id);
    expect(settled.history.nodes[0]).toEqual({ action: 'ELDER_UPDATE', changes: [{ field: 'incapacityLevel', old: 'PARTIAL', new: 'FULL' }] });
    // Applied from the agency, the level is now the agency's: a hand edit is refused.
    expect(codeOf(await t.exec(admin, UPDATE, { id: handLevel.id, v: settled.version, input: { incapacityLevel: 'PARTIAL' } }))).toBe('CONFLICT');
  });

  it('an agency effect is audited with every field it changed (certificate number masked), and a mere confirmation is not', async () => {
    const elder = await elderAt();
    const cert = ext('CJ');
    const record = { externalId: cert, idNumber: elder.fullIdNumber, certificateNumber: `${elder.fullIdNumber}12`, category: 'VISUAL', grade: 2, issuedOn: '2026-09-30' };
    await sync(SYNC.certificate, disability, [record]);
    const after = await historyOf(elder.id);
    const entry = after.history.nodes[0]!;
    expect(entry.action).toBe('ELDER_UPDATE');
    expect(entry.changes.map((c) => c.field).sort()).toEqual(['circumstances', 'disabilityCategory', 'disabilityCertificateNumber', 'disabilityGrade']);
    const number = entry.changes.find((c) => c.field === 'disabilityCertificateNumber')!.new as string;
    expect(number).toMatch(/\*/);
    expect(number).not.toContain(elder.fullIdNumber.slice(6, 14));
    // The same certificate again under a newer version: provenance only, no new history entry.
    await sync(SYNC.certificate, disability, [{ ...record, sourceVersion: 2 }]);
    expect((await historyOf(elder.id)).history.nodes).toHaveLength(after.history.nodes.length);
  });
});

describe('one write path for archive changes', () => {
  const CLOSE = `mutation($id: ID!, $v: Int!) { closeElder(id: $id, version: $v, input: { status: MOVED_AWAY, effectiveDate: "2026-11-10", reason: "迁往外地" }) { id status version } }`;
  const REFUSE = `mutation($id: ID!, $v: Int!) { recordRefusal(elderId: $id, version: $v, input: { refusedOn: "2026-11-12", reason: "不愿被打扰", talkedWith: "村委会" }) { id acceptsVisits version } }`;

  it('a person closing, reopening or recording a refusal writes the archive like agency effects do: one version, the audit made from what changed', async () => {
    const elder = await elderAt();
    // Two people close with the same version at once: one wins, the other is told someone saved first.
    const both = await Promise.all([t.exec<any>(town, CLOSE, { id: elder.id, v: elder.version }), t.exec<any>(admin, CLOSE, { id: elder.id, v: elder.version })]);
    expect(both.map((r) => codeOf(r) ?? 'OK').sort()).toEqual(['CONFLICT', 'OK']);
    const closed = both.find((r) => !r.errors)!.data.closeElder;
    expect(closed).toMatchObject({ status: 'MOVED_AWAY', version: elder.version + 1 });
    const [close] = await t.sql<{ changes: { field: string; old: unknown; new: unknown }[] }>(
      `select changes from audit_event where elder_id = $1 and action = 'ELDER_CLOSE'`,
      [elder.id],
    );
    expect(close!.changes).toEqual([
      { field: 'status', old: 'ACTIVE', new: 'MOVED_AWAY' },
      { field: 'statusDate', old: null, new: '2026-11-10' },
      { field: 'statusReason', old: null, new: '迁往外地' },
    ]);
    const reopened = ok(await t.exec<any>(admin, REOPEN, { id: elder.id, v: closed.version })).reopenElder;
    expect(reopened.status).toBe('ACTIVE');
    const refused = ok(await t.exec<any>(town, REFUSE, { id: elder.id, v: closed.version + 1 })).recordRefusal;
    expect(refused).toMatchObject({ acceptsVisits: false, version: closed.version + 2 });
    const [refusal] = await t.sql<{ changes: unknown; detail: Record<string, unknown> }>(
      `select changes, detail from audit_event where elder_id = $1 and action = 'REFUSAL_RECORD'`,
      [elder.id],
    );
    expect(refusal).toMatchObject({ changes: [{ field: 'acceptsVisits', old: true, new: false }], detail: { refusedOn: '2026-11-12', talkedWith: '村委会' } });
  });
});
