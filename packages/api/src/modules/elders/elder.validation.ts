import { FieldErrors } from '../../graphql/errors.js';
import {
  Assistance,
  Circumstance,
  CIRCUMSTANCE_LABELS,
  CONTACT_PRECEDENCE,
  DERIVED_CIRCUMSTANCES,
  DISABILITY_CATEGORY_CODES,
  DisabilityCategory,
  type ContactKind,
  type ExtremePovertyKind,
  type FamilyPlanningKind,
  type Gender,
  type HelpUnitType,
  type IncapacityLevel,
} from './elder.enums.js';
import type { ArchiveFieldsInput, UpdateElderInput } from './elder.inputs.js';
import { ageOn, isRealDate, parseIdNumber, type IdNumberProblem, type ParsedIdNumber } from './id-number.js';

export const MIN_AGE = 60;
export const MAX_CONTACTS = 10;
export const MAX_MEMBERS = 20;
export const MAX_HELP = 20;

export interface CleanDisability {
  certificateNumber: string | null;
  category: DisabilityCategory | null;
  grade: number | null;
}

export interface CleanContact {
  kind: ContactKind;
  name: string;
  relation: string | null;
  phone: string;
}

export interface CleanMember {
  name: string;
  gender: Gender | null;
  idNumber: string | null;
  relation: string;
  health: string | null;
  assistance: Assistance;
}

export interface CleanHelp {
  unitType: HelpUnitType;
  unitName: string | null;
  measures: string;
}

export interface CleanLiving {
  waterSafe?: boolean | null;
  electricitySafe?: boolean | null;
  housingSafe?: boolean | null;
  householdMonthlyIncome?: number | null;
  monthlyBenefits?: number | null;
  benefitsNote?: string | null;
}

/** Validated, normalized archive fields. A key is present only when the input set it. */
export interface CleanArchive {
  name?: string;
  identity?: ParsedIdNumber;
  regionCode?: string;
  phone?: string | null;
  addressDetail?: string | null;
  livesAtRegisteredResidence?: boolean | null;
  circumstances?: Circumstance[];
  incapacityLevel?: IncapacityLevel | null;
  disability?: CleanDisability | null;
  familyPlanningKind?: FamilyPlanningKind | null;
  extremePovertyKind?: ExtremePovertyKind | null;
  temporaryDifficulty?: string | null;
  temporaryDifficultyUntil?: string | null;
  living?: CleanLiving;
  emergencyContacts?: CleanContact[];
  householdMembers?: CleanMember[];
  helpReceived?: CleanHelp[];
}

const ID_PROBLEMS: Record<IdNumberProblem, [string, string]> = {
  FORMAT: ['身份证号应为 18 位：前 17 位为数字，最后一位为数字或 X', 'An ID number has 18 characters: 17 digits and a digit or X'],
  PROVINCE: ['身份证号前两位不是有效的省级行政区划代码', 'The first two digits of the ID number are not a province code'],
  BIRTH_DATE: ['身份证号中的出生日期（第 7-14 位）不是有效日期', 'The birth date in the ID number (digits 7-14) is not a real date'],
  CHECK_DIGIT: ['身份证号校验位不正确，请核对是否输错', 'The ID number check digit is wrong: look for a typing error'],
};

const PHONE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$/;
const PERSON_NAME = /^[\p{L}\p{M}·•.\s]{1,50}$/u;

export function normalizePhone(raw: string): string {
  return raw.replace(/[\s()（）]/g, '').replace(/^\+?86(?=1)/, '');
}

function text(
  errors: FieldErrors,
  field: string,
  value: string | null | undefined,
  max: number,
  label: [string, string],
  required = false,
): string | null {
  const trimmed = value?.trim() ?? '';
  if (!trimmed) {
    if (required) errors.add(field, `请填写${label[0]}`, `${label[1]} is required`);
    return null;
  }
  if (trimmed.length > max) {
    errors.add(field, `${label[0]}不能超过 ${max} 个字`, `${label[1]} must be at most ${max} characters`);
    return null;
  }
  return trimmed;
}

export function personName(errors: FieldErrors, field: string, value: string | null | undefined, label: [string, string]): string {
  const name = text(errors, field, value, 50, label, true) ?? '';
  if (name && !PERSON_NAME.test(name)) {
    errors.add(field, `${label[0]}只能包含文字、间隔号“·”和空格`, `${label[1]} may contain only letters, "·" and spaces`);
  }
  return name;
}

export function phone(errors: FieldErrors, field: string, value: string, label: [string, string]): string {
  const normalized = normalizePhone(value);
  if (!PHONE.test(normalized)) {
    errors.add(
      field,
      `${label[0]}格式不正确：手机号为 11 位数字，固定电话需带区号（如 0750-2212345）`,
      `${label[1]} is not valid: a mobile number has 11 digits, a landline needs its area code (0750-2212345)`,
    );
  }
  return normalized;
}

function money(errors: FieldErrors, field: string, value: number | null | undefined, label: [string, string]): number | null | undefined {
  if (value === undefined || value === null) return value;
  if (!Number.isFinite(value) || value < 0 || value > 10_000_000) {
    errors.add(field, `${label[0]}应为 0 到 10,000,000 元之间的金额`, `${label[1]} must be an amount from 0 to 10,000,000 yuan`);
    return null;
  }
  return Math.round(value * 100) / 100;
}

export function idNumber(errors: FieldErrors, field: string, raw: string, today: string): ParsedIdNumber | null {
  const parsed = parseIdNumber(raw, today);
  if ('problem' in parsed) {
    const [zh, en] = ID_PROBLEMS[parsed.problem];
    errors.add(field, zh, en);
    return null;
  }
  return parsed;
}

function disability(
  errors: FieldErrors,
  input: NonNullable<ArchiveFieldsInput['disability']>,
  elderIdNumber: string | null,
): CleanDisability {
  let category = input.category ?? null;
  let grade = input.grade ?? null;
  if (grade !== null && (!Number.isInteger(grade) || grade < 1 || grade > 4)) {
    errors.add('disability.grade', '残疾等级应为 1 到 4 级', 'Disability grade must be 1 to 4');
    grade = null;
  }
  const cert = input.certificateNumber?.trim().toUpperCase() || null;
  if (cert) {
    const field = 'disability.certificateNumber';
    const categoryDigit = Number(cert[18]);
    const gradeDigit = Number(cert[19]);
    if (!/^\d{17}[\dX]\d{2}$/.test(cert) || categoryDigit < 1 || categoryDigit > 7 || gradeDigit < 1 || gradeDigit > 4) {
      errors.add(
        field,
        '残疾人证号应为 20 位：18 位身份证号 + 残疾类别（1-7）+ 残疾等级（1-4）',
        'A disability certificate number has 20 characters: the ID number, the category (1-7) and the grade (1-4)',
      );
    } else {
      if (elderIdNumber && cert.slice(0, 18) !== elderIdNumber) {
        errors.add(field, '残疾人证号的前 18 位应与本人身份证号一致', 'The first 18 characters must be the elder\'s ID number');
      }
      const certCategory = (Object.keys(DISABILITY_CATEGORY_CODES) as DisabilityCategory[]).find(
        (c) => DISABILITY_CATEGORY_CODES[c] === categoryDigit,
      )!;
      if (category && category !== certCategory) {
        errors.add('disability.category', '残疾类别与残疾人证号第 19 位不一致', 'The category does not match digit 19 of the certificate');
      }
      if (grade && grade !== gradeDigit) {
        errors.add('disability.grade', '残疾等级与残疾人证号第 20 位不一致', 'The grade does not match digit 20 of the certificate');
      }
      category = certCategory;
      grade = gradeDigit;
    }
  }
  return { certificateNumber: cert, category, grade };
}

interface ValidateOptions {
  today: string;
  /** The archive's current ID number (update), to check a certificate number against. */
  currentIdNumber?: string;
  register: boolean;
}

/**
 * Validates and normalizes archive input. Collects every problem and throws one BAD_USER_INPUT listing them
 * (`extensions.fieldErrors`), so a form can mark all wrong fields at once.
 */
export function validateArchive(input: ArchiveFieldsInput & Partial<UpdateElderInput>, options: ValidateOptions): CleanArchive {
  const errors = new FieldErrors();
  const clean: CleanArchive = {};
  const { today } = options;

  if (options.register || input.name !== undefined) {
    clean.name = personName(errors, 'name', input.name, ['姓名', 'Name']);
  }
  if (options.register || input.idNumber !== undefined) {
    if (!input.idNumber?.trim()) errors.add('idNumber', '请填写公民身份号码', 'The ID number is required');
    else {
      const parsed = idNumber(errors, 'idNumber', input.idNumber, today);
      if (parsed) {
        const age = ageOn(parsed.birthDate, today);
        if (age < MIN_AGE) {
          errors.add(
            'idNumber',
            `按身份证号计算，该老人现年 ${age} 周岁，未满 ${MIN_AGE} 周岁，不属于特殊困难老年人登记范围`,
            `By the ID number the person is ${age}, under ${MIN_AGE}: not eligible for this registry`,
          );
        } else clean.identity = parsed;
      }
    }
  }
  if (options.register || input.regionCode !== undefined) {
    if (!input.regionCode?.trim()) errors.add('regionCode', '请选择所在村（社区）', 'Choose the village or community');
    else clean.regionCode = input.regionCode.trim();
  }

  if (input.phone !== undefined) {
    clean.phone = input.phone?.trim() ? phone(errors, 'phone', input.phone, ['联系电话', 'Phone']) : null;
  }
  if (input.addressDetail !== undefined) {
    clean.addressDetail = text(errors, 'addressDetail', input.addressDetail, 200, ['详细地址', 'Address detail']);
  }
  if (input.livesAtRegisteredResidence !== undefined) clean.livesAtRegisteredResidence = input.livesAtRegisteredResidence;

  if (input.circumstances !== undefined) {
    const list = input.circumstances ?? [];
    for (const c of list) {
      if (DERIVED_CIRCUMSTANCES.has(c)) {
        errors.add(
          'circumstances',
          `“${CIRCUMSTANCE_LABELS[c]}”由系统自动判断，无需勾选`,
          `${c} is derived by the system and cannot be set`,
        );
      }
    }
    clean.circumstances = [...new Set(list.filter((c) => !DERIVED_CIRCUMSTANCES.has(c)))];
  }
  if (input.incapacityLevel !== undefined) clean.incapacityLevel = input.incapacityLevel;
  if (input.familyPlanningKind !== undefined) clean.familyPlanningKind = input.familyPlanningKind;
  if (input.extremePovertyKind !== undefined) clean.extremePovertyKind = input.extremePovertyKind;
  if (input.temporaryDifficulty !== undefined) {
    clean.temporaryDifficulty = text(errors, 'temporaryDifficulty', input.temporaryDifficulty, 200, ['临时困难情况', 'Temporary difficulty']);
  }
  if (input.temporaryDifficultyUntil !== undefined) {
    const until = input.temporaryDifficultyUntil?.trim() || null;
    if (until !== null && !isRealDate(until)) {
      errors.add('temporaryDifficultyUntil', '临时困难预计结束日期无效，应为 YYYY-MM-DD', 'temporaryDifficultyUntil must be a real date, YYYY-MM-DD');
    } else if (until !== null && until < '2000-01-01') {
      errors.add('temporaryDifficultyUntil', '临时困难预计结束日期不能早于2000年', 'temporaryDifficultyUntil cannot be before 2000');
    } else if (until !== null && (input.temporaryDifficulty === null || (input.temporaryDifficulty !== undefined && !input.temporaryDifficulty.trim()) ||
               (options.register && !input.temporaryDifficulty?.trim()))) {
      // An end date belongs to a difficulty: without one it would be cleared silently.
      errors.add('temporaryDifficultyUntil', '填写预计结束日期时，请同时填写临时困难情况', 'temporaryDifficultyUntil needs temporaryDifficulty (what the difficulty is)');
    }
    clean.temporaryDifficultyUntil = until;
  }
  if (input.disability !== undefined) {
    const elderId = clean.identity?.idNumber ?? options.currentIdNumber ?? null;
    clean.disability = input.disability ? disability(errors, input.disability, elderId) : null;
  }

  if (input.livingConditions) {
    const l = input.livingConditions;
    const living: CleanLiving = {};
    if (l.waterSafe !== undefined) living.waterSafe = l.waterSafe;
    if (l.electricitySafe !== undefined) living.electricitySafe = l.electricitySafe;
    if (l.housingSafe !== undefined) living.housingSafe = l.housingSafe;
    if (l.householdMonthlyIncome !== undefined) {
      living.householdMonthlyIncome = money(errors, 'livingConditions.householdMonthlyIncome', l.householdMonthlyIncome, ['家庭每月收入', 'Monthly household income']);
    }
    if (l.monthlyBenefits !== undefined) {
      living.monthlyBenefits = money(errors, 'livingConditions.monthlyBenefits', l.monthlyBenefits, ['每月领取补贴', 'Monthly benefits']);
    }
    if (l.benefitsNote !== undefined) {
      living.benefitsNote = text(errors, 'livingConditions.benefitsNote', l.benefitsNote, 500, ['补贴说明', 'Benefits note']);
    }
    clean.living = living;
  }

  if (input.emergencyContacts !== undefined) {
    const list = input.emergencyContacts ?? [];
    if (list.length > MAX_CONTACTS) {
      errors.add('emergencyContacts', `紧急联系人最多 ${MAX_CONTACTS} 位`, `At most ${MAX_CONTACTS} emergency contacts`);
    }
    const contacts = list.slice(0, MAX_CONTACTS).map((c, i) => ({
      kind: c.kind,
      name: personName(errors, `emergencyContacts.${i}.name`, c.name, ['紧急联系人姓名', 'Contact name']),
      relation: text(errors, `emergencyContacts.${i}.relation`, c.relation, 20, ['与老人关系', 'Relation']),
      phone: phone(errors, `emergencyContacts.${i}.phone`, c.phone ?? '', ['紧急联系人电话', 'Contact phone']),
    }));
    // Children first, then relatives, then the village committee (stable within a kind).
    clean.emergencyContacts = contacts
      .map((c, i) => ({ c, i }))
      .sort((a, b) => CONTACT_PRECEDENCE[a.c.kind] - CONTACT_PRECEDENCE[b.c.kind] || a.i - b.i)
      .map(({ c }) => c);
  }

  if (input.householdMembers !== undefined) {
    const list = input.householdMembers ?? [];
    if (list.length > MAX_MEMBERS) {
      errors.add('householdMembers', `家庭成员最多 ${MAX_MEMBERS} 人`, `At most ${MAX_MEMBERS} household members`);
    }
    clean.householdMembers = list.slice(0, MAX_MEMBERS).map((m, i) => {
      const parsed = m.idNumber?.trim() ? idNumber(errors, `householdMembers.${i}.idNumber`, m.idNumber, today) : null;
      if (parsed && m.gender && m.gender !== parsed.gender) {
        errors.add(`householdMembers.${i}.gender`, '性别与身份证号不一致', 'Gender does not match the ID number');
      }
      return {
        name: personName(errors, `householdMembers.${i}.name`, m.name, ['家庭成员姓名', 'Member name']),
        gender: parsed?.gender ?? m.gender ?? null,
        idNumber: parsed?.idNumber ?? null,
        relation: text(errors, `householdMembers.${i}.relation`, m.relation, 20, ['与户主关系', 'Relation to householder'], true) ?? '',
        health: text(errors, `householdMembers.${i}.health`, m.health, 50, ['健康状况', 'Health']),
        assistance: m.assistance ?? Assistance.NONE,
      };
    });
  }

  if (input.helpReceived !== undefined) {
    const list = input.helpReceived ?? [];
    if (list.length > MAX_HELP) errors.add('helpReceived', `帮扶记录最多 ${MAX_HELP} 条`, `At most ${MAX_HELP} help records`);
    clean.helpReceived = list.slice(0, MAX_HELP).map((h, i) => ({
      unitType: h.unitType,
      unitName: text(errors, `helpReceived.${i}.unitName`, h.unitName, 100, ['帮扶单位名称', 'Unit name']),
      measures: text(errors, `helpReceived.${i}.measures`, h.measures, 500, ['帮扶措施', 'Measures'], true) ?? '',
    }));
  }

  errors.throwIfAny();
  return clean;
}

/** A free-text reason or note with its bounds (close, reopen, refusal, reveal purpose). */
export function requiredText(field: string, value: string | null | undefined, min: number, max: number, label: [string, string]): string {
  const errors = new FieldErrors();
  const trimmed = checkText(errors, field, value, min, max, label);
  errors.throwIfAny();
  return trimmed;
}

function checkText(errors: FieldErrors, field: string, value: string | null | undefined, min: number, max: number, label: [string, string]): string {
  const trimmed = value?.trim() ?? '';
  if (trimmed.length < min) {
    errors.add(field, `请填写${label[0]}（至少 ${min} 个字）`, `${label[1]} is required (at least ${min} characters)`);
  } else if (trimmed.length > max) {
    errors.add(field, `${label[0]}不能超过 ${max} 个字`, `${label[1]} must be at most ${max} characters`);
  }
  return trimmed;
}

/** A date that has happened (not after today) and not before `earliest`. */
export function pastDate(field: string, value: string, today: string, earliest: string, label: [string, string]): string {
  const errors = new FieldErrors();
  checkPastDate(errors, field, value, today, earliest, label);
  errors.throwIfAny();
  return value;
}

function checkPastDate(errors: FieldErrors, field: string, value: string, today: string, earliest: string, label: [string, string]): void {
  if (value > today) errors.add(field, `${label[0]}不能晚于今天（${today}）`, `${label[1]} cannot be after today (${today})`);
  else if (value < earliest) {
    errors.add(field, `${label[0]}不能早于 ${earliest}`, `${label[1]} cannot be before ${earliest}`);
  }
}

export interface CleanRefusal {
  refusedOn: string;
  reason: string;
  talkedWith: string;
}

/**
 * A written refusal (意愿: does not accept visiting service), every problem at once: the reason (2-500 characters),
 * who talked with the elder (1-50), the date neither in the future nor before the elder's birth. recordRefusal and
 * the elder import both check a refusal here; `prefix` is the input path ("refusal." in an import record).
 */
export function validateRefusal(
  input: { refusedOn: string; reason: string; talkedWith: string },
  today: string,
  birthDate: string,
  prefix = '',
): CleanRefusal {
  const errors = new FieldErrors();
  const reason = checkText(errors, `${prefix}reason`, input.reason, 2, 500, ['拒绝原因', 'The reason']);
  const talkedWith = checkText(errors, `${prefix}talkedWith`, input.talkedWith, 1, 50, ['沟通人员', 'Who talked with the elder']);
  checkPastDate(errors, `${prefix}refusedOn`, input.refusedOn, today, birthDate, ['拒绝日期', 'The refusal date']);
  errors.throwIfAny();
  return { refusedOn: input.refusedOn, reason, talkedWith };
}
