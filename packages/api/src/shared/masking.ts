/**
 * Masking for personal identifiers (PIPL): enough to tell two people apart on a list, not enough to use.
 * 440783********1234 (region code and last four kept); 138****5678.
 */
export function maskIdNumber(value: string | null | undefined): string | null {
  if (!value) return null;
  if (value.length <= 10) return '*'.repeat(value.length);
  return `${value.slice(0, 6)}${'*'.repeat(value.length - 10)}${value.slice(-4)}`;
}

export function maskPhone(value: string | null | undefined): string | null {
  if (!value) return null;
  const digits = value.replace(/\D/g, '');
  if (digits.length === 11 && digits.startsWith('1')) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  if (value.length <= 4) return '*'.repeat(value.length);
  // Landlines such as 0750-2212345: keep the area code and the last two digits.
  const dash = value.indexOf('-');
  const keep = dash > 0 ? dash + 1 : 3;
  return `${value.slice(0, keep)}${'*'.repeat(value.length - keep - 2)}${value.slice(-2)}`;
}

/** A disability certificate number is the ID number plus two digits: mask the ID part the same way. */
export function maskCertificateNumber(value: string | null | undefined): string | null {
  if (!value) return null;
  return `${maskIdNumber(value.slice(0, 18))}${value.slice(18)}`;
}

/*
 * The same three rules as SQL expressions over a text expression, for reads compiled to one statement
 * (modules/elders/elder.queries.ts): PostgreSQL builds the masked strings itself, so no unmasked value ever reaches
 * Node on those paths. They must give exactly the strings of the functions above (tests/api/elders.compiled.test.ts
 * compares them on edge cases). Identifiers are ASCII, so character and UTF-16 lengths agree.
 */

/** SQL form of maskIdNumber. */
export function maskIdNumberSql(expr: string): string {
  return `(case when coalesce(${expr}, '') = '' then null
    when length(${expr}) <= 10 then repeat('*', length(${expr}))
    else left(${expr}, 6) || repeat('*', length(${expr}) - 10) || right(${expr}, 4) end)`;
}

/** SQL form of maskPhone. */
export function maskPhoneSql(expr: string): string {
  const digits = `regexp_replace(${expr}, '\\D', '', 'g')`;
  // JS indexOf('-') > 0 is strpos > 1 here (1-based), and keep = dash + 1 is then strpos itself.
  const keep = `(case when strpos(${expr}, '-') > 1 then strpos(${expr}, '-') else 3 end)`;
  return `(case when coalesce(${expr}, '') = '' then null
    when length(${digits}) = 11 and left(${digits}, 1) = '1' then left(${digits}, 3) || '****' || right(${digits}, 4)
    when length(${expr}) <= 4 then repeat('*', length(${expr}))
    else left(${expr}, ${keep}) || repeat('*', length(${expr}) - ${keep} - 2) || right(${expr}, 2) end)`;
}

/** SQL form of maskCertificateNumber. */
export function maskCertificateNumberSql(expr: string): string {
  return `(case when coalesce(${expr}, '') = '' then null else ${maskIdNumberSql(`left(${expr}, 18)`)} || substr(${expr}, 19) end)`;
}
