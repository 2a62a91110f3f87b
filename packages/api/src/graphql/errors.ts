import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { RETRY_AFTER_SECONDS } from '../db/availability.js';

export type ErrorCode = 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'TOO_MANY_ATTEMPTS' | 'SERVICE_UNAVAILABLE';

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
