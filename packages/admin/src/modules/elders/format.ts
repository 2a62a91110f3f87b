import { chinaDateTime, chinaDay } from '../../format/time';

/** Times are shown in China time, whatever the device's zone: the day a visit counts in is a China-time day. */
export function fmtDateTime(iso: string | null | undefined): string {
  return chinaDateTime(iso);
}

/** A date as it is; a moment as its China day. */
export function fmtDate(iso: string | null | undefined): string {
  return chinaDay(iso);
}

/** A JSON value of the change history, for people: lists joined, objects as key: value. */
export function fmtValue(v: unknown, yes = '是', no = '否'): string {
  if (v === null || v === undefined || v === '') return '';
  if (Array.isArray(v)) return v.map((x) => fmtValue(x, yes, no)).join('；');
  if (typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== null && x !== undefined && x !== '')
      .map(([k, x]) => `${k}: ${fmtValue(x, yes, no)}`)
      .join('，');
  }
  if (typeof v === 'boolean') return v ? yes : no;
  return String(v);
}
