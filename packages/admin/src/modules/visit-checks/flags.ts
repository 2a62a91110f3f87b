import type { VisitFlag } from '../../gql/graphql';

export interface FlagFigures {
  flags: readonly VisitFlag[];
  visitedAt: string;
  enteredAt: string;
  durationMinutes: number | null | undefined;
  distanceMeters: number | null | undefined;
}

export interface Thresholds {
  maxDistanceMeters: number;
  lateEntryHours: number;
  minMinutes: number;
}

type Translate = (key: string, named: Record<string, unknown>) => string;

/** 1,234 m as 「1.2 公里」, 350 m as 「350 米」 (the unit the town reads on a map). */
export function distanceWords(t: Translate, meters: number): string {
  return meters >= 1000 ? t('visitChecks.unit.km', { n: (Math.round(meters / 100) / 10).toFixed(1) }) : t('visitChecks.unit.m', { n: meters });
}

/** How late an entry was: whole days from two days on, else hours. */
export function delayWords(t: Translate, visitedAt: string, enteredAt: string): string {
  const hours = Math.floor((Date.parse(enteredAt) - Date.parse(visitedAt)) / 3_600_000);
  return hours >= 48 ? t('visitChecks.unit.days', { n: Math.floor(hours / 24) }) : t('visitChecks.unit.hours', { n: hours });
}

/** Each flag of a visit in words, with its figures: 「距参考位置 1.2 公里」, 「探访后 5 天才录入」, 「时长 3 分钟，不足 10 分钟」. */
export function flagWords(t: Translate, v: FlagFigures, limits: Thresholds): { flag: VisitFlag; text: string }[] {
  return v.flags.map((flag) => {
    switch (flag) {
      case 'FAR_FROM_REFERENCE':
        return { flag, text: t('visitChecks.words.FAR_FROM_REFERENCE', { distance: distanceWords(t, v.distanceMeters ?? 0) }) };
      case 'LATE_ENTRY':
        return { flag, text: t('visitChecks.words.LATE_ENTRY', { delay: delayWords(t, v.visitedAt, v.enteredAt) }) };
      case 'SHORT_DURATION':
        return { flag, text: t('visitChecks.words.SHORT_DURATION', { minutes: v.durationMinutes ?? 0, min: limits.minMinutes }) };
      default:
        return { flag, text: String(flag) };
    }
  });
}
