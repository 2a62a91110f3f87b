import elderZh from '../modules/elders/locales/zh-CN';
import visitZh from '../modules/visits/locales/zh-CN';

// The Chinese labels the console already shows for the API's enumerations: a spreadsheet value is read by them, so
// the words of the template are the words of the forms.
const e = elderZh.elderDetail;
const v = visitZh.visitForm;

export const LABELS = {
  gender: { MALE: '男', FEMALE: '女' },
  // CIRCUMSTANCE_LABELS of packages/api/src/modules/elders/elder.enums.ts, less the two the system derives.
  circumstance: {
    LIVING_ALONE: '独居',
    EMPTY_NEST: '空巢（仅老年夫妇居住）',
    LEFT_BEHIND: '留守（子女长期在外）',
    PURE_ELDERLY_HOUSEHOLD: '纯老家庭',
    INCAPACITATED: '失能',
    DEMENTIA: '失智',
    DISABLED: '残疾',
    FAMILY_PLANNING_SPECIAL: '计划生育特殊家庭',
    MINIMUM_ALLOWANCE: '低保',
    EXTREME_POVERTY: '特困供养',
    CARER_OF_DEPENDENT_CHILD: '长期照料失能、失智子女',
    TEMPORARY_DIFFICULTY: '阶段性临时困难',
  },
  incapacityLevel: e.incapacityLevel,
  disabilityCategory: e.disabilityCategory,
  familyPlanningKind: e.familyPlanningKind,
  extremePovertyKind: e.extremePovertyKind,
  contactKind: e.contactKind,
  assistance: e.assistance,
  helpUnitType: e.helpUnitType,
  visitMethod: v.method,
  trend: v.trend,
  safety: v.safety,
  disease: v.disease,
  householdChange: v.householdChange,
  satisfaction: v.satisfaction,
  careKind: v.careKind,
} as const;
