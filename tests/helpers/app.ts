import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pg from 'pg';
import { inject } from 'vitest';
import type { ApolloServer } from '@apollo/server';
import type { MikroORM } from '@mikro-orm/postgresql';
import { isRole, type RoleName } from '@tanfang/schema';
import { loadConfig, type AppConfig } from '../../packages/api/src/config/env.js';
import { initOrm } from '../../packages/api/src/db/bootstrap.js';
import type { RequestContext } from '../../packages/api/src/graphql/context.js';
import { actorFor, type Actor } from '../../packages/api/src/modules/auth/actor.js';
import { hashPassword } from '../../packages/api/src/modules/auth/password.js';
import { checkCharOf } from '../../packages/api/src/modules/elders/id-number.js';
import { createApollo, createApp, createContext, type AppOptions } from '../../packages/api/src/server.js';
import { requestScope } from '../../packages/api/src/shared/request-scope.js';

export const TEST_PASSWORD = 'test-password-1';
const TEMPLATE_DB = 'tanfang_test_template';

export interface TestUser {
  id: string;
  username: string;
  actor: Actor;
}

export interface GqlError {
  message: string;
  extensions?: Record<string, unknown> & { code?: string };
}

export interface GqlResult<T = Record<string, unknown>> {
  data: T | null | undefined;
  errors: GqlError[] | undefined;
  /** SQL statements the operation ran (counted by the ORM's logger). */
  sqlStatements: number;
}

/** A controllable clock: services read `now()` from the request context. */
export class Clock {
  current: Date;
  constructor(iso = '2026-11-15T02:00:00Z') {
    this.current = new Date(iso);
  }
  now = (): Date => new Date(this.current);
  set(iso: string): void {
    this.current = new Date(iso);
  }
}

export interface TestApp {
  orm: MikroORM;
  options: AppOptions;
  apollo: ApolloServer<RequestContext>;
  clock: Clock;
  dbName: string;
  dbUrl: string;
  user(role: RoleName, regionCode: string, username?: string): Promise<TestUser>;
  exec<T = Record<string, any>>(as: TestUser | null, query: string, variables?: Record<string, unknown>): Promise<GqlResult<T>>;
  sql<T = Record<string, any>>(text: string, params?: unknown[]): Promise<T[]>;
  /** The HTTP app on a free port; `options` replaces parts of the app's (another ORM, a session cache: a second instance). */
  listen(config?: Partial<AppConfig>, options?: Partial<AppOptions>): Promise<{ url: string; close: () => Promise<void> }>;
  close(): Promise<void>;
}

let passwordHash: Promise<string> | null = null;

/** A fresh database cloned from the migrated template (regions loaded), and the API over it. */
export async function createTestApp(options: { config?: Partial<AppConfig> } = {}): Promise<TestApp> {
  const adminUrl = inject('pgAdminUrl');
  const dbName = `tanfang_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName} template ${TEMPLATE_DB}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const dbUrl = url.toString();

  const orm = await initOrm(dbUrl, { debug: false, pool: { min: 0, max: 8 } });
  const clock = new Clock();
  const config: AppConfig = { ...loadConfig({ NODE_ENV: 'test' }), ...options.config };
  const appOptions: AppOptions = { orm, config, now: clock.now };
  const apollo = await createApollo(appOptions);
  const raw = new pg.Pool({ connectionString: dbUrl, max: 2 });
  // An idle client whose server connection is ended (tests that cut the database off) must not crash the worker.
  raw.on('error', () => {});
  const servers: Server[] = [];

  const app: TestApp = {
    orm,
    options: appOptions,
    apollo,
    clock,
    dbName,
    dbUrl,
    async user(role, regionCode, username = `${role.toLowerCase()}_${randomBytes(3).toString('hex')}`) {
      if (!isRole(role)) throw new Error(`unknown role ${role}`);
      passwordHash ??= hashPassword(TEST_PASSWORD);
      // Partner-agency users work for their agency of that kind in their region (created on first use).
      let agencyId: string | null = null;
      if (['POLICE', 'HEALTH', 'DISABILITY', 'HOUSING', 'SOCIAL_WORK', 'COUNSELLING', 'LEGAL_AID'].includes(role)) {
        const [agency] = await app.sql<{ id: string }>(
          `with ins as (insert into agency (kind, name, region_code, created_at) values ($1::text, $1::text || ' ' || $2::text, $2::text, now())
                        on conflict (kind, region_code) do nothing returning id)
           select id from ins union all select id from agency where kind = $1::text and region_code = $2::text limit 1`,
          [role, regionCode],
        );
        agencyId = agency!.id;
      }
      const rows = await app.sql<{ id: string }>(
        `insert into app_user (username, display_name, password_hash, role, region_code, agency_id) values ($1, $2, $3, $4, $5, $6) returning id`,
        [username, `测试 ${username}`, await passwordHash, role, regionCode, agencyId],
      );
      const id = rows[0]!.id;
      return { id, username, actor: actorFor({ id, username, displayName: `测试 ${username}`, role, regionCode, agencyId }) };
    },
    async exec(as, query, variables) {
      const scope = { sqlStatements: 0 };
      return requestScope.run(scope, async () => {
        const contextValue = await createContext(appOptions, { actor: as?.actor ?? null });
        const response = await apollo.executeOperation({ query, variables }, { contextValue });
        if (response.body.kind !== 'single') throw new Error('incremental delivery is not expected');
        const { data, errors } = response.body.singleResult;
        return { data: data as never, errors: errors as GqlError[] | undefined, sqlStatements: scope.sqlStatements };
      });
    },
    async sql(text, params = []) {
      const result = await raw.query(text, params);
      return result.rows;
    },
    async listen(config = {}, options = {}) {
      const { apollo: httpApollo, listen } = await createApp({ ...appOptions, ...options, config: { ...appOptions.config, ...config } });
      const server = await listen(0);
      servers.push(server);
      const { port } = server.address() as AddressInfo;
      return {
        url: `http://localhost:${port}`,
        close: async () => {
          server.closeAllConnections();
          await new Promise<void>((r) => server.close(() => r()));
          await httpApollo.stop();
        },
      };
    },
    async close() {
      for (const s of servers) {
        s.closeAllConnections();
        s.close();
      }
      await apollo.stop();
      await orm.close(true);
      await raw.end();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${dbName} with (force)`);
      await a.end();
    },
  };
  return app;
}

/** How many times each table was analyzed by hand (ANALYZE, not autovacuum): to see that a step refreshed statistics. */
export async function analyzeCounts(t: TestApp, tables: readonly string[]): Promise<Record<string, number>> {
  const rows = await t.sql<{ relname: string; n: number }>(
    `select relname, analyze_count::int as n from pg_stat_user_tables where relname = any($1::text[])`, [tables]);
  return Object.fromEntries(tables.map((name) => [name, rows.find((r) => r.relname === name)?.n ?? -1]));
}

/** The first error's code, or undefined. */
export function codeOf(result: GqlResult<unknown>): string | undefined {
  return result.errors?.[0]?.extensions?.code;
}

export function fieldsOf(result: GqlResult<unknown>): string[] {
  const fieldErrors = result.errors?.[0]?.extensions?.fieldErrors as { field: string }[] | undefined;
  return fieldErrors?.map((f) => f.field) ?? [];
}

/** Throws with the errors when a result has any: keeps failures readable. */
export function ok<T>(result: GqlResult<T>): T {
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors, null, 2)}`);
  return result.data as T;
}

let sequence = 100;
/** A valid ID number for a birth date (YYYY-MM-DD) with the GB 11643 check digit; unique per call. */
export function idNumberFor(birthDate: string, male = true, area = '440783'): string {
  sequence = sequence >= 996 ? 100 : sequence + 2;
  const seq = male ? sequence + 1 : sequence;
  const first17 = `${area}${birthDate.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
  return first17 + checkCharOf(first17);
}

// Real codes from the committed extract.
export const REGIONS = {
  city: '440783', // 开平市
  townA: '440783001', // 三埠街道
  villageA1: '440783001020', // 东河社区居委会
  villageA2: '440783001021', // 新安社区居委会
  townB: '440783103', // 沙塘镇
  villageB1: '440783103001', // 沙塘墟社区居委会
} as const;
