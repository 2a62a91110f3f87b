import { Scope, type ScopeName } from '@tanfang/schema';
import { FieldErrors } from '../../graphql/errors.js';
import { DisabilityCategory } from '../elders/elder.enums.js';
import { ageOn, isRealDate, parseIdNumber } from '../elders/id-number.js';
import type { AgencyKind } from './agency-kinds.js';
import type { AgencyRecordBase } from './sync.types.js';

/** What a record does to the registry when it arrives (see sync.effects.ts). */
export type Effect = 'DEATH' | 'RESIDENCE' | 'INCAPACITY' | 'DISABILITY' | 'FAMILY_PLANNING' | 'HOUSING_GRADE' | 'URGENT_ALERT' | 'NONE';

export interface RecordKind<T extends AgencyRecordBase = AgencyRecordBase> {
  /** Stored in agency_record.kind. */
  kind: string;
  agency: AgencyKind;
  scope: ScopeName;
  label: string;
  /** The record's own date: provenance, conflicts with a death, and candidate age. */
  effectiveOn: (r: T) => string;
  /** The kind's own fields, as stored in `payload`. */
  payload: (r: T) => Record<string, unknown>;
  validate: (r: T, errors: FieldErrors, today: string) => void;
  effect: Effect;
  /** Whether an unregistered person reported with this record should join the town's survey queue. */
  makesCandidate: (r: T) => boolean;
}

const CATEGORY_DIGIT: Record<DisabilityCategory, string> = {
  VISUAL: '1', HEARING: '2', SPEECH: '3', PHYSICAL: '4', INTELLECTUAL: '5', MENTAL: '6', MULTIPLE: '7',
};

function date(errors: FieldErrors, field: string, value: string | null | undefined, today: string, required = true): void {
  if (value == null) {
    if (required) errors.add(field, '缺少日期', `${field} is required`);
    return;
  }
  if (!isRealDate(value)) errors.add(field, '日期无效，应为 YYYY-MM-DD', `${field} must be a real date, YYYY-MM-DD`);
  else if (value > today) errors.add(field, '日期不能晚于今天', `${field} cannot be in the future`);
}

/** Enumerated values arrive as strings so that one bad record is rejected alone, not the whole batch. */
function oneOf(errors: FieldErrors, field: string, value: unknown, allowed: readonly string[]): void {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    errors.add(field, `取值应为 ${allowed.join('、')} 之一`, `${field} must be one of ${allowed.join(', ')}`);
  }
}

function text(errors: FieldErrors, field: string, value: string | null | undefined, max: number, required = true): void {
  const t = value?.trim() ?? '';
  if (!t && required) errors.add(field, '不能为空', `${field} is required`);
  if (t.length > max) errors.add(field, `最多 ${max} 字`, `${field}: at most ${max} characters`);
}

const pick = <T extends object>(r: T, keys: (keyof T)[]) => Object.fromEntries(keys.map((k) => [k, r[k] ?? null]));

type Any = AgencyRecordBase & Record<string, any>;

export const RECORD_KINDS: Record<string, RecordKind<Any>> = {
  RESIDENCE_CHANGE: {
    kind: 'RESIDENCE_CHANGE', agency: 'POLICE', scope: Scope.AgencyPoliceWrite, label: '户籍/居住地变化',
    effectiveOn: (r) => r.movedOn, payload: (r) => pick(r, ['newRegionCode', 'newAddress', 'movedOn']),
    validate: (r, e, today) => {
      date(e, 'movedOn', r.movedOn, today);
      if (!/^\d{12}$/.test(r.newRegionCode ?? '')) e.add('newRegionCode', '新住址应为12位村（社区）代码', 'newRegionCode must be a 12-digit village code');
      text(e, 'newAddress', r.newAddress, 200, false);
    },
    effect: 'RESIDENCE', makesCandidate: () => false,
  },
  DEATH_REGISTRATION: {
    kind: 'DEATH_REGISTRATION', agency: 'POLICE', scope: Scope.AgencyPoliceWrite, label: '死亡登记',
    effectiveOn: (r) => r.diedOn, payload: (r) => pick(r, ['diedOn', 'certificateNumber']),
    validate: (r, e, today) => {
      date(e, 'diedOn', r.diedOn, today);
      text(e, 'certificateNumber', r.certificateNumber, 50, false);
    },
    effect: 'DEATH', makesCandidate: () => false,
  },
  MISSING_PERSON: {
    kind: 'MISSING_PERSON', agency: 'POLICE', scope: Scope.AgencyPoliceWrite, label: '走失报告',
    effectiveOn: (r) => r.reportedOn, payload: (r) => pick(r, ['reportedOn', 'foundOn']),
    validate: (r, e, today) => {
      date(e, 'reportedOn', r.reportedOn, today);
      date(e, 'foundOn', r.foundOn, today, false);
      if (r.foundOn && r.reportedOn && r.foundOn < r.reportedOn) e.add('foundOn', '找到日期不能早于报告日期', 'foundOn cannot be before reportedOn');
    },
    effect: 'URGENT_ALERT', makesCandidate: (r) => !r.foundOn,
  },
  INCIDENT: {
    kind: 'INCIDENT', agency: 'POLICE', scope: Scope.AgencyPoliceWrite, label: '侵害、诈骗案事件',
    effectiveOn: (r) => r.occurredOn, payload: (r) => pick(r, ['incidentKind', 'occurredOn', 'summary']),
    validate: (r, e, today) => {
      oneOf(e, 'incidentKind', r.incidentKind, ['ABUSE', 'FRAUD']);
      date(e, 'occurredOn', r.occurredOn, today);
      text(e, 'summary', r.summary, 500);
    },
    effect: 'URGENT_ALERT', makesCandidate: (r) => r.incidentKind === 'ABUSE',
  },
  ANTI_FRAUD_OUTREACH: {
    kind: 'ANTI_FRAUD_OUTREACH', agency: 'POLICE', scope: Scope.AgencyPoliceWrite, label: '反诈宣传',
    effectiveOn: (r) => r.deliveredOn, payload: (r) => pick(r, ['deliveredOn', 'topic']),
    validate: (r, e, today) => {
      date(e, 'deliveredOn', r.deliveredOn, today);
      text(e, 'topic', r.topic, 200);
    },
    effect: 'NONE', makesCandidate: () => false,
  },
  RESIDENT_ROLL: {
    // 摸底排查's denominator (底数): who the household register says lives in each village at 60 or over. Never a
    // candidate by itself (age alone is no difficulty); a person with an archive is matched to it. The survey round
    // turns every roll person into a task, and coverage is roll people surveyed ÷ roll people.
    kind: 'RESIDENT_ROLL', agency: 'POLICE', scope: Scope.AgencyPoliceWrite, label: '户籍老年人名册（60周岁以上）',
    effectiveOn: (r) => r.listedOn, payload: (r) => pick(r, ['listedOn']),
    validate: (r, e, today) => {
      date(e, 'listedOn', r.listedOn, today);
      text(e, 'name', r.name, 50);
      if (r.regionCode == null) e.add('regionCode', '请填写户籍所在村（社区）的12位代码', 'regionCode (the 12-digit village of the household register) is required');
      const parsed = parseIdNumber(String(r.idNumber ?? ''), today);
      if (!('problem' in parsed) && r.listedOn && isRealDate(r.listedOn) && ageOn(parsed.birthDate, r.listedOn) < 60) {
        e.add('idNumber', '名册只收60周岁以上的户籍人口（按名册日期计算）', 'The roll lists residents aged 60 or over on listedOn');
      }
    },
    effect: 'NONE', makesCandidate: () => false,
  },
  FAMILY_PLANNING_SPECIAL: {
    kind: 'FAMILY_PLANNING_SPECIAL', agency: 'HEALTH', scope: Scope.AgencyHealthWrite, label: '计划生育特殊家庭',
    effectiveOn: (r) => r.recognizedOn, payload: (r) => pick(r, ['familyPlanningKind', 'recognizedOn']),
    validate: (r, e, today) => {
      oneOf(e, 'familyPlanningKind', r.familyPlanningKind, ['ONLY_CHILD_DISABLED', 'ONLY_CHILD_DECEASED']);
      date(e, 'recognizedOn', r.recognizedOn, today);
    },
    effect: 'FAMILY_PLANNING', makesCandidate: () => true,
  },
  INCAPACITY_ASSESSMENT: {
    kind: 'INCAPACITY_ASSESSMENT', agency: 'HEALTH', scope: Scope.AgencyHealthWrite, label: '失能评估',
    effectiveOn: (r) => r.assessedOn, payload: (r) => pick(r, ['level', 'assessedOn']),
    validate: (r, e, today) => {
      oneOf(e, 'level', r.level, ['NONE', 'PARTIAL', 'FULL']);
      date(e, 'assessedOn', r.assessedOn, today);
    },
    effect: 'INCAPACITY', makesCandidate: (r) => r.level !== 'NONE',
  },
  FAMILY_DOCTOR_CONTRACT: {
    kind: 'FAMILY_DOCTOR_CONTRACT', agency: 'HEALTH', scope: Scope.AgencyHealthWrite, label: '家庭医生签约',
    effectiveOn: (r) => r.signedOn, payload: (r) => pick(r, ['doctorName', 'signedOn', 'expiresOn']),
    validate: (r, e, today) => {
      date(e, 'signedOn', r.signedOn, today);
      text(e, 'doctorName', r.doctorName, 50);
      if (r.expiresOn && (!isRealDate(r.expiresOn) || r.expiresOn <= r.signedOn)) e.add('expiresOn', '到期日期应晚于签约日期', 'expiresOn must be after signedOn');
    },
    effect: 'NONE', makesCandidate: () => false,
  },
  HEALTH_CHECK: {
    kind: 'HEALTH_CHECK', agency: 'HEALTH', scope: Scope.AgencyHealthWrite, label: '老年人健康体检',
    effectiveOn: (r) => r.checkedOn, payload: (r) => pick(r, ['checkedOn', 'summary']),
    validate: (r, e, today) => {
      date(e, 'checkedOn', r.checkedOn, today);
      text(e, 'summary', r.summary, 500, false);
    },
    effect: 'NONE', makesCandidate: () => false,
  },
  CHRONIC_FOLLOW_UP: {
    kind: 'CHRONIC_FOLLOW_UP', agency: 'HEALTH', scope: Scope.AgencyHealthWrite, label: '慢病随访',
    effectiveOn: (r) => r.followedOn, payload: (r) => pick(r, ['disease', 'followedOn']),
    validate: (r, e, today) => {
      date(e, 'followedOn', r.followedOn, today);
      text(e, 'disease', r.disease, 100);
    },
    effect: 'NONE', makesCandidate: () => false,
  },
  DISABILITY_CERTIFICATE: {
    kind: 'DISABILITY_CERTIFICATE', agency: 'DISABILITY', scope: Scope.AgencyDisabilityWrite, label: '残疾人证',
    effectiveOn: (r) => r.cancelledOn ?? r.issuedOn,
    payload: (r) => ({ ...pick(r, ['category', 'grade', 'issuedOn', 'cancelledOn']), certificateNumber: String(r.certificateNumber ?? '').toUpperCase() }),
    validate: (r, e, today) => {
      oneOf(e, 'category', r.category, Object.keys(CATEGORY_DIGIT));
      date(e, 'issuedOn', r.issuedOn, today);
      date(e, 'cancelledOn', r.cancelledOn, today, false);
      if (r.cancelledOn && r.issuedOn && r.cancelledOn < r.issuedOn) e.add('cancelledOn', '注销日期不能早于发证日期', 'cancelledOn cannot be before issuedOn');
      if (!Number.isInteger(r.grade) || r.grade < 1 || r.grade > 4) e.add('grade', '残疾等级应为1至4级', 'grade must be 1 to 4');
      const cert = String(r.certificateNumber ?? '').toUpperCase();
      const expected = `${String(r.idNumber ?? '').toUpperCase()}${CATEGORY_DIGIT[r.category as DisabilityCategory] ?? '?'}${r.grade}`;
      if (cert.length !== 20) e.add('certificateNumber', '残疾人证号应为20位：身份证号加类别、等级各一位', 'certificateNumber must have 20 characters: the ID number, the category digit and the grade digit');
      else if (cert !== expected) {
        e.add('certificateNumber', `残疾人证号与身份证号、类别、等级不符（应为 ${expected.slice(0, 6)}…${expected.slice(-4)}）`, 'certificateNumber does not match the ID number, category and grade');
      }
    },
    effect: 'DISABILITY', makesCandidate: (r) => !r.cancelledOn,
  },
  HOUSING_APPRAISAL: {
    kind: 'HOUSING_APPRAISAL', agency: 'HOUSING', scope: Scope.AgencyHousingWrite, label: '房屋安全鉴定',
    effectiveOn: (r) => r.appraisedOn, payload: (r) => pick(r, ['grade', 'appraisedOn']),
    validate: (r, e, today) => {
      oneOf(e, 'grade', r.grade, ['A', 'B', 'C', 'D']);
      date(e, 'appraisedOn', r.appraisedOn, today);
    },
    effect: 'HOUSING_GRADE', makesCandidate: (r) => r.grade === 'C' || r.grade === 'D',
  },
  HOUSING_RENOVATION: {
    kind: 'HOUSING_RENOVATION', agency: 'HOUSING', scope: Scope.AgencyHousingWrite, label: '危房改造、适老化改造',
    effectiveOn: (r) => r.updatedOn, payload: (r) => pick(r, ['renovationKind', 'status', 'updatedOn']),
    validate: (r, e, today) => {
      oneOf(e, 'renovationKind', r.renovationKind, ['DANGEROUS_HOUSING', 'AGE_FRIENDLY']);
      oneOf(e, 'status', r.status, ['PLANNED', 'IN_PROGRESS', 'DONE']);
      date(e, 'updatedOn', r.updatedOn, today);
    },
    effect: 'NONE', makesCandidate: () => false,
  },
};
