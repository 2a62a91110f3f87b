import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { requestScope } from '../shared/request-scope.js';
import type { RequestContext } from './context.js';

const CLIENT_CODES = new Set([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'TOO_MANY_ATTEMPTS',
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
