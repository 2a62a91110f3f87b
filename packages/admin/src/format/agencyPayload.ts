import { useI18n } from 'vue-i18n';
import { fmtValue } from '../modules/elders/format';

/** Fields that identify the person or the record, not what the record says: never shown in the summary. */
const HIDDEN = ['idNumber', 'externalId', 'sourceVersion', 'name', 'regionCode'];

/**
 * A partner agency's record in words (残疾类别：肢体残疾；等级：2 级), not its codes (`grade: 2；category: PHYSICAL`):
 * one formatter for the elder's agency tab and the agency-data page. A disability certificate number contains the
 * whole ID number and the API sends it as the agency sent it: it is masked here like the archive masks it.
 */
export function useAgencyPayloadWords(): (payload: unknown) => string {
  const { t, te } = useI18n();
  const word = (path: string, v: unknown) => (te(`elderDetail.${path}.${String(v)}`) ? t(`elderDetail.${path}.${String(v)}`) : null);
  return (payload: unknown): string => {
    if (!payload || typeof payload !== 'object') return fmtValue(payload, t('common.yes'), t('common.no'));
    return Object.entries(payload as Record<string, unknown>)
      .filter(([k, v]) => !HIDDEN.includes(k) && v !== null && v !== undefined && v !== '')
      .map(([k, v]) => {
        let shown = fmtValue(v, t('common.yes'), t('common.no'));
        if (k === 'certificateNumber' && typeof v === 'string' && v.length >= 18) shown = `${v.slice(0, 6)}********${v.slice(14)}`;
        if (k === 'category') shown = word('disabilityCategory', v) ?? shown;
        if (k === 'familyPlanningKind') shown = word('familyPlanningKind', v) ?? shown;
        if (k === 'level') shown = word('incapacityLevel', v) ?? shown;
        if (k === 'grade' && (typeof v === 'number' || typeof v === 'string')) shown = t('elderDetail.field.disabilityGradeValue', { n: v });
        const label = te(`elderDetail.payloadField.${k}`) ? t(`elderDetail.payloadField.${k}`) : k;
        return `${label}：${shown}`;
      })
      .join('；');
  };
}
