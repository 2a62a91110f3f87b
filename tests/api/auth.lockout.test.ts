import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, ok, REGIONS, TEST_PASSWORD, type GqlResult, type TestApp } from '../helpers/app.js';
import { passwordVerifications } from '../../packages/api/src/modules/auth/password.js';

let t: TestApp;
const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token me { username } } }`;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const login = (u: string, p: string) => t.exec<{ login: { token: string; me: { username: string } } }>(null, LOGIN, { u, p });
/** What a client can see of an answer: the code and both messages. */
const answer = (r: GqlResult<unknown>) => ({ code: codeOf(r), message: r.errors?.[0]?.message, messageEn: r.errors?.[0]?.extensions?.messageEn });
const later = (minutes: number) => t.clock.set(new Date(t.clock.now().getTime() + minutes * 60_000).toISOString());
const failedAudits = async (name: string) =>
  (await t.sql<{ n: number }>(`select count(*)::int as n from audit_event where action = 'LOGIN_FAILED' and actor_username = $1`, [name]))[0]!.n;

/** 40 wrong passwords at once for one name: how many hashes were verified, and what each request was told. */
async function storm(name: string) {
  const before = passwordVerifications();
  const results = await Promise.all(Array.from({ length: 40 }, (_, i) => login(name, `wrong-${i}`)));
  return { verified: passwordVerifications() - before, answers: results.map(answer) };
}
const tally = (answers: { code?: string }[]) => answers.reduce<Record<string, number>>((acc, a) => ({ ...acc, [a.code ?? 'OK']: (acc[a.code ?? 'OK'] ?? 0) + 1 }), {});

describe('login lockout under parallel guessing', () => {
  it('40 parallel wrong passwords for an account: 5 hashes verified, 5 UNAUTHENTICATED, 35 TOO_MANY_ATTEMPTS, then locked', async () => {
    const user = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
    const { verified, answers } = await storm(user.username);
    console.log(`auth.lockout: account, 40 parallel wrong passwords -> ${verified} verifications, ${JSON.stringify(tally(answers))}`);
    expect(verified).toBe(5);
    expect(tally(answers)).toEqual({ UNAUTHENTICATED: 5, TOO_MANY_ATTEMPTS: 35 });
    expect(await failedAudits(user.username)).toBe(5);
    const [row] = await t.sql(`select failed_logins, locked_until from app_user where id = $1`, [user.id]);
    expect(row!.failed_logins).toBe(5);
    expect(new Date(row!.locked_until).getTime()).toBe(t.clock.now().getTime() + 15 * 60_000);

    // Even the right password is not checked while locked.
    const before = passwordVerifications();
    expect(codeOf(await login(user.username, TEST_PASSWORD))).toBe('TOO_MANY_ATTEMPTS');
    expect(passwordVerifications() - before).toBe(0);
    later(16);
    expect(ok(await login(user.username, TEST_PASSWORD)).login.me.username).toBe(user.username);
    const [reset] = await t.sql(`select failed_logins, locked_until from app_user where id = $1`, [user.id]);
    expect(reset).toEqual({ failed_logins: 0, locked_until: null });
  });

  it('40 parallel guesses for a name that does not exist get the same answers, codes and number of verifications', async () => {
    const real = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
    const known = await storm(real.username);
    const unknown = await storm('nobody_by_this_name');
    expect(unknown.verified).toBe(5);
    expect(tally(unknown.answers)).toEqual(tally(known.answers));
    // Same code and message, in both languages, for every answer: nothing tells the two names apart.
    const distinct = (xs: object[]) => [...new Set(xs.map((x) => JSON.stringify(x)))].sort();
    expect(distinct(unknown.answers)).toEqual(distinct(known.answers));
    expect(await failedAudits('nobody_by_this_name')).toBe(5);
    // The name itself is not stored, only its hash.
    expect(await t.sql(`select 1 from login_attempt where key_hash like '%nobody%'`)).toHaveLength(0);
    expect(await t.sql(`select failed_logins from login_attempt`)).toEqual([{ failed_logins: 5 }]);
  });
});

describe('login: an account and an unknown name are indistinguishable', () => {
  it('answer the same code and message at every step of a lockout, and unlock after the same 15 minutes', async () => {
    const user = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
    const ghost = `ghost_${user.username}`;
    for (let i = 1; i <= 7; i++) {
      const [a, b] = [await login(user.username, 'bad'), await login(ghost, 'bad')];
      expect(answer(a)).toEqual(answer(b));
      expect(codeOf(a)).toBe(i <= 5 ? 'UNAUTHENTICATED' : 'TOO_MANY_ATTEMPTS');
      if (i > 5) expect(a.errors![0]!.extensions!.lockedUntil).toBe(b.errors![0]!.extensions!.lockedUntil);
    }
    // The right password of the locked account answers as the locked unknown name does.
    expect(answer(await login(user.username, TEST_PASSWORD))).toEqual(answer(await login(ghost, TEST_PASSWORD)));
    later(14);
    expect(codeOf(await login(user.username, TEST_PASSWORD))).toBe('TOO_MANY_ATTEMPTS');
    expect(codeOf(await login(ghost, TEST_PASSWORD))).toBe('TOO_MANY_ATTEMPTS');
    later(2);
    // After the lock both names count afresh: 4 more failures do not lock either.
    for (let i = 0; i < 4; i++) expect(answer(await login(user.username, 'bad'))).toEqual(answer(await login(ghost, 'bad')));
    expect(codeOf(await login(ghost, 'bad'))).toBe('UNAUTHENTICATED');
    expect(ok(await login(user.username, TEST_PASSWORD)).login.me.username).toBe(user.username);
  });

  it('verify exactly one hash per counted attempt, real or dummy, so a wrong password and an unknown name cost the same', async () => {
    const user = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
    const timings = { known: [] as number[], unknown: [] as number[] };
    for (let i = 0; i < 4; i++) {
      for (const [kind, name] of [['known', user.username], ['unknown', `absent_${i}`]] as const) {
        const before = passwordVerifications();
        const started = performance.now();
        const result = await login(name, 'bad');
        timings[kind].push(performance.now() - started);
        expect(codeOf(result)).toBe('UNAUTHENTICATED');
        expect(passwordVerifications() - before).toBe(1);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(`auth.lockout: median time of a failed login, account ${median(timings.known).toFixed(1)} ms, unknown name ${median(timings.unknown).toFixed(1)} ms`);
  });

  it('a deactivated account answers like an unknown name (its right password included) and locks the same way', async () => {
    const user = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
    await t.sql(`update app_user set active = false where id = $1`, [user.id]);
    const ghost = `ghost2_${user.username}`;
    for (let i = 1; i <= 6; i++) expect(answer(await login(user.username, TEST_PASSWORD))).toEqual(answer(await login(ghost, TEST_PASSWORD)));
    expect(codeOf(await login(user.username, TEST_PASSWORD))).toBe('TOO_MANY_ATTEMPTS');
  });

  it('a success ends the run of failures; failures more than a day apart start over for both kinds of name', async () => {
    const user = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
    const ghost = `ghost3_${user.username}`;
    for (let i = 0; i < 4; i++) await login(user.username, 'bad');
    ok(await login(user.username, TEST_PASSWORD));
    for (let i = 0; i < 4; i++) expect(codeOf(await login(user.username, 'bad'))).toBe('UNAUTHENTICATED');
    ok(await login(user.username, TEST_PASSWORD));

    for (let i = 0; i < 4; i++) {
      await login(user.username, 'bad');
      await login(ghost, 'bad');
    }
    later(25 * 60);
    // The fifth failure is more than a day after the fourth: neither name locks.
    expect(answer(await login(user.username, 'bad'))).toEqual(answer(await login(ghost, 'bad')));
    expect(codeOf(await login(ghost, 'bad'))).toBe('UNAUTHENTICATED');
    expect(ok(await login(user.username, TEST_PASSWORD)).login.me.username).toBe(user.username);
  });

  it('unknown names past the failure window are pruned by later attempts, so the table stays about a day long', async () => {
    await t.sql(`delete from login_attempt`);
    for (let i = 0; i < 5; i++) await login(`spray_${i}`, 'bad');
    expect(await t.sql(`select 1 from login_attempt`)).toHaveLength(5);
    later(25 * 60);
    await login('spray_new', 'bad');
    const rows = await t.sql<{ failed_logins: number }>(`select failed_logins from login_attempt`);
    expect(rows).toEqual([{ failed_logins: 1 }]);
  });
});
