import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../modules/auth/actor.js';
import { AppError } from './errors.js';
import type { Loaders } from '../shared/loaders.js';
import type { ReadLedger } from '../modules/audit/read-audit.js';
import type { ScopeName } from '@tanfang/schema';
import type { CompiledReads, ProofLimits, WebhookSettings } from '../config/env.js';
import type { ReadRouting } from '../shared/read-replica.js';

export interface RequestMeta {
  requestId: string;
  ip: string | null;
  /** Preferred language of messages: Chinese unless the client asks for English. */
  lang: 'zh' | 'en';
  /** The bearer token as sent (for logout). */
  token: string | null;
}

/**
 * Everything a resolver and a service may use. One EntityManager fork per request (MikroORM's identity map
 * must never be shared between requests), with the jurisdiction filter bound to the actor's region.
 */
export interface RequestContext {
  em: EntityManager;
  actor: Actor | null;
  meta: RequestMeta;
  /** The clock: injectable so tests can control time. */
  now: () => Date;
  loaders: Loaders;
  /** Lifetime of a new login session. */
  sessionHours: number;
  /** Days of imported visit history that still raise open alerts (config `importAlertDays`); default 30. */
  importAlertDays?: number;
  /** 动态管理: months without confirmation after which an archive is due for re-verification (AppConfig). */
  reverifyMonths?: number;
  /** Minutes of inactivity after which the console ends its session on the device (AppConfig.idleMinutes). */
  idleMinutes?: number;
  /** Proof of visit: image limits and flag thresholds (AppConfig `proof`); defaults when absent. */
  proof?: ProofLimits;
  /** Most audit events the audit log counts exactly (AppConfig.auditCountCap); DEFAULT_AUDIT_COUNT_CAP when absent. */
  auditCountCap?: number;
  /** Outbound webhooks: URL checks (private addresses) when a subscription is registered (AppConfig `webhooks`). */
  webhooks?: WebhookSettings;
  /** Hot reads compiled to one statement, and where their audit is written (AppConfig.compiledReads); absent: off. */
  compiledReads?: CompiledReads;
  /** Archives this request's response carries, written to the audit log before it is sent (read-audit.ts). */
  reads?: ReadLedger;
  /** Whether lag-tolerant reads may go to a streaming replica (shared/read-replica.ts); absent without replicas. */
  readRouting?: ReadRouting | null;
}

export function requireActor(ctx: RequestContext): Actor {
  if (!ctx.actor) throw new AppError('UNAUTHENTICATED', '请先登录', 'Please log in first');
  return ctx.actor;
}

export function requireScope(ctx: RequestContext, scope: ScopeName): Actor {
  const actor = requireActor(ctx);
  if (!actor.scopes.has(scope)) {
    throw new AppError('FORBIDDEN', '您的账号没有此项权限', 'Your account does not have this permission', {
      requiredScope: scope,
    });
  }
  return actor;
}

/** Today's date in China (UTC+8, no daylight saving), as YYYY-MM-DD: the calendar every rule here uses. */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

export function today(ctx: Pick<RequestContext, 'now'>): string {
  return chinaDate(ctx.now());
}
