import argon2 from 'argon2';

// OWASP's argon2id baseline (19 MiB, 2 iterations): ~40 ms here, slow enough for guessing, fast enough to log in.
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * A hash of a throwaway password made with OPTIONS. A name that is no active account is checked against it, so it
 * costs one verification of the same parameters as a real account's wrong password. A constant (not hashed on first
 * use) so that even the first unknown name after a start takes no longer than a known one.
 */
const DUMMY_HASH = '$argon2id$v=19$m=19456,p=1,t=2$VECCjfOOtrJTdGBy3iMaYw$SxbY9Ay82JO0QGfrwfvfxXQejFLzP3zEesN2FWsu4sY';

let verifications = 0;

/** How many password hashes this process has verified (real and dummy alike): what a guesser can make it spend. */
export function passwordVerifications(): number {
  return verifications;
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

export function verifyPassword(hash: string, password: string): Promise<boolean> {
  verifications += 1;
  return argon2.verify(hash, password).catch(() => false);
}

/** Verifies against the dummy hash so an unknown username takes as long as a wrong password. */
export async function burnVerification(password: string): Promise<void> {
  await verifyPassword(DUMMY_HASH, password);
}
