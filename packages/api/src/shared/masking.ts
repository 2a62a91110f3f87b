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
