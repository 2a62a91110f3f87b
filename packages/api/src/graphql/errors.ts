import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { RETRY_AFTER_SECONDS } from '../db/availability.js';

export type ErrorCode = 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'TOO_MANY_ATTEMPTS' | 'TOO_MANY_REQUESTS' | 'SERVICE_UNAVAILABLE';

export interface FieldError {
  /** Path of the input field, e.g. `idNumber` or `emergencyContacts.1.phone`. */
  field: string;
  message: string;
  messageEn: string;
}

/**
 * Every error a client sees has a code and a message a worker can act on, in Chinese (`message`) and English
 * (`extensions.messageEn`); a request with `Accept-Language: en` gets the English one as `message`.
 */
export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: string, messageEn: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { code, messageEn, ...extensions } });
  }
}

export const badInput = (message: string, messageEn: string, field?: string) =>
  new AppError('BAD_USER_INPUT', message, messageEn, field ? { field, fieldErrors: [{ field, message, messageEn }] } : {});

export const notFound = (what: string, whatEn: string) =>
  new AppError('NOT_FOUND', `未找到该${what}，或不在您的管辖范围内`, `No such ${whatEn}, or it is outside your jurisdiction`);

export const forbidden = (message: string, messageEn: string, extensions: Record<string, unknown> = {}) =>
  new AppError('FORBIDDEN', message, messageEn, extensions);

export const conflict = (message: string, messageEn: string, extensions: Record<string, unknown> = {}) =>
  new AppError('CONFLICT', message, messageEn, extensions);

export const SERVICE_UNAVAILABLE_MESSAGE = {
  zh: `数据库暂时无法访问，请 ${RETRY_AFTER_SECONDS} 秒后重试`,
  en: `The database is unavailable for the moment: retry in ${RETRY_AFTER_SECONDS} seconds`,
};

/** The database cannot be reached: HTTP 503 with Retry-After, so clients and load balancers retry. */
export const serviceUnavailable = (lang: 'zh' | 'en' = 'zh') =>
  new AppError('SERVICE_UNAVAILABLE', SERVICE_UNAVAILABLE_MESSAGE[lang], SERVICE_UNAVAILABLE_MESSAGE.en, {
    retryAfterSeconds: RETRY_AFTER_SECONDS,
    http: { status: 503, headers: new HeaderMap([['retry-after', String(RETRY_AFTER_SECONDS)]]) },
  });

/**
 * A client address sent too many failed logins: HTTP 429 with Retry-After (seconds until its window ends), so a
 * script backs off and a person is told when to try again.
 */
export const tooManyRequests = (retryAfterSeconds: number) => {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return new AppError(
    'TOO_MANY_REQUESTS',
    `此网络地址登录失败次数过多，请于 ${minutes} 分钟后再试；如多人共用同一出口地址，请联系管理员`,
    `Too many failed logins from this network address: try again in ${minutes} minutes, or tell an administrator if many people share this address`,
    { retryAfterSeconds, http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) } },
  );
};

/** Collects field errors so a form shows all of its problems at once, then throws one BAD_USER_INPUT. */
export class FieldErrors {
  readonly errors: FieldError[] = [];

  add(field: string, message: string, messageEn: string): void {
    this.errors.push({ field, message, messageEn });
  }

  has(field?: string): boolean {
    return field ? this.errors.some((e) => e.field === field) : this.errors.length > 0;
  }

  throwIfAny(): void {
    if (this.errors.length === 0) return;
    const first = this.errors[0]!;
    const more = this.errors.length > 1;
    throw new AppError(
      'BAD_USER_INPUT',
      more ? `${first.message}（另有 ${this.errors.length - 1} 处需要修改）` : first.message,
      more ? `${first.messageEn} (and ${this.errors.length - 1} more)` : first.messageEn,
      { field: first.field, fieldErrors: this.errors },
    );
  }
}

/**
 * Every `extensions.code` the API sends and what `extensions` carries with it: the description of the `Query` type
 * (type-graphql cannot describe the schema itself), so the contract an integrator reads holds the whole list.
 * The README's "Using the API" section repeats this table: change both together.
 */
export const ERROR_CODES_DOC = `The root of every read. Each field says which scope reads it; outside your region a record answers NOT_FOUND, exactly like a missing one.

Errors (错误码). Every error has \`message\` (Chinese, or English with \`Accept-Language: en\`) and \`extensions.code\`; the API's own errors also carry \`extensions.messageEn\` (the English message). By code:

| extensions.code | when | other extensions |
| --- | --- | --- |
| BAD_USER_INPUT | invalid input: a value out of range, a malformed date, cursor or ID number, a page size outside its limits, text with \\u0000 or unpaired surrogates (HTTP 400), a response over the size limit (HTTP 400) | \`field\`: path of the first wrong input field (\`emergencyContacts.1.phone\`); \`fieldErrors\`: every wrong field at once, \`[{ field, message, messageEn }]\`; over the response limit: \`limit: "MAX_RESPONSE_OBJECTS"\`, \`maxObjects\`, \`objects\` |
| UNAUTHENTICATED | no valid token (log in first), or a wrong username or password | none |
| FORBIDDEN | your account lacks the scope, or the action is not yours to take (a region outside yours, an elder not assigned to you) | \`requiredScope\`: the scope missing; or \`field\`: the input field refused |
| NOT_FOUND | the record does not exist or is outside your jurisdiction (the two answer alike) | sometimes \`field\` |
| CONFLICT | the record's state changed or the action was already taken (an alert someone else changed, a period already closed, a candidate already handled) | \`status\`: its current status; \`currentVersion\`: the version to reload; \`closedAt\`: the region code that closed the period |
| TOO_MANY_ATTEMPTS | 5 failed logins in a row for a username lock it for 15 minutes | \`lockedUntil\`: ISO 8601 time the lock ends |
| TOO_MANY_REQUESTS | 30 failed logins from one network address within a 15-minute window (HTTP 429, \`Retry-After\` header) | \`retryAfterSeconds\`: seconds until the window ends |
| SERVICE_UNAVAILABLE | the database is unreachable, or a read could not be audited and was withheld (HTTP 503, \`Retry-After\` header) | \`retryAfterSeconds\`: when to retry (5) |
| INTERNAL_SERVER_ERROR | a fault of the server: never a stack trace or SQL; the server log has the details | none |
| GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED | the document does not parse or does not fit the schema, or breaks a shape limit (depth 12, 20 aliases, 20 directives, 5,000 tokens) | none |
| BAD_REQUEST, OPERATION_RESOLUTION_FAILURE, PERSISTED_QUERY_NOT_FOUND, PERSISTED_QUERY_NOT_SUPPORTED | the HTTP request is malformed or names no operation to run (Apollo Server's codes) | none |`;

/** The description of the `Mutation` type: every change is audited and the error codes are those of `Query`. */
export const MUTATIONS_DOC =
  'The root of every change. Each field says which scope writes it; every change is audited (who, when, what). Errors use the codes listed on the `Query` type.';
