import argon2 from 'argon2';

// OWASP's argon2id baseline (19 MiB, 2 iterations): ~40 ms here, slow enough for guessing, fast enough to log in.
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return argon2.verify(hash, password).catch(() => false);
}

let dummyHash: Promise<string> | null = null;
/** Verifies against a throwaway hash so an unknown username takes as long as a wrong password. */
export async function burnVerification(password: string): Promise<void> {
  dummyHash ??= hashPassword('tanfang-dummy-password');
  await verifyPassword(await dummyHash, password);
}
