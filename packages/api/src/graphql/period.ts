import { Field, InputType, registerEnumType } from 'type-graphql';
import { badInput } from './errors.js';
import { labelled } from './enums.js';
import { LocalDate } from './scalars.js';
import { parsePeriod, periodOfInput, type Period } from '../shared/period.js';

/**
 * The one period shape of the API (issue 16 item 5): every operation that takes a period takes a `PeriodInput`.
 * Operations that took the label as a String before (`report`, `closeReportPeriod`, `amendReportPeriod`,
 * `ElderFilter.period`) keep it one release, deprecated, beside the new `periodInput`; both end in the same Period
 * (shared/period.ts), so they answer alike.
 */
export enum PeriodKind {
  WEEK = 'WEEK',
  MONTH = 'MONTH',
  QUARTER = 'QUARTER',
  HALF_YEAR = 'HALF_YEAR',
  YEAR = 'YEAR',
}
registerEnumType(PeriodKind, {
  name: 'PeriodKind', description: 'The length of a calendar period (统计周期); periods are counted in China time.',
  valuesConfig: labelled(PeriodKind, { WEEK: '周', MONTH: '月', QUARTER: '季度', HALF_YEAR: '半年', YEAR: '年' }),
});

@InputType({
  description:
    'The calendar period of `kind` that contains `date` (e.g. MONTH + 2026-11-15 = November 2026; WEEK is the ISO week, Monday first; HALF_YEAR is January–June or July–December).',
})
export class PeriodInput {
  @Field(() => PeriodKind, { description: 'Which kind of period.' })
  kind!: PeriodKind;

  @Field(() => LocalDate, { description: 'Any day inside the period (YYYY-MM-DD, China time).' })
  date!: string;
}

/** The deprecation of a String period argument or field, the same words everywhere. */
export const PERIOD_LABEL_DEPRECATION = 'Use periodInput (PeriodInput { kind, date }); the label form (2026-10, 2026-W43, 2026-Q4, 2026-H1, 2026) goes in the next release.';

/** A period as an operation received it: the deprecated label, the PeriodInput, or both. */
export interface PeriodChoice {
  label?: string | null;
  input?: PeriodInput | null;
}

/**
 * The period of an operation that takes both forms: the new `periodInput` or the deprecated label. One is needed;
 * both may be given only if they name the same period (a client moving over may send both).
 */
export function periodOfArgs(
  label: string | null | undefined,
  input: PeriodInput | null | undefined,
  fields: { label: string; input: string } = { label: 'period', input: 'periodInput' },
): Period {
  const fromInput = input ? periodOfInput(input, fields.input) : null;
  const fromLabel = label !== null && label !== undefined ? parsePeriod(label, fields.label) : null;
  if (fromInput && fromLabel && fromInput.label !== fromLabel.label) {
    throw badInput(
      `时段不一致：${fields.label} 为 ${fromLabel.label}，${fields.input} 为 ${fromInput.label}；请只给出 ${fields.input}`,
      `${fields.label} (${fromLabel.label}) and ${fields.input} (${fromInput.label}) name different periods: give ${fields.input} only`,
      fields.input,
    );
  }
  const period = fromInput ?? fromLabel;
  if (!period) throw badInput('请给出时段（如 月 + 2026-11-01）', `Give the period: ${fields.input} { kind, date }`, fields.input);
  return period;
}
