/** Times are shown in China time, whatever the device's zone: the day a visit counts in is a China-time day. */
const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = Object.fromEntries(dateTime.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  return iso.length > 10 ? fmtDateTime(iso).slice(0, 10) : iso;
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
