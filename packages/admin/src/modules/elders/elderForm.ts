import type {
  Assistance,
  Circumstance,
  ContactKind,
  DisabilityCategory,
  ElderArchiveFieldsFragment,
  ExtremePovertyKind,
  FamilyPlanningKind,
  Gender,
  HelpUnitType,
  IncapacityLevel,
  RegisterElderInput,
  RevealElderIdentityMutation,
  UpdateElderInput,
} from '../../gql/graphql';

/** The status actions of the detail page. */
export type ElderAction = 'close' | 'reopen' | 'refusal' | 'withdraw';

/** The 基本信息登记表 as the form edits it; shaped like the API input so server field paths match form item props. */
export interface ElderFormState {
  name: string;
  idNumber: string;
  regionCode: string | null;
  phone: string;
  addressDetail: string;
  livesAtRegisteredResidence: boolean | null;
  circumstances: Circumstance[];
  incapacityLevel: IncapacityLevel | null;
  familyPlanningKind: FamilyPlanningKind | null;
  extremePovertyKind: ExtremePovertyKind | null;
  temporaryDifficulty: string;
  /** YYYY-MM-DD or null: when the temporary difficulty is expected to end (动态管理). */
  temporaryDifficultyUntil: string | null;
  disability: { certificateNumber: string; category: DisabilityCategory | null; grade: number | null };
  emergencyContacts: { kind: ContactKind; name: string; relation: string; phone: string }[];
  householdMembers: { name: string; gender: Gender | null; idNumber: string; relation: string; health: string; assistance: Assistance }[];
  livingConditions: {
    waterSafe: boolean | null;
    electricitySafe: boolean | null;
    housingSafe: boolean | null;
    householdMonthlyIncome: number | null;
    monthlyBenefits: number | null;
    benefitsNote: string;
  };
  helpReceived: { unitType: HelpUnitType; unitName: string; measures: string }[];
}

/** Circumstances the system derives (from the birth date and the disability grade): never ticked by hand. */
export const DERIVED: readonly Circumstance[] = ['AGED_80_PLUS', 'SEVERELY_DISABLED'];

export function emptyForm(): ElderFormState {
  return {
    name: '',
    idNumber: '',
    regionCode: null,
    phone: '',
    addressDetail: '',
    livesAtRegisteredResidence: true,
    circumstances: [],
    incapacityLevel: null,
    familyPlanningKind: null,
    extremePovertyKind: null,
    temporaryDifficulty: '',
    temporaryDifficultyUntil: null,
    disability: { certificateNumber: '', category: null, grade: null },
    emergencyContacts: [],
    householdMembers: [],
    livingConditions: { waterSafe: null, electricitySafe: null, housingSafe: null, householdMonthlyIncome: null, monthlyBenefits: null, benefitsNote: '' },
    helpReceived: [],
  };
}

export function newContact(): ElderFormState['emergencyContacts'][number] {
  return { kind: 'CHILD', name: '', relation: '', phone: '' };
}

export function newMember(): ElderFormState['householdMembers'][number] {
  return { name: '', gender: null, idNumber: '', relation: '', health: '', assistance: 'NONE' };
}

export function newHelp(): ElderFormState['helpReceived'][number] {
  return { unitType: 'STREET_VILLAGE_COMMITTEE', unitName: '', measures: '' };
}

const trimmed = (s: string) => s.trim() || null;

/**
 * The form filled from an archive. Identity values are masked in the archive: they stay empty (not editable) until
 * the user reveals them, which fills them from `identity`.
 */
export function formFromArchive(e: ElderArchiveFieldsFragment, identity: RevealElderIdentityMutation['revealElderIdentity'] | null): ElderFormState {
  const contactPhone = new Map(identity?.emergencyContacts.map((c) => [c.id, c.phone]) ?? []);
  const memberId = new Map(identity?.householdMembers.map((m) => [m.id, m.idNumber ?? '']) ?? []);
  return {
    name: e.name,
    idNumber: identity?.idNumber ?? '',
    // The picker cannot show a lazily loaded village it has not opened: null means "unchanged" in an edit.
    regionCode: null,
    phone: identity ? (identity.phone ?? '') : '',
    addressDetail: e.addressDetail ?? '',
    livesAtRegisteredResidence: e.livesAtRegisteredResidence ?? null,
    circumstances: e.circumstances.filter((c) => !DERIVED.includes(c)),
    incapacityLevel: e.incapacityLevel ?? null,
    familyPlanningKind: e.familyPlanningKind ?? null,
    extremePovertyKind: e.extremePovertyKind ?? null,
    temporaryDifficulty: e.temporaryDifficulty ?? '',
    temporaryDifficultyUntil: e.temporaryDifficultyUntil ?? null,
    disability: {
      certificateNumber: identity ? (identity.disabilityCertificateNumber ?? '') : '',
      category: e.disability?.category ?? null,
      grade: e.disability?.grade ?? null,
    },
    emergencyContacts: e.emergencyContacts.map((c) => ({
      kind: c.kind,
      name: c.name,
      relation: c.relation ?? '',
      phone: contactPhone.get(c.id) ?? '',
    })),
    householdMembers: e.householdMembers.map((m) => ({
      name: m.name,
      gender: m.gender ?? null,
      idNumber: memberId.get(m.id) ?? '',
      relation: m.relation,
      health: m.health ?? '',
      assistance: m.assistance,
    })),
    livingConditions: {
      waterSafe: e.livingConditions.waterSafe ?? null,
      electricitySafe: e.livingConditions.electricitySafe ?? null,
      housingSafe: e.livingConditions.housingSafe ?? null,
      householdMonthlyIncome: e.livingConditions.householdMonthlyIncome ?? null,
      monthlyBenefits: e.livingConditions.monthlyBenefits ?? null,
      benefitsNote: e.livingConditions.benefitsNote ?? '',
    },
    helpReceived: e.helpReceived.map((h) => ({ unitType: h.unitType, unitName: h.unitName ?? '', measures: h.measures })),
  };
}

function contacts(f: ElderFormState) {
  return f.emergencyContacts.map((c) => ({ kind: c.kind, name: c.name.trim(), relation: trimmed(c.relation), phone: c.phone.trim() }));
}

function members(f: ElderFormState) {
  return f.householdMembers.map((m) => ({
    name: m.name.trim(),
    gender: m.gender,
    idNumber: trimmed(m.idNumber)?.toUpperCase() ?? null,
    relation: m.relation.trim(),
    health: trimmed(m.health),
    assistance: m.assistance,
  }));
}

function help(f: ElderFormState) {
  return f.helpReceived.map((h) => ({ unitType: h.unitType, unitName: trimmed(h.unitName), measures: h.measures.trim() }));
}

function living(f: ElderFormState) {
  const l = f.livingConditions;
  return {
    waterSafe: l.waterSafe,
    electricitySafe: l.electricitySafe,
    housingSafe: l.housingSafe,
    householdMonthlyIncome: l.householdMonthlyIncome,
    monthlyBenefits: l.monthlyBenefits,
    benefitsNote: trimmed(l.benefitsNote),
  };
}

function disability(f: ElderFormState) {
  const d = f.disability;
  const cert = trimmed(d.certificateNumber)?.toUpperCase() ?? null;
  if (!cert && !d.category && !d.grade) return null;
  return { certificateNumber: cert, category: d.category, grade: d.grade };
}

export function registerInput(f: ElderFormState): RegisterElderInput {
  return {
    name: f.name.trim(),
    idNumber: f.idNumber.trim().toUpperCase(),
    regionCode: f.regionCode ?? '',
    phone: trimmed(f.phone),
    addressDetail: trimmed(f.addressDetail),
    livesAtRegisteredResidence: f.livesAtRegisteredResidence,
    circumstances: f.circumstances,
    incapacityLevel: f.incapacityLevel,
    familyPlanningKind: f.familyPlanningKind,
    extremePovertyKind: f.extremePovertyKind,
    temporaryDifficulty: trimmed(f.temporaryDifficulty),
    temporaryDifficultyUntil: trimmed(f.temporaryDifficulty) ? f.temporaryDifficultyUntil : null,
    disability: disability(f),
    emergencyContacts: contacts(f),
    householdMembers: members(f),
    livingConditions: living(f),
    helpReceived: help(f),
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Only what changed, against the form as it was loaded: omitted fields stay as they are on the server, so an edit
 * never writes back a value the user did not touch (nor a masked one). `unlocked`: the identity values were revealed
 * and may be sent.
 */
export function updateInput(before: ElderFormState, after: ElderFormState, unlocked: boolean, hasCertificate: boolean): UpdateElderInput {
  const input: UpdateElderInput = {};
  if (after.name.trim() !== before.name.trim()) input.name = after.name.trim();
  if (after.regionCode) input.regionCode = after.regionCode;
  if (unlocked) {
    if (after.idNumber.trim().toUpperCase() !== before.idNumber.trim().toUpperCase()) input.idNumber = after.idNumber.trim().toUpperCase();
    if (after.phone.trim() !== before.phone.trim()) input.phone = trimmed(after.phone);
    if (!same(contacts(after), contacts(before))) input.emergencyContacts = contacts(after);
    if (!same(members(after), members(before))) input.householdMembers = members(after);
  }
  if (unlocked || !hasCertificate) {
    if (!same(disability(after), disability(before))) input.disability = disability(after);
  }
  if (trimmed(after.addressDetail) !== trimmed(before.addressDetail)) input.addressDetail = trimmed(after.addressDetail);
  if (after.livesAtRegisteredResidence !== before.livesAtRegisteredResidence) input.livesAtRegisteredResidence = after.livesAtRegisteredResidence;
  if (!same([...after.circumstances].sort(), [...before.circumstances].sort())) input.circumstances = after.circumstances;
  if (after.incapacityLevel !== before.incapacityLevel) input.incapacityLevel = after.incapacityLevel;
  if (after.familyPlanningKind !== before.familyPlanningKind) input.familyPlanningKind = after.familyPlanningKind;
  if (after.extremePovertyKind !== before.extremePovertyKind) input.extremePovertyKind = after.extremePovertyKind;
  if (trimmed(after.temporaryDifficulty) !== trimmed(before.temporaryDifficulty)) input.temporaryDifficulty = trimmed(after.temporaryDifficulty);
  if (after.temporaryDifficultyUntil !== before.temporaryDifficultyUntil && trimmed(after.temporaryDifficulty)) input.temporaryDifficultyUntil = after.temporaryDifficultyUntil;
  if (!same(living(after), living(before))) input.livingConditions = living(after);
  if (!same(help(after), help(before))) input.helpReceived = help(after);
  return input;
}
