import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { Kind, visit, type ASTNode, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { requestScope } from '../shared/request-scope.js';
import { findInvalidText, isStorableText } from '../shared/text.js';
import type { RequestContext } from './context.js';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../db/availability.js';
import { AppError, serviceUnavailable } from './errors.js';

const CLIENT_CODES = new Set([
  'BAD_USER_INPUT',
  'SERVICE_UNAVAILABLE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'TOO_MANY_ATTEMPTS',
  'TOO_MANY_REQUESTS',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/**
 * Never a stack trace or SQL to a client: anything that is not one of our coded errors becomes a generic
 * INTERNAL_SERVER_ERROR, and the real error goes to the server log.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  // An outage is not a bug: said as such (outagePlugin turns it into HTTP 503), and logged once in a line.
  if (isDatabaseUnavailable(unwrapResolverError(error))) {
    const { message, extensions } = serviceUnavailable();
    console.warn(`[graphql] database unavailable: ${String((unwrapResolverError(error) as Error)?.message ?? error).split('\n')[0]}`);
    const { http: _http, ...rest } = extensions;
    return { message, path: formatted.path, extensions: rest };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && CLIENT_CODES.has(code)) {
    const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  console.error('[graphql] internal error:', unwrapResolverError(error));
  return {
    message: '服务器内部错误，请稍后重试；如持续出现请联系管理员',
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR', messageEn: 'Internal server error: try again later, or tell an administrator' },
  };
}

/** Swaps in the English message for clients that asked for English (Accept-Language: en). */
export const languagePlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (contextValue.meta.lang !== 'en' || response.body.kind !== 'single') return;
        const errors = response.body.singleResult.errors;
        if (!errors) return;
        response.body.singleResult.errors = errors.map((e) => {
          const en = e.extensions?.messageEn;
          const fieldErrors = e.extensions?.fieldErrors as { message: string; messageEn: string }[] | undefined;
          return {
            ...e,
            message: typeof en === 'string' ? en : e.message,
            extensions: fieldErrors
              ? { ...e.extensions, fieldErrors: fieldErrors.map((f) => ({ ...f, message: f.messageEn })) }
              : e.extensions,
          };
        });
      },
    };
  },
};

/** Reports how many SQL statements the request ran (tests assert on it; benchmarks print it). */
export const sqlCountPlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        await contextValue.reads?.written;
        const scope = requestScope.getStore();
        if (!scope || response.body.kind !== 'single') return;
        response.body.singleResult.extensions = {
          ...response.body.singleResult.extensions,
          sqlStatements: scope.sqlStatements,
        };
      },
    };
  },
};

/** BAD_USER_INPUT for text PostgreSQL cannot store (see shared/text.ts), answered with HTTP 400 before execution. */
function invalidText(field: string): AppError {
  return new AppError(
    'BAD_USER_INPUT',
    `${field} 含有无法保存的字符（如 \\u0000 或不成对的代理字符），请删去后重试`,
    `${field} contains a character that cannot be stored (such as \\u0000 or an unpaired surrogate): remove it and try again`,
    { field, fieldErrors: [{ field, message: '含有无法保存的字符', messageEn: 'Contains a character that cannot be stored' }], http: { status: 400 } },
  );
}

/** The argument path of a string literal inside a document (`filter.text`), from the visitor's ancestors. */
function literalPath(ancestors: readonly (ASTNode | readonly ASTNode[])[]): string {
  const names: string[] = [];
  for (const a of ancestors) {
    if (Array.isArray(a) || !('kind' in a)) continue;
    const node = a as ASTNode;
    if (node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD) names.push(node.name.value);
  }
  return names.join('.') || 'query';
}

/**
 * The argument path of the first string literal PostgreSQL could not store, or null; once per document (Apollo keeps
 * the parsed document of a query text, so the walk is not repeated for every request sending it).
 */
const literalChecks = new WeakMap<DocumentNode, string | null>();
function unstorableLiteral(document: DocumentNode): string | null {
  const known = literalChecks.get(document);
  if (known !== undefined) return known;
  let inLiteral: string | null = null;
  visit(document, {
    StringValue(node, _key, parent, _path, ancestors) {
      // `ancestors` stops above the direct parent (the argument or input field holding the string).
      if (inLiteral === null && !isStorableText(node.value)) inLiteral = literalPath(parent ? [...ancestors, parent] : ancestors);
    },
  });
  literalChecks.set(document, inLiteral);
  return inLiteral;
}

/**
 * Every string a request carries, in its variables or written in the query, is checked once here, so no service
 * has to remember it and no `\u0000` ever reaches SQL as an internal error.
 */
export const inputTextPlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ request, document }) {
        const inVariables = findInvalidText(request.variables ?? {}, '');
        if (inVariables !== null) throw invalidText(inVariables);
        const inLiteral = unstorableLiteral(document);
        if (inLiteral !== null) throw invalidText(inLiteral);
      },
    };
  },
};

/**
 * While the database is unreachable the answer is HTTP 503 with Retry-After, whichever resolver met the outage
 * (errors thrown while building the context carry their own 503: see createContext).
 */
export const outagePlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        if (!response.body.singleResult.errors?.some((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE')) return;
        response.http.status = 503;
        response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
      },
    };
  },
};
