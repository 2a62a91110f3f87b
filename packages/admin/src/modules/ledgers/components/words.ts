// The official wording and order of every option on the paper forms (seed 001's 记录表, Kaiping's 登记表), so a
// printed sheet shows the words an inspector knows, never a code.
export const YES_NO = [
  { value: true, label: '是' },
  { value: false, label: '否' },
] as const;
export const METHODS = [
  { value: 'PHONE', label: '电话问候' },
  { value: 'HOME', label: '上门探访' },
  { value: 'VIDEO', label: '互联网音（视）频探访' },
  { value: 'REMOTE', label: '远程监测' },
  { value: 'OTHER', label: '其他' },
] as const;
export const TREND = [
  { value: 'UNCHANGED', label: '无变化' },
  { value: 'BETTER', label: '较好' },
  { value: 'WORSE', label: '较差' },
] as const;
export const SAFETY = [
  { value: 'SAFE', label: '安全' },
  { value: 'FAIRLY_SAFE', label: '较安全' },
  { value: 'UNSAFE', label: '不安全' },
] as const;
export const SATISFACTION = [
  { value: 'VERY_SATISFIED', label: '非常满意' },
  { value: 'SATISFIED', label: '满意' },
  { value: 'NEUTRAL', label: '一般' },
  { value: 'DISSATISFIED', label: '不满意' },
] as const;
export const HELP_UNITS = [
  { value: 'PARTY_GOVERNMENT', label: '党政机关、群团组织' },
  { value: 'STREET_VILLAGE_COMMITTEE', label: '乡镇（街道）、村（居）民委员会' },
  { value: 'ENTERPRISE', label: '企业' },
  { value: 'SOCIAL_ORGANIZATION', label: '社会组织' },
  { value: 'PROFESSIONAL_SOCIAL_WORKER', label: '专业社会工作者' },
  { value: 'OTHER', label: '其他' },
] as const;
export const GENDER: Record<string, string> = { MALE: '男', FEMALE: '女' };
export const ASSISTANCE: Record<string, string> = { NONE: '否', MINIMUM_ALLOWANCE: '低保对象', EXTREME_POVERTY: '特困人员' };
export const CARE_KIND: Record<string, string> = {
  CLEANING: '打扫卫生',
  LAUNDRY: '洗衣服',
  HAIRCUT: '理发',
  MEAL: '助餐',
  MEDICAL: '助医',
  ERRAND: '代办',
  OTHER: '其他',
};

/** A date as the paper form writes it: 2026年11月10日. */
export function paperDate(day: string | null | undefined): string {
  if (!day) return '　　年　　月　　日';
  const [y, m, d] = day.slice(0, 10).split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** Money as on the form: 1200 → 1200.00 元; nothing recorded leaves the cell for the pen. */
export function yuan(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : `${value.toFixed(2)} 元`;
}
