import type { TestApp, TestUser } from './app.js';
import { idNumberFor, ok, REGIONS } from './app.js';

export const ELDER_FIELDS = `
  id name gender birthDate idNumber phone version status statusDate statusReason acceptsVisits
  circumstances incapacityLevel familyPlanningKind extremePovertyKind temporaryDifficulty addressDetail
  region { code name level }
  disability { certificateNumber category grade severe }
  livingConditions { waterSafe electricitySafe housingSafe householdMonthlyIncome monthlyBenefits benefitsNote }
  emergencyContacts { id kind name relation phone }
  householdMembers { id name gender idNumber relation health assistance }
  helpReceived { id unitType unitName measures }
  refusals { id refusedOn reason talkedWith withdrawnOn }
`;

export const REGISTER = `mutation Register($input: RegisterElderInput!) { registerElder(input: $input) { ${ELDER_FIELDS} } }`;
export const UPDATE = `mutation Update($id: ID!, $version: Int!, $input: UpdateElderInput!) {
  updateElder(id: $id, version: $version, input: $input) { ${ELDER_FIELDS} } }`;
export const GET = `query Get($id: ID!) { elder(id: $id) { ${ELDER_FIELDS} } }`;

export interface ElderData {
  id: string;
  name: string;
  version: number;
  idNumber: string;
  [key: string]: any;
}

/** Registers an elder through the API (as a real client would) and returns it. */
export async function registerElder(
  t: TestApp,
  as: TestUser,
  input: Partial<Record<string, unknown>> = {},
): Promise<ElderData & { fullIdNumber: string }> {
  const idNumber = (input.idNumber as string) ?? idNumberFor('1950-03-15', true);
  const result = await t.exec<{ registerElder: ElderData }>(as, REGISTER, {
    input: { name: '关国华', regionCode: REGIONS.villageA1, ...input, idNumber },
  });
  return { ...ok(result).registerElder, fullIdNumber: idNumber };
}
