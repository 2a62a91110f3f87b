import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, fieldsOf, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { REGISTER, registerElder, type ElderData } from '../helpers/elders.js';

let t: TestApp;
let town: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
});
afterAll(() => t.close());

const register = (input: Record<string, unknown>, as: TestUser = town) =>
  t.exec<{ registerElder: ElderData }>(as, REGISTER, { input: { name: '关国华', regionCode: REGIONS.villageA1, ...input } });

describe('registerElder', () => {
  it('needs only name, ID number and village; birth date and gender come from the ID number', async () => {
    const idNumber = idNumberFor('1944-02-29', false);
    const elder = ok(await register({ idNumber })).registerElder;
    expect(elder).toMatchObject({
      gender: 'FEMALE',
      birthDate: '1944-02-29',
      status: 'ACTIVE',
      version: 1,
      acceptsVisits: true,
      region: { code: REGIONS.villageA1, level: 5 },
      circumstances: ['AGED_80_PLUS'],
    });
    expect(elder.idNumber).toBe(`440783********${idNumber.slice(-4)}`);
    const [row] = await t.sql('select id_number, county_code, registered_by from elder where id = $1', [elder.id]);
    expect(row).toEqual({ id_number: idNumber, county_code: '440783', registered_by: town.id });
  });

  it.each([
    ['too short', '44078319500101123', '身份证号应为 18 位'],
    ['letters', '44078319500101123A', '身份证号应为 18 位'],
    ['unknown province', '990783195001011234', '省级行政区划代码'],
    ['impossible birth date', '440783195002301234', '出生日期'],
    ['birth date in the future', '440783203001011234', '出生日期'],
  ])('refuses an ID number that is %s (BAD_USER_INPUT)', async (_case, idNumber, message) => {
    const result = await register({ idNumber });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(result)).toContain('idNumber');
    expect(result.errors![0]!.message).toContain(message);
  });

  it('refuses a wrong check digit and says so in both languages', async () => {
    const good = idNumberFor('1950-01-01');
    const wrongDigit = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const result = await register({ idNumber: wrongDigit });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.message).toBe('身份证号校验位不正确，请核对是否输错');
    expect(result.errors![0]!.extensions!.messageEn).toBe('The ID number check digit is wrong: look for a typing error');
  });

  it('accepts a lower-case x check character and stores it upper-case', async () => {
    let id = '';
    for (let seq = 100; seq < 999 && !id.endsWith('X'); seq++) {
      const first17 = `44078319520304${String(seq).padStart(3, '0')}`;
      const { checkCharOf } = await import('../../packages/api/src/modules/elders/id-number.js');
      id = first17 + checkCharOf(first17);
    }
    const elder = ok(await register({ idNumber: id.toLowerCase() })).registerElder;
    const [row] = await t.sql('select id_number from elder where id = $1', [elder.id]);
    expect(row!.id_number).toBe(id);
  });

  it('refuses someone under 60 on the day of registration, and accepts the 60th birthday itself', async () => {
    t.clock.set('2026-11-15T02:00:00Z');
    const under = await register({ idNumber: idNumberFor('1966-11-16') });
    expect(codeOf(under)).toBe('BAD_USER_INPUT');
    expect(under.errors![0]!.message).toContain('未满 60 周岁');
    const exactly = await register({ idNumber: idNumberFor('1966-11-15') });
    expect(ok(exactly).registerElder.birthDate).toBe('1966-11-15');
  });

  it('checks phone numbers: mobile, landline with area code; lists every wrong field at once', async () => {
    const result = await register({
      name: '',
      idNumber: idNumberFor('1950-01-01'),
      phone: '12345',
      emergencyContacts: [{ kind: 'CHILD', name: '关明', phone: '0750221' }],
    });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(result).sort()).toEqual(['emergencyContacts.0.phone', 'name', 'phone']);
    const good = ok(await register({ idNumber: idNumberFor('1950-01-02'), phone: '0750-2212345' })).registerElder;
    expect(good.phone).toBe('0750-*****45');
    const mobile = ok(await register({ idNumber: idNumberFor('1950-01-03'), phone: '+86 138 0013 5678' })).registerElder;
    expect(mobile.phone).toBe('138****5678');
  });

  it('requires a village inside the caller jurisdiction', async () => {
    const notVillage = await register({ idNumber: idNumberFor('1950-01-01'), regionCode: REGIONS.townA });
    expect(codeOf(notVillage)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(notVillage)).toEqual(['regionCode']);
    const missing = await register({ idNumber: idNumberFor('1950-01-01'), regionCode: '440783001999' });
    expect(codeOf(missing)).toBe('BAD_USER_INPUT');
    expect(missing.errors![0]!.message).toContain('不存在');
    const outside = await register({ idNumber: idNumberFor('1950-01-01'), regionCode: REGIONS.villageB1 });
    expect(codeOf(outside)).toBe('FORBIDDEN');
    expect(outside.errors![0]!.message).toContain('不在您的管辖范围内');
    const [{ count }] = await t.sql(`select count(*)::int as count from elder where region_code = $1`, [REGIONS.villageB1]);
    expect(count).toBe(0);
  });

  it('refuses derived circumstances and implies a circumstance from its details', async () => {
    const derived = await register({ idNumber: idNumberFor('1950-01-01'), circumstances: ['AGED_80_PLUS'] });
    expect(codeOf(derived)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(derived)).toEqual(['circumstances']);

    const id = idNumberFor('1950-05-05');
    const elder = ok(
      await register({
        idNumber: id,
        circumstances: ['LIVING_ALONE'],
        incapacityLevel: 'FULL',
        disability: { certificateNumber: `${id}42` },
        extremePovertyKind: 'DISPERSED',
      }),
    ).registerElder;
    expect(elder.circumstances).toEqual(['LIVING_ALONE', 'INCAPACITATED', 'DISABLED', 'EXTREME_POVERTY', 'SEVERELY_DISABLED']);
    expect(elder.disability).toEqual({ certificateNumber: `440783********${id.slice(14)}42`, category: 'PHYSICAL', grade: 2, severe: true });
  });

  it('checks a disability certificate number against the ID number, category and grade', async () => {
    const id = idNumberFor('1950-06-06');
    const other = idNumberFor('1950-06-07');
    const result = await register({ idNumber: id, disability: { certificateNumber: `${other}43`, category: 'VISUAL', grade: 2 } });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(result).sort()).toEqual(['disability.category', 'disability.certificateNumber', 'disability.grade']);
    const badGrade = await register({ idNumber: id, disability: { category: 'VISUAL', grade: 5 } });
    expect(fieldsOf(badGrade)).toEqual(['disability.grade']);
  });

  it('keeps emergency contacts in order: children, then relatives, then the village committee', async () => {
    const elder = ok(
      await register({
        idNumber: idNumberFor('1940-01-01'),
        emergencyContacts: [
          { kind: 'VILLAGE_WORKER', name: '谢主任', phone: '13800000003' },
          { kind: 'RELATIVE', name: '关侄', relation: '侄子', phone: '13800000002' },
          { kind: 'CHILD', name: '关儿', relation: '儿子', phone: '13800000001' },
        ],
        householdMembers: [
          { name: '关国华', relation: '户主', idNumber: idNumberFor('1940-01-02'), health: '一般' },
          { name: '张秀英', relation: '配偶', assistance: 'MINIMUM_ALLOWANCE', gender: 'FEMALE' },
        ],
        livingConditions: { waterSafe: true, electricitySafe: false, housingSafe: true, householdMonthlyIncome: 1200.456, monthlyBenefits: 300 },
        helpReceived: [{ unitType: 'SOCIAL_ORGANIZATION', unitName: '开平市慈善会', measures: '节日慰问' }],
      }),
    ).registerElder;
    expect(elder.emergencyContacts.map((c: { kind: string }) => c.kind)).toEqual(['CHILD', 'RELATIVE', 'VILLAGE_WORKER']);
    expect(elder.emergencyContacts[0].phone).toBe('138****0001');
    expect(elder.householdMembers[0]).toMatchObject({ relation: '户主', gender: 'MALE', health: '一般', assistance: 'NONE' });
    expect(elder.householdMembers[0].idNumber).toMatch(/^440783\*{8}\d{3}[\dX]$/);
    expect(elder.householdMembers[1]).toMatchObject({ gender: 'FEMALE', idNumber: null, assistance: 'MINIMUM_ALLOWANCE' });
    expect(elder.livingConditions).toMatchObject({ electricitySafe: false, householdMonthlyIncome: 1200.46, monthlyBenefits: 300 });
    expect(elder.helpReceived).toHaveLength(1);
  });

  it('refuses oversize lists', async () => {
    const contacts = Array.from({ length: 11 }, (_, i) => ({ kind: 'CHILD', name: '关明', phone: `138000000${String(i).padStart(2, '0')}` }));
    const result = await register({ idNumber: idNumberFor('1950-01-01'), emergencyContacts: contacts });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(result)).toEqual(['emergencyContacts']);
  });

  it('refuses a second archive for the same ID number (CONFLICT naming the existing archive)', async () => {
    const first = await registerElder(t, town, { idNumber: idNumberFor('1945-07-01') });
    const again = await register({ idNumber: first.fullIdNumber, name: '别名' });
    expect(codeOf(again)).toBe('CONFLICT');
    expect(again.errors![0]!.extensions!.existingElderId).toBe(first.id);
    expect(again.errors![0]!.message).toContain('关国华');
  });

  it('says only "another jurisdiction" when the existing archive is outside the caller reach', async () => {
    const otherTown = await t.user('TOWN_OPERATOR', REGIONS.townB);
    const theirs = await registerElder(t, otherTown, { idNumber: idNumberFor('1944-04-04'), regionCode: REGIONS.villageB1 });
    const result = await register({ idNumber: theirs.fullIdNumber });
    expect(codeOf(result)).toBe('CONFLICT');
    expect(result.errors![0]!.message).toContain('其他辖区');
    expect(result.errors![0]!.extensions!.existingElderId).toBeUndefined();
    expect(result.errors![0]!.message).not.toContain('关国华');
  });

  it('leaves exactly one archive when two registrations of one ID number race', async () => {
    const idNumber = idNumberFor('1939-09-09');
    const results = await Promise.all(Array.from({ length: 4 }, () => register({ idNumber })));
    const succeeded = results.filter((r) => !r.errors);
    expect(succeeded).toHaveLength(1);
    expect(results.filter((r) => codeOf(r) === 'CONFLICT')).toHaveLength(3);
    const [{ count }] = await t.sql(`select count(*)::int as count from elder where id_number = $1`, [idNumber]);
    expect(count).toBe(1);
    const [{ audits }] = await t.sql(`select count(*)::int as audits from audit_event where action = 'ELDER_REGISTER' and elder_id = $1`, [
      succeeded[0]!.data!.registerElder.id,
    ]);
    expect(audits).toBe(1);
  });
});
