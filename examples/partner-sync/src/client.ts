import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

/** An error the API answered, with its code (BAD_USER_INPUT, UNAUTHENTICATED, FORBIDDEN, CONFLICT, ...). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * One GraphQL request with plain fetch. The document's type gives the variables it takes and the data it answers,
 * so a field the schema renamed or removed fails the partner's build, not its nightly sync.
 */
export async function request<TResult, TVariables>(
  api: string,
  key: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
): Promise<TResult> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(api, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'accept-language': 'en' },
      body: JSON.stringify({ query: print(document), variables }),
    });
    // 503 with Retry-After: the database is restarting. A sync is safe to resend (same idempotencyKey).
    if (res.status === 503 && attempt < 5) {
      const seconds = Number(res.headers.get('retry-after') ?? '5');
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      continue;
    }
    const body = (await res.json()) as { data?: TResult | null; errors?: { message: string; extensions?: { code?: string } }[] };
    const error = body.errors?.[0];
    if (error) throw new ApiError(error.message, error.extensions?.code ?? 'UNKNOWN', res.status);
    if (!body.data) throw new ApiError(`HTTP ${res.status} without data`, 'UNKNOWN', res.status);
    return body.data;
  }
}
