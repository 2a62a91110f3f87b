import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify, classifyArchive, type ClassFacts } from '../../packages/api/src/modules/classification/classification.rules.js';
import { codeOf, createTestApp, fieldsOf, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder, UPDATE } from '../helpers/elders.js';

let t: TestApp;
let town: TestUser;
let admin: TestUser;

const TODAY = '2026-11-15T02:00:00Z';

beforeAll(async () => {
  t = await createTestApp();
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
  admin = await t.user('ADMIN', REGIONS.city);
});
afterAll(() => t.close());

const CLASSIFICATION = `query($id: ID!, $asOf: Date) { elder(id: $id) { id circumstances
  classification(asOf: $asOf) { class computedClass reasons { code text } computedReasons { code } ruleVersion changesOn computedAt
    override { class reason startsOn expiresOn } } } }`;
const HISTORY = `query($id: ID!) { elder(id: $id) { classHistory { at source class reasons { code text } ruleVersion classAt80 turns80On expiresOn } } }`;
const COMPLIANCE_CLASS = `query($id: ID!, $asOf: Date) { elder(id: $id) { compliance(asOf: $asOf) { class requirements { homeOnly window } } } }`;
const OVERRIDE = `mutation($input: OverrideClassInput!) { overrideElderClass(input: $input) { id
  classification { class computedClass override { class reason startsOn expiresOn } } } }`;
const REVOKE = `mutation($id: ID!, $reason: String!) { revokeClassOverride(elderId: $id, reason: $reason) { id
  classification { class computedClass override { class } } } }`;

interface Cls {
  class: string;
  computedClass: string;
  reasons: { code: string; text: string }[];
  ruleVersion: string;
  changesOn: string | null;
  computedAt: string | null;
  override: { class: string; reason: string; startsOn: string; expiresOn: string } | null;
}

async function classOf(id: string, asOf?: string, as: TestUser = town): Promise<Cls> {
  return ok(await t.exec<any>(as, CLASSIFICATION, { id, asOf })).elder.classification;
}

async function historyOf(id: string): Promise<any[]> {
  return ok(await t.exec<any>(town, HISTORY, { id })).elder.classHistory;
}

/** Registers an elder born on `birthDate` with the given archive fields and returns its id. */
async function elder(birthDate: string, input: Record<string, unknown> = {}, male = true): Promise<{ id: string; idNumber: string; version: number }> {
  const idNumber = idNumberFor(birthDate, male);
  const e = await registerElder(t, town, { idNumber, ...input });
  return { id: e.id, idNumber, version: e.version };
}

const codes = (c: Cls) => c.reasons.map((r) => r.code);

describe('classify() at the age boundaries', () => {
  const facts = (circumstances: string[], disabilityGrade: number | null = null): ClassFacts => ({
    birthDate: '1950-01-01',
    circumstances,
    disabilityGrade,
    householdDependent: false,
  });

  it('B for the severely disabled living alone starts at 60, not 59', () => {
    expect(classify(facts(['LIVING_ALONE', 'DISABLED'], 1), 59).class).toBe('C');
    expect(classify(facts(['LIVING_ALONE', 'DISABLED'], 1), 60)).toMatchObject({
      class: 'B',
      reasons: [{ code: 'B_SEVERELY_DISABLED_ALONE' }],
    });
    expect(classify(facts(['EMPTY_NEST', 'DEMENTIA']), 59).class).toBe('C');
    expect(classify(facts(['EMPTY_NEST', 'DEMENTIA']), 60).class).toBe('B');
  });

  it('at 79 living alone is C (B if severely disabled); at 80 it is A', () => {
    expect(classify(facts(['LIVING_ALONE']), 79)).toMatchObject({ class: 'C', reasons: [{ code: 'C_OTHER' }] });
    expect(classify(facts(['LIVING_ALONE'], 2), 79)).toMatchObject({ class: 'B', reasons: [{ code: 'B_SEVERELY_DISABLED_ALONE' }] });
    expect(classify(facts(['LIVING_ALONE']), 80)).toMatchObject({ class: 'A', reasons: [{ code: 'A_80_ALONE', text: '80周岁以上且独居' }] });
    expect(classify(facts(['LIVING_ALONE'], 2), 80)).toMatchObject({ class: 'A', reasons: [{ code: 'A_80_ALONE' }] });
    // The 60-79 couple clause ends at 80: an 80-year-old of an empty-nest couple is A by the 80+ clause instead.
    expect(classify(facts(['EMPTY_NEST', 'DEMENTIA']), 79)).toMatchObject({ class: 'B', reasons: [{ code: 'B_COUPLE_WITH_DEPENDENT' }] });
    expect(classify(facts(['EMPTY_NEST', 'DEMENTIA']), 80)).toMatchObject({ class: 'A', reasons: [{ code: 'A_80_ALONE', text: '80周岁以上且空巢' }] });
  });

  it('classifyArchive gives the class at 80 and the birthday for an elder under 80 (29 February: 1 March)', () => {
    const under = classifyArchive({ ...facts(['LIVING_ALONE']), birthDate: '1946-12-01' }, '2026-11-15');
    expect(under).toMatchObject({ class: 'C', turns80On: '2026-12-01', at80: { class: 'A' } });
    const over = classifyArchive({ ...facts(['LIVING_ALONE']), birthDate: '1946-11-15' }, '2026-11-15');
    expect(over).toMatchObject({ class: 'A', turns80On: null, at80: null });
    const leap = classifyArchive({ ...facts(['LIVING_ALONE']), birthDate: '1948-02-29' }, '2026-11-15');
    expect(leap.turns80On).toBe('2028-02-29');
    // 2100 is not a leap year: born 29 February 2020, one turns 80 on 1 March 2100.
    const century = classifyArchive({ ...facts(['LIVING_ALONE']), birthDate: '2020-02-29' }, '2099-01-01');
    expect(century.turns80On).toBe('2100-03-01');
  });
});

describe('class A, B and C through registerElder', () => {
  beforeAll(() => t.clock.set(TODAY));

  it('A: incapacitated, at any age from 60', async () => {
    const e = await elder('1964-05-01', { circumstances: ['INCAPACITATED'], incapacityLevel: 'FULL' });
    const c = await classOf(e.id);
    expect(c).toMatchObject({ class: 'A', computedClass: 'A', ruleVersion: 'kaiping-2024.1', override: null, changesOn: null });
    expect(c.reasons).toEqual([{ code: 'A_INCAPACITATED', text: '失能' }]);
  });

  it('A: 80 or over and living alone, empty nest or left behind', async () => {
    for (const [circumstance, word] of [
      ['LIVING_ALONE', '独居'],
      ['EMPTY_NEST', '空巢'],
      ['LEFT_BEHIND', '留守'],
    ] as const) {
      const e = await elder('1940-05-01', { circumstances: [circumstance] });
      const c = await classOf(e.id);
      expect(c.class, circumstance).toBe('A');
      expect(c.reasons).toEqual([{ code: 'A_80_ALONE', text: `80周岁以上且${word}` }]);
    }
    // 80+ with no one of those: C.
    const notAlone = await elder('1940-05-01', { circumstances: ['PURE_ELDERLY_HOUSEHOLD'] });
    expect(await classOf(notAlone.id)).toMatchObject({ class: 'C', reasons: [{ code: 'C_OTHER', text: '其他特殊困难老年人' }] });
  });

  it('A: minimum allowance and living alone, empty nest or left behind (any age)', async () => {
    for (const [circumstance, word] of [
      ['LIVING_ALONE', '独居'],
      ['EMPTY_NEST', '空巢'],
      ['LEFT_BEHIND', '留守'],
    ] as const) {
      const e = await elder('1958-03-03', { circumstances: ['MINIMUM_ALLOWANCE', circumstance] });
      const c = await classOf(e.id);
      expect(c.class, circumstance).toBe('A');
      expect(c.reasons).toEqual([{ code: 'A_ALLOWANCE_ALONE', text: `低保对象且${word}` }]);
    }
    const allowanceOnly = await elder('1958-03-03', { circumstances: ['MINIMUM_ALLOWANCE'] });
    expect((await classOf(allowanceOnly.id)).class).toBe('C');
  });

  it('A: family-planning special family and living alone (not empty nest)', async () => {
    const alone = await elder('1955-07-07', { circumstances: ['LIVING_ALONE'], familyPlanningKind: 'ONLY_CHILD_DECEASED' });
    const c = await classOf(alone.id);
    expect(c.class).toBe('A');
    expect(c.reasons).toEqual([{ code: 'A_FAMILY_PLANNING_ALONE', text: '计划生育特殊家庭且独居' }]);
    const nest = await elder('1955-07-07', { circumstances: ['FAMILY_PLANNING_SPECIAL', 'EMPTY_NEST'], familyPlanningKind: 'ONLY_CHILD_DISABLED' });
    expect((await classOf(nest.id)).class).toBe('C');
  });

  it('lists every A clause that is met', async () => {
    const e = await elder('1940-05-01', { circumstances: ['INCAPACITATED', 'LIVING_ALONE', 'MINIMUM_ALLOWANCE', 'FAMILY_PLANNING_SPECIAL'], familyPlanningKind: 'ONLY_CHILD_DECEASED' });
    expect(codes(await classOf(e.id))).toEqual(['A_INCAPACITATED', 'A_80_ALONE', 'A_ALLOWANCE_ALONE', 'A_FAMILY_PLANNING_ALONE']);
  });

  it('B: aged 60-79, severely disabled (grade 1-2 from the certificate) and living alone', async () => {
    const idNumber = idNumberFor('1955-02-02');
    const grade2 = ok(
      await t.exec<any>(town, `mutation($input: RegisterElderInput!) { registerElder(input: $input) { id circumstances disability { grade severe }
        classification { class reasons { code text } } } }`, {
        input: { name: '关国华', regionCode: REGIONS.villageA1, idNumber, circumstances: ['LIVING_ALONE'], disability: { certificateNumber: `${idNumber}42` } },
      }),
    ).registerElder;
    expect(grade2.disability).toEqual({ grade: 2, severe: true });
    expect(grade2.circumstances).toEqual(expect.arrayContaining(['LIVING_ALONE', 'DISABLED', 'SEVERELY_DISABLED']));
    expect(grade2.classification).toEqual({ class: 'B', reasons: [{ code: 'B_SEVERELY_DISABLED_ALONE', text: '60至79周岁，重度残疾且独居' }] });

    const id3 = idNumberFor('1955-02-02');
    const grade3 = await registerElder(t, town, { idNumber: id3, circumstances: ['LIVING_ALONE'], disability: { certificateNumber: `${id3}43` } });
    expect((await classOf(grade3.id)).class).toBe('C');
    // Severely disabled but not living alone: not this clause.
    const id1 = idNumberFor('1955-02-02');
    const notAlone = await registerElder(t, town, { idNumber: id1, circumstances: ['LEFT_BEHIND'], disability: { certificateNumber: `${id1}11` } });
    expect((await classOf(notAlone.id)).class).toBe('C');
  });

  it('B: aged 60-79 empty-nest couple where the elder is demented or disabled', async () => {
    const demented = await elder('1952-09-09', { circumstances: ['EMPTY_NEST', 'DEMENTIA'] });
    expect(await classOf(demented.id)).toMatchObject({
      class: 'B',
      reasons: [{ code: 'B_COUPLE_WITH_DEPENDENT', text: '60至79周岁，老年夫妇共同生活且一方失能、失智或残疾' }],
    });
    const disabled = await elder('1952-09-09', { circumstances: ['EMPTY_NEST'], disability: { category: 'HEARING', grade: 4 } });
    expect(codes(await classOf(disabled.id))).toEqual(['B_COUPLE_WITH_DEPENDENT']);
    const neither = await elder('1952-09-09', { circumstances: ['EMPTY_NEST'] });
    expect((await classOf(neither.id)).class).toBe('C');
    // Demented but not an empty-nest couple: C.
    const notCouple = await elder('1952-09-09', { circumstances: ['DEMENTIA'] });
    expect((await classOf(notCouple.id)).class).toBe('C');
  });

  it('B: aged 60-79 empty-nest couple where the spouse is incapacitated (household member 失能)', async () => {
    // The spouse as the only household member listed.
    const spouseOnly = await elder('1952-09-09', {
      circumstances: ['EMPTY_NEST'],
      householdMembers: [{ name: '李秀英', relation: '配偶', health: '失能' }],
    });
    expect(codes(await classOf(spouseOnly.id))).toEqual(['B_COUPLE_WITH_DEPENDENT']);
    // The elder as householder, then the spouse.
    const idNumber = idNumberFor('1952-09-09');
    const both = await registerElder(t, town, {
      idNumber,
      circumstances: ['EMPTY_NEST'],
      householdMembers: [
        { name: '关国华', relation: '户主', idNumber, health: '一般' },
        { name: '李秀英', relation: '配偶', health: '完全失能，长期卧床' },
      ],
    });
    expect((await classOf(both.id)).class).toBe('B');
    // The spouse is the householder: the elder is listed as 配偶.
    const id2 = idNumberFor('1952-09-09');
    const spouseHead = await registerElder(t, town, {
      idNumber: id2,
      circumstances: ['EMPTY_NEST'],
      householdMembers: [
        { name: '李秀英', relation: '户主', health: '失能' },
        { name: '关国华', relation: '配偶', idNumber: id2, health: '一般' },
      ],
    });
    expect((await classOf(spouseHead.id)).class).toBe('B');
    // A healthy spouse: C. The elder's own row does not make the household dependent.
    const healthy = await elder('1952-09-09', { circumstances: ['EMPTY_NEST'], householdMembers: [{ name: '李秀英', relation: '配偶', health: '健康' }] });
    expect((await classOf(healthy.id)).class).toBe('C');
    // Free text with a negation ("无残疾") is not a dependent spouse.
    const negated = await elder('1952-09-09', { circumstances: ['EMPTY_NEST'], householdMembers: [{ name: '李秀英', relation: '配偶', health: '无残疾，能自理' }] });
    expect((await classOf(negated.id)).class).toBe('C');
  });

  it('B: long-term carer of an incapacitated or demented child', async () => {
    const e = await elder('1950-03-15', { circumstances: ['CARER_OF_DEPENDENT_CHILD'] });
    expect(await classOf(e.id)).toMatchObject({
      class: 'B',
      reasons: [{ code: 'B_CARER_OF_CHILD', text: '长期照料失能、失智子女' }],
    });
  });

  it('C otherwise, including an archive with no circumstance', async () => {
    for (const circumstances of [[], ['LIVING_ALONE'], ['EXTREME_POVERTY'], ['TEMPORARY_DIFFICULTY'], ['PURE_ELDERLY_HOUSEHOLD', 'LEFT_BEHIND']]) {
      const input: Record<string, unknown> = { circumstances };
      if (circumstances.includes('EXTREME_POVERTY')) input.extremePovertyKind = 'DISPERSED';
      if (circumstances.includes('TEMPORARY_DIFFICULTY')) input.temporaryDifficulty = '台风损毁房屋';
      const e = await elder('1950-03-15', input);
      expect(await classOf(e.id), JSON.stringify(circumstances)).toMatchObject({ class: 'C', computedClass: 'C', reasons: [{ code: 'C_OTHER' }] });
    }
  });
});

describe('the 80th birthday', () => {
  beforeAll(() => t.clock.set(TODAY));
  afterAll(() => t.clock.set(TODAY));

  it('is C the day before the 80th birthday and A on it, with changesOn the birthday', async () => {
    const e = await elder('1946-12-01', { circumstances: ['LIVING_ALONE'] });
    const today = await classOf(e.id);
    expect(today).toMatchObject({ class: 'C', computedClass: 'C', changesOn: '2026-12-01', reasons: [{ code: 'C_OTHER' }] });
    expect(await classOf(e.id, '2026-11-30')).toMatchObject({ class: 'C', changesOn: '2026-12-01' });
    const on = await classOf(e.id, '2026-12-01');
    expect(on).toMatchObject({ class: 'A', computedClass: 'A', changesOn: null });
    expect(on.reasons).toEqual([{ code: 'A_80_ALONE', text: '80周岁以上且独居' }]);
    expect((await classOf(e.id, '2027-06-01')).class).toBe('A');
    const [rules] = await historyOf(e.id);
    expect(rules).toMatchObject({ source: 'RULES', class: 'C', classAt80: 'A', turns80On: '2026-12-01', ruleVersion: 'kaiping-2024.1' });

    // The requirements follow the class on the day, without any recomputation in between.
    t.clock.set('2026-12-01T02:00:00Z');
    expect(ok(await t.exec<any>(town, COMPLIANCE_CLASS, { id: e.id, asOf: '2026-11-30' })).elder.compliance.class).toBe('C');
    const onDay = ok(await t.exec<any>(town, COMPLIANCE_CLASS, { id: e.id, asOf: '2026-12-01' })).elder.compliance;
    expect(onDay.class).toBe('A');
    expect(onDay.requirements).toEqual([{ homeOnly: true, window: 'MONTH' }]);
    expect(ok(await t.exec<any>(town, `query($id: ID!) { elder(id: $id) { circumstances } }`, { id: e.id })).elder.circumstances).toContain('AGED_80_PLUS');
  });

  it('has no changesOn when turning 80 changes nothing', async () => {
    t.clock.set(TODAY);
    const plain = await elder('1946-12-01', { circumstances: ['PURE_ELDERLY_HOUSEHOLD'] });
    expect(await classOf(plain.id)).toMatchObject({ class: 'C', changesOn: null });
    expect((await classOf(plain.id, '2026-12-01')).class).toBe('C');
    const incapacitated = await elder('1946-12-01', { circumstances: ['INCAPACITATED', 'LIVING_ALONE'] });
    expect(await classOf(incapacitated.id)).toMatchObject({ class: 'A', changesOn: null });
    expect(codes(await classOf(incapacitated.id, '2026-12-01'))).toEqual(['A_INCAPACITATED', 'A_80_ALONE']);
  });
});

describe('recomputation', () => {
  beforeAll(() => t.clock.set(TODAY));

  it('recomputes when an input changes and records a RULES entry in the history', async () => {
    const e = await elder('1950-03-15', { circumstances: ['LIVING_ALONE'] });
    expect((await classOf(e.id)).class).toBe('C');
    t.clock.set('2026-11-15T06:00:00Z');
    const updated = ok(await t.exec<any>(town, UPDATE, { id: e.id, version: e.version, input: { circumstances: ['LIVING_ALONE', 'INCAPACITATED'], incapacityLevel: 'PARTIAL' } }))
      .updateElder;
    expect(updated.circumstances).toEqual(expect.arrayContaining(['LIVING_ALONE', 'INCAPACITATED']));
    const c = await classOf(e.id);
    expect(c).toMatchObject({ class: 'A', computedClass: 'A', computedAt: '2026-11-15T06:00:00.000Z' });
    expect(codes(c)).toEqual(['A_INCAPACITATED']);
    const history = await historyOf(e.id);
    expect(history.map((h) => [h.source, h.class])).toEqual([
      ['RULES', 'A'],
      ['RULES', 'C'],
    ]);
    expect(history[0]).toMatchObject({ at: '2026-11-15T06:00:00.000Z', reasons: [{ code: 'A_INCAPACITATED', text: '失能' }], ruleVersion: 'kaiping-2024.1' });

    // A change that does not touch the result adds no entry.
    ok(await t.exec(town, UPDATE, { id: e.id, version: updated.version, input: { addressDetail: '3巷5号' } }));
    expect(await historyOf(e.id)).toHaveLength(2);

    // Removing the input brings the class back.
    ok(await t.exec(town, UPDATE, { id: e.id, version: updated.version + 1, input: { circumstances: ['LIVING_ALONE'] } }));
    expect((await classOf(e.id)).class).toBe('C');
    expect((await historyOf(e.id)).map((h) => h.class)).toEqual(['C', 'A', 'C']);
    t.clock.set(TODAY);
  });

  it('recomputes when the spouse’s health changes', async () => {
    const e = await elder('1952-09-09', { circumstances: ['EMPTY_NEST'], householdMembers: [{ name: '李秀英', relation: '配偶', health: '健康' }] });
    expect((await classOf(e.id)).class).toBe('C');
    ok(await t.exec(town, UPDATE, { id: e.id, version: e.version, input: { householdMembers: [{ name: '李秀英', relation: '配偶', health: '失能' }] } }));
    expect(await classOf(e.id)).toMatchObject({ class: 'B', reasons: [{ code: 'B_COUPLE_WITH_DEPENDENT' }] });
  });
});

describe('overrides', () => {
  beforeAll(() => t.clock.set(TODAY));
  afterAll(() => t.clock.set(TODAY));

  it('changes the class in force until it expires; the computed class stays beside it', async () => {
    const e = await elder('1950-03-15', { circumstances: ['LIVING_ALONE'] });
    const result = ok(
      await t.exec<any>(admin, OVERRIDE, {
        input: { elderId: e.id, class: 'A', reason: '  子女已外出务工，老人近期多次跌倒，需每月上门  ', expiresOn: '2027-02-01' },
      }),
    ).overrideElderClass;
    expect(result.classification).toEqual({
      class: 'A',
      computedClass: 'C',
      override: { class: 'A', reason: '子女已外出务工，老人近期多次跌倒，需每月上门', startsOn: '2026-11-15', expiresOn: '2027-02-01' },
    });
    const c = await classOf(e.id);
    // The override is explained by its own reason; the rules' clause stays beside the computed class.
    expect(c).toMatchObject({
      class: 'A', computedClass: 'C', reasons: [{ code: 'OVERRIDE', text: '子女已外出务工，老人近期多次跌倒，需每月上门' }], computedReasons: [{ code: 'C_OTHER' }],
    });
    expect(await classOf(e.id, '2027-01-31')).toMatchObject({ class: 'A', computedClass: 'C' });
    // Not before it started, and not from its expiry day on.
    expect(await classOf(e.id, '2026-11-14')).toMatchObject({ class: 'C', override: null });
    expect(await classOf(e.id, '2027-02-01')).toMatchObject({ class: 'C', computedClass: 'C', override: null });
    expect(await classOf(e.id, '2027-03-01')).toMatchObject({ class: 'C', override: null });

    // The requirements follow the class in force.
    expect(ok(await t.exec<any>(town, COMPLIANCE_CLASS, { id: e.id })).elder.compliance).toEqual({ class: 'A', requirements: [{ homeOnly: true, window: 'MONTH' }] });
    t.clock.set('2027-02-01T02:00:00Z');
    expect(ok(await t.exec<any>(town, COMPLIANCE_CLASS, { id: e.id })).elder.compliance.class).toBe('C');
    expect(await classOf(e.id)).toMatchObject({ class: 'C', override: null });
    // An expired override cannot be revoked.
    expect(codeOf(await t.exec(admin, REVOKE, { id: e.id, reason: '复核后撤销' }))).toBe('BAD_USER_INPUT');
    t.clock.set(TODAY);

    const history = await historyOf(e.id);
    expect(history[0]).toMatchObject({
      source: 'OVERRIDE',
      class: 'A',
      expiresOn: '2027-02-01',
      reasons: [{ code: 'OVERRIDE', text: '子女已外出务工，老人近期多次跌倒，需每月上门' }],
    });
    expect(history[1]).toMatchObject({ source: 'RULES', class: 'C' });
  });

  it('is revoked with a reason: the computed class applies again and the history shows both', async () => {
    const e = await elder('1950-03-15', { circumstances: ['CARER_OF_DEPENDENT_CHILD'] });
    ok(await t.exec(admin, OVERRIDE, { input: { elderId: e.id, class: 'C', reason: '子女已入住养老机构', expiresOn: '2027-11-14' } }));
    expect(await classOf(e.id)).toMatchObject({ class: 'C', computedClass: 'B' });
    // A second override replaces the first.
    ok(await t.exec(admin, OVERRIDE, { input: { elderId: e.id, class: 'A', reason: '老人突发疾病，暂按A类', expiresOn: '2026-12-31' } }));
    expect(await classOf(e.id)).toMatchObject({ class: 'A', computedClass: 'B', override: { class: 'A', expiresOn: '2026-12-31' } });
    expect(await classOf(e.id, '2027-06-01')).toMatchObject({ class: 'B', override: null });

    expect(fieldsOf(await t.exec(admin, REVOKE, { id: e.id, reason: ' ' }))).toEqual(['reason']);
    const revoked = ok(await t.exec<any>(admin, REVOKE, { id: e.id, reason: '老人已康复' })).revokeClassOverride;
    expect(revoked.classification).toEqual({ class: 'B', computedClass: 'B', override: null });
    expect(await classOf(e.id, '2026-12-30')).toMatchObject({ class: 'B', override: null });
    const history = await historyOf(e.id);
    expect(history.map((h) => h.source)).toEqual(['OVERRIDE_REVOKED', 'OVERRIDE', 'OVERRIDE', 'RULES']);
    expect(history[0]).toMatchObject({ class: 'A', reasons: [{ code: 'REVOKED', text: '老人已康复' }] });
    // Nothing left to revoke.
    const again = await t.exec(admin, REVOKE, { id: e.id, reason: '再次撤销' });
    expect(codeOf(again)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(again)).toEqual(['elderId']);
    const [{ n }] = await t.sql(`select count(*)::int as n from audit_event where elder_id = $1 and action like 'CLASS_%'`, [e.id]);
    expect(n).toBe(3);
  });

  it('refuses an expiry not after today or more than two years ahead, and a reason too short', async () => {
    const e = await elder('1950-03-15');
    const input = { elderId: e.id, class: 'A', reason: '需加强探访', expiresOn: '2027-01-01' };
    const past = await t.exec(admin, OVERRIDE, { input: { ...input, expiresOn: '2026-11-01' } });
    expect(codeOf(past)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(past)).toEqual(['expiresOn']);
    expect(fieldsOf(await t.exec(admin, OVERRIDE, { input: { ...input, expiresOn: '2026-11-15' } }))).toEqual(['expiresOn']);
    expect(fieldsOf(await t.exec(admin, OVERRIDE, { input: { ...input, expiresOn: '2028-11-16' } }))).toEqual(['expiresOn']);
    ok(await t.exec(admin, OVERRIDE, { input: { ...input, expiresOn: '2028-11-15' } }));
    const short = await t.exec(admin, OVERRIDE, { input: { ...input, reason: ' 急 ' } });
    expect(codeOf(short)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(short)).toEqual(['reason']);
    const both = await t.exec(admin, OVERRIDE, { input: { ...input, reason: '', expiresOn: '2026-10-01' } });
    expect(fieldsOf(both).sort()).toEqual(['expiresOn', 'reason']);
    expect(codeOf(await t.exec(admin, OVERRIDE, { input: { ...input, expiresOn: '2027-02-30' } }))).toBe('BAD_USER_INPUT');
    // Only the one accepted override is in the history.
    expect((await historyOf(e.id)).map((h) => h.source)).toEqual(['OVERRIDE', 'RULES']);
  });

  it('is for admins, inside their jurisdiction', async () => {
    const e = await elder('1950-03-15');
    const input = { elderId: e.id, class: 'A', reason: '需加强探访', expiresOn: '2027-01-01' };
    expect(codeOf(await t.exec(town, OVERRIDE, { input }))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(town, REVOKE, { id: e.id, reason: '撤销调整' }))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(null, OVERRIDE, { input }))).toBe('UNAUTHENTICATED');
    const adminB = await t.user('ADMIN', REGIONS.townB);
    expect(codeOf(await t.exec(adminB, OVERRIDE, { input }))).toBe('NOT_FOUND');
    expect(codeOf(await t.exec(adminB, REVOKE, { id: e.id, reason: '撤销调整' }))).toBe('NOT_FOUND');
    expect(codeOf(await t.exec(admin, OVERRIDE, { input: { ...input, elderId: '00000000-0000-0000-0000-000000000000' } }))).toBe('NOT_FOUND');
    expect(codeOf(await t.exec(admin, OVERRIDE, { input: { ...input, elderId: 'nope' } }))).toBe('NOT_FOUND');
    // Nothing was written by the refused attempts.
    const [{ n }] = await t.sql(`select count(*)::int as n from class_override where elder_id = $1`, [e.id]);
    expect(n).toBe(0);
    // A town operator of another town cannot read the class either.
    const townB = await t.user('TOWN_OPERATOR', REGIONS.townB);
    expect(codeOf(await t.exec(townB, CLASSIFICATION, { id: e.id }))).toBe('NOT_FOUND');
  });
});
