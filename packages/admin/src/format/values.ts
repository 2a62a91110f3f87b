/**
 * Values and codes in words. A code the console knows is looked up in the page's messages (`codes.circumstance.C_OTHER`
 * → 其他); one it does not know (a newer API, a hand-made record) is shown as it is rather than as a missing key.
 */
export function codeLabel(t: (key: string) => string, te: (key: string) => boolean, namespace: string, code: string | null | undefined): string {
  if (code === null || code === undefined || code === '') return '—';
  const key = `${namespace}.${code}`;
  return te(key) ? t(key) : code;
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
