/**
 * China time (Asia/Shanghai), whatever the device says. Visit days, deadlines, report periods and windows are all
 * judged by the API in China time, so a phone set to another zone (a worker back from abroad, a test browser, a
 * wrong setting) must still show and enter China wall-clock times. The one place the console formats and parses
 * times: every module imports from here.
 *
 * China has kept UTC+8 all year since 1991 (no daylight saving), so parsing a wall-clock time is a fixed offset;
 * formatting still goes through Intl so that the zone's name, not an offset, is the source of truth for output.
 */
export const CHINA_TZ = 'Asia/Shanghai';
const CHINA_OFFSET = '+08:00';

const DAY = new Intl.DateTimeFormat('en-CA', { timeZone: CHINA_TZ, year: 'numeric', month: '2-digit', day: '2-digit' });
const MINUTE = new Intl.DateTimeFormat('en-CA', {
  timeZone: CHINA_TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

type Instant = Date | string | number;

function toDate(value: Instant): Date {
  return value instanceof Date ? value : new Date(value);
}

/** The China day of a moment, YYYY-MM-DD (default: now). */
export function chinaDate(at: Instant = new Date()): string {
  return DAY.format(toDate(at));
}

/** This month in China, YYYY-MM. */
export function chinaMonth(at: Instant = new Date()): string {
  return chinaDate(at).slice(0, 7);
}

/** A moment as China wall-clock time, YYYY-MM-DD HH:mm (the form's picker format too); '—' when there is none. */
export function chinaDateTime(at: Instant | null | undefined): string {
  if (at === null || at === undefined || at === '') return '—';
  const d = toDate(at);
  if (Number.isNaN(d.getTime())) return String(at);
  const p = Object.fromEntries(MINUTE.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** Today in China, YYYY-MM-DD. */
export function chinaToday(now: Instant = new Date()): string {
  return chinaDate(now);
}

/** This month in China, YYYY-MM (the `period` of `report`). */
export function currentMonth(now: Instant = new Date()): string {
  return chinaMonth(now);
}

/** The month before a YYYY-MM month. */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** A date-only value as it is (YYYY-MM-DD), a moment as its China day; '—' when there is none. */
export function chinaDay(value: string | null | undefined): string {
  if (!value) return '—';
  return value.length > 10 ? chinaDateTime(value).slice(0, 10) : value;
}

const WALL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * The instant of a China wall-clock time "YYYY-MM-DD HH:mm[:ss]" (what a person in China reads off a clock), or
 * null when the text is not one. Never the device's zone: "2026-12-05 09:30" is 01:30Z on any phone.
 */
export function fromChinaWallClock(wall: string | null | undefined): Date | null {
  const m = wall ? WALL.exec(wall.trim()) : null;
  if (!m) return null;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${CHINA_OFFSET}`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Whole days from one YYYY-MM-DD day to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** A YYYY-MM-DD day moved by whole days. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A YYYY-MM-DD day said briefly: 10月31日 in Chinese, Oct 31 in English; the year only when not this China year. */
export function monthDay(day: string, locale: string, now: Instant = new Date()): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const sameYear = String(y) === chinaDate(now).slice(0, 4);
  if (locale.startsWith('zh')) return `${sameYear ? '' : `${y}年`}${m}月${d}日`;
  const text = new Intl.DateTimeFormat('en', { timeZone: 'UTC', month: 'short', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }) });
  return text.format(new Date(Date.UTC(y, m - 1, d)));
}
