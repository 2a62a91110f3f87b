import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, fieldsOf, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { GET, registerElder } from '../helpers/elders.js';

let t: TestApp;
let town: TestUser;
let elder: Awaited<ReturnType<typeof registerElder>>;
const REVEAL = `mutation($id: ID!, $purpose: String!) { revealElderIdentity(elderId: $id, purpose: $purpose) {
  elderId idNumber phone disabilityCertificateNumber emergencyContacts { name phone } householdMembers { name idNumber } } }`;

beforeAll(async () => {
  t = await createTestApp();
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
  const id = idNumberFor('1942-06-18');
  elder = await registerElder(t, town, {
    idNumber: id,
    phone: '13812345678',
    disability: { certificateNumber: `${id}11` },
    emergencyContacts: [{ kind: 'CHILD', name: '关儿', phone: '13987654321' }],
    householdMembers: [{ name: '关国华', relation: '户主', idNumber: id }],
  });
});
afterAll(() => t.close());

describe('masking by default', () => {
  it('masks ID numbers, phones and certificate numbers in every place an archive shows them', async () => {
    const read = ok(await t.exec<any>(town, GET, { id: elder.id })).elder;
    const tail = elder.fullIdNumber.slice(-4);
    expect(read.idNumber).toBe(`440783********${tail}`);
    expect(read.phone).toBe('138****5678');
    expect(read.disability.certificateNumber).toBe(`440783********${tail}11`);
    expect(read.emergencyContacts[0].phone).toBe('139****4321');
    expect(read.householdMembers[0].idNumber).toBe(`440783********${tail}`);
    const listed = ok(await t.exec<any>(town, `{ elders { nodes { idNumber phone } } }`)).elders.nodes[0];
    expect(listed).toEqual({ idNumber: `440783********${tail}`, phone: '138****5678' });
    // Nothing in the response carries the full number.
    expect(JSON.stringify(read)).not.toContain(elder.fullIdNumber.slice(6, 14));
  });

  it('still finds an archive by its full ID number or its last digits', async () => {
    const full = ok(await t.exec<any>(town, `query($t: String) { elders(filter: { text: $t }) { nodes { id } } }`, { t: elder.fullIdNumber }));
    expect(full.elders.nodes).toEqual([{ id: elder.id }]);
    const lower = ok(await t.exec<any>(town, `query($t: String) { elders(filter: { text: $t }) { nodes { id } } }`, { t: elder.fullIdNumber.slice(-6).toLowerCase() }));
    expect(lower.elders.nodes).toEqual([{ id: elder.id }]);
  });
});

describe('revealElderIdentity', () => {
  it('gives the full values for a stated purpose and audits the purpose', async () => {
    const revealed = ok(await t.exec<any>(town, REVEAL, { id: elder.id, purpose: '上门探访前电话确认' })).revealElderIdentity;
    expect(revealed).toEqual({
      elderId: elder.id,
      idNumber: elder.fullIdNumber,
      phone: '13812345678',
      disabilityCertificateNumber: `${elder.fullIdNumber}11`,
      emergencyContacts: [{ name: '关儿', phone: '13987654321' }],
      householdMembers: [{ name: '关国华', idNumber: elder.fullIdNumber }],
    });
    const rows = await t.sql(`select actor_id, purpose, region_code from audit_event where action = 'IDENTITY_REVEAL' and elder_id = $1`, [elder.id]);
    expect(rows).toEqual([{ actor_id: town.id, purpose: '上门探访前电话确认', region_code: REGIONS.villageA1 }]);
  });

  it('needs a purpose of 2 to 200 characters, and writes nothing without one', async () => {
    for (const purpose of ['', ' ', '看', 'x'.repeat(201)]) {
      const result = await t.exec(town, REVEAL, { id: elder.id, purpose });
      expect(codeOf(result)).toBe('BAD_USER_INPUT');
      expect(fieldsOf(result)).toEqual(['purpose']);
    }
    const rows = await t.sql(`select count(*)::int as n from audit_event where action = 'IDENTITY_REVEAL' and elder_id = $1`, [elder.id]);
    expect(rows[0]!.n).toBe(1);
  });

  it('is refused to a role without the reveal scope', async () => {
    const auditor = await t.user('AUDITOR', REGIONS.city);
    expect(codeOf(await t.exec(auditor, REVEAL, { id: elder.id, purpose: '核对身份' }))).toBe('FORBIDDEN');
  });
});
