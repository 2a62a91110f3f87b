import { parseOptions } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DUMMY_HASH, hashPassword, PASSWORD_HASH_OPTIONS, verifyPassword } from '../../packages/api/src/modules/auth/password.js';
import { createTestApp, REGIONS, type TestApp } from '../helpers/app.js';

// Passwords moved from `argon2` (node-gyp, needs a C++ toolchain) to `@node-rs/argon2` (prebuilt binaries): every hash
// already stored must still verify, and new hashes keep argon2id with the same cost.

/** `demo1234` hashed by the old `argon2` package (0.45.1) with the same options, before the switch. */
const OLD_LIBRARY_HASH = '$argon2id$v=19$m=19456,p=1,t=2$/1D3Y4hUATtxMcVGEugDRw$izoYr1e7XIxX4UU5s7kMIdFleppoZCuHeShkssMBWCE';
const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token me { username } } }`;

describe('password hashes', () => {
  it('verifies a hash the old argon2 package made, and refuses a wrong password against it', async () => {
    expect(await verifyPassword(OLD_LIBRARY_HASH, 'demo1234')).toBe(true);
    expect(await verifyPassword(OLD_LIBRARY_HASH, 'demo12345')).toBe(false);
  });

  it('writes argon2id with memory 19456 KiB, 2 passes, parallelism 1, a fresh salt each time', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(parseOptions(a)).toMatchObject({ memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 });
    expect(PASSWORD_HASH_OPTIONS).toMatchObject({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    expect(await verifyPassword(a, 'correct horse')).toBe(true);
    expect(await verifyPassword(a, 'correct horsE')).toBe(false);
  });

  it('keeps the dummy hash (for unknown names) at the same cost as a real one, so both take as long', () => {
    // Same parameters as hashPassword's output: an unknown name costs one verification like a wrong password.
    expect(parseOptions(DUMMY_HASH)).toMatchObject(parseOptions(OLD_LIBRARY_HASH));
    expect(DUMMY_HASH.startsWith('$argon2id$')).toBe(true);
  });

  it('answers a malformed stored hash with "no", not an error', async () => {
    expect(await verifyPassword('not-a-hash', 'demo1234')).toBe(false);
    expect(await verifyPassword('$argon2id$v=19$m=19456,p=1,t=2$broken', 'demo1234')).toBe(false);
  });
});

describe('logging in with a hash stored before the switch', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('logs in an account whose stored hash the old library wrote', async () => {
    const user = await t.user('TOWN_OPERATOR', REGIONS.townA);
    await t.sql(`update app_user set password_hash = $1 where id = $2`, [OLD_LIBRARY_HASH, user.id]);
    const ok = await t.exec<{ login: { token: string; me: { username: string } } }>(null, LOGIN, { u: user.username, p: 'demo1234' });
    expect(ok.errors).toBeUndefined();
    expect(ok.data?.login.me.username).toBe(user.username);
    const wrong = await t.exec(null, LOGIN, { u: user.username, p: 'demo4321' });
    expect(wrong.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
