import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Findings of a visit record that raise an alert by themselves (DOMAIN.md section 7). Danger to life or property is
 * URGENT (acknowledge within 2 hours); the rest is NORMAL (3 days). Kept as data so a city can tune them.
 */
export const REFERENCE_ALERT_RULES = [
  { code: 'GAS_UNSAFE', finding: 'gasSafety', value: 'UNSAFE', severity: 'URGENT', title: '燃气使用不安全', titleEn: 'Gas use unsafe', referral: null },
  { code: 'ELECTRICITY_UNSAFE', finding: 'electricitySafety', value: 'UNSAFE', severity: 'URGENT', title: '用电不安全', titleEn: 'Electricity unsafe', referral: null },
  { code: 'WATER_HEATING_UNSAFE', finding: 'waterHeatingSafety', value: 'UNSAFE', severity: 'NORMAL', title: '水暖不安全', titleEn: 'Water or heating unsafe', referral: 'HOUSING' },
  { code: 'HOUSING_UNSAFE', finding: 'housingUnsafe', value: 'true', severity: 'URGENT', title: '住房存在安全隐患', titleEn: 'Housing unsafe', referral: 'HOUSING' },
  { code: 'SERIOUS_ILLNESS', finding: 'disease', value: 'SERIOUS', severity: 'URGENT', title: '患严重疾病', titleEn: 'Serious illness', referral: 'HEALTH' },
  { code: 'UNATTENDED', finding: 'unattended', value: 'true', severity: 'URGENT', title: '无人照料', titleEn: 'No one is caring for the elder', referral: 'SOCIAL_WORKER' },
  { code: 'MOOD_WORSE', finding: 'mood', value: 'WORSE', severity: 'NORMAL', title: '情绪状态变差', titleEn: 'Mood worse', referral: 'COUNSELLOR' },
  { code: 'MOBILITY_WORSE', finding: 'mobility', value: 'WORSE', severity: 'NORMAL', title: '行动能力变差', titleEn: 'Mobility worse', referral: 'HEALTH' },
  { code: 'EXPRESSION_WORSE', finding: 'expression', value: 'WORSE', severity: 'NORMAL', title: '表达能力变差', titleEn: 'Expression worse', referral: 'HEALTH' },
  { code: 'PERSONAL_HYGIENE_WORSE', finding: 'personalHygiene', value: 'WORSE', severity: 'NORMAL', title: '个人卫生变差', titleEn: 'Personal hygiene worse', referral: 'SOCIAL_WORKER' },
  { code: 'HOME_HYGIENE_WORSE', finding: 'homeHygiene', value: 'WORSE', severity: 'NORMAL', title: '家庭卫生变差', titleEn: 'Home hygiene worse', referral: 'SOCIAL_WORKER' },
  // Raised by partner agencies' records (sync.effects.ts), not by visit findings: the finding names the record kind.
  { code: 'HOUSING_GRADE_C', finding: 'agency', value: 'HOUSING_C', severity: 'NORMAL', title: '房屋安全鉴定为C级（局部危险）', titleEn: 'Housing appraised grade C (partly dangerous)', referral: 'HOUSING' },
  { code: 'HOUSING_GRADE_D', finding: 'agency', value: 'HOUSING_D', severity: 'URGENT', title: '房屋安全鉴定为D级（整幢危险）', titleEn: 'Housing appraised grade D (dangerous)', referral: 'HOUSING' },
  { code: 'MISSING_PERSON', finding: 'agency', value: 'MISSING', severity: 'URGENT', title: '公安报告老人走失', titleEn: 'Police report the elder missing', referral: 'POLICE' },
  { code: 'INCIDENT_ABUSE', finding: 'agency', value: 'ABUSE', severity: 'URGENT', title: '公安通报侵害老年人事件', titleEn: 'Police report abuse of the elder', referral: 'POLICE' },
  { code: 'INCIDENT_FRAUD', finding: 'agency', value: 'FRAUD', severity: 'URGENT', title: '公安通报诈骗老年人事件', titleEn: 'Police report fraud against the elder', referral: 'POLICE' },
  { code: 'DEATH_REGISTERED', finding: 'agency', value: 'DEATH', severity: 'NORMAL', title: '公安登记死亡，档案已自动销档：请核实并告知结对探访人员', titleEn: 'Police registered a death; the archive was closed: check and tell the visitor', referral: null },
] as const;

export async function loadAlertRules(em: EntityManager): Promise<number> {
  const rows = await em.execute<{ code: string }[]>(
    `insert into alert_rule (code, finding, finding_value, severity, title, title_en, suggested_referral)
     select code, finding, value, severity, title, title_en, referral
       from jsonb_to_recordset(?::jsonb) as r(code text, finding text, value text, severity text, title text, title_en text, referral text)
     on conflict (code) do nothing returning code`,
    [JSON.stringify(REFERENCE_ALERT_RULES.map((r) => ({ ...r, title_en: r.titleEn })))],
  );
  return rows.length;
}
