import { Algorithm, hash, verify, type Options } from '@node-rs/argon2';

// @node-rs/argon2 ships prebuilt binaries for every platform (the `argon2` package compiled with node-gyp and needed a
// C++ toolchain on a bare machine). Both write and read the same PHC strings ($argon2id$v=19$m=...,t=...,p=...$salt$hash),
// so hashes made before the switch still verify (tests/api/auth.password.test.ts holds one).
// OWASP's argon2id baseline (19 MiB, 2 iterations): ~40 ms here, slow enough for guessing, fast enough to log in.
export const PASSWORD_HASH_OPTIONS: Readonly<Options> = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/**
 * A hash of a throwaway password made with PASSWORD_HASH_OPTIONS. A name that is no active account is checked against it, so it
 * costs one verification of the same parameters as a real account's wrong password. A constant (not hashed on first
 * use) so that even the first unknown name after a start takes no longer than a known one.
 */
export const DUMMY_HASH = '$argon2id$v=19$m=19456,p=1,t=2$VECCjfOOtrJTdGBy3iMaYw$SxbY9Ay82JO0QGfrwfvfxXQejFLzP3zEesN2FWsu4sY';

let verifications = 0;

/** How many password hashes this process has verified (real and dummy alike): what a guesser can make it spend. */
export function passwordVerifications(): number {
  return verifications;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, PASSWORD_HASH_OPTIONS);
}

export function verifyPassword(stored: string, password: string): Promise<boolean> {
  verifications += 1;
  // A malformed stored hash is a failed login, not a server error.
  return verify(stored, password).catch(() => false);
}

/** Verifies against the dummy hash so an unknown username takes as long as a wrong password. */
export async function burnVerification(password: string): Promise<void> {
  await verifyPassword(DUMMY_HASH, password);
}
