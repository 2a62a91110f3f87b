import type { ApolloServerPlugin } from '@apollo/server';
import express, { type Express, type RequestHandler } from 'express';
import { Kind, type OperationDefinitionNode } from 'graphql';
import { createRequire } from 'node:module';
import path from 'node:path';
import { API_ROOT, type ExplorerMode } from '../config/env.js';
import type { RequestContext } from '../graphql/context.js';
import { AppError } from '../graphql/errors.js';

/**
 * The API explorer (GraphiQL) at /explorer, for partners' developers and integrators (issue 19). Everything it loads
 * comes from this server: the CSP says `script-src 'self'`, and a partner's office network may not reach a CDN.
 * GraphiQL's UMD build and React 18's come from their installed npm packages (resolved, not copied, so an upgrade
 * is a version bump); our own explorer.js mounts it and sends the caller's credentials.
 */
const require = createRequire(import.meta.url);
const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));

/** The files the page loads, by the name it asks for. */
function vendorFiles(): Record<string, string> {
  const graphiql = packageDir('graphiql');
  return {
    'react.js': path.join(packageDir('react'), 'umd/react.production.min.js'),
    'react-dom.js': path.join(packageDir('react-dom'), 'umd/react-dom.production.min.js'),
    'graphiql.js': path.join(graphiql, 'graphiql.min.js'),
    'graphiql.css': path.join(graphiql, 'graphiql.min.css'),
  };
}

/**
 * Serves /explorer (the page) and /explorer/<file>; anything else under /explorer goes to `notFound` (never the
 * console's client-side routes). Off, every path under it does.
 */
export function mountExplorer(app: Express, mode: ExplorerMode, notFound: RequestHandler): void {
  if (mode === 'off') {
    app.use('/explorer', notFound);
    return;
  }
  const own = path.join(API_ROOT, 'explorer');
  const vendor = vendorFiles();
  app.get('/explorer', (_req, res) => {
    // The page holds no data (the schema and every answer come through /graphql with the caller's credentials).
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(path.join(own, 'index.html'));
  });
  app.get('/explorer/vendor/:file', (req, res, next) => {
    const file = vendor[req.params.file];
    if (!file) return next();
    res.setHeader('Cache-Control', 'public, max-age=86400');
    // pnpm keeps packages under node_modules/.pnpm: a dot folder, which sendFile refuses by default.
    res.sendFile(file, { dotfiles: 'allow' });
  });
  app.use('/explorer', express.static(own, { index: false, maxAge: 0, fallthrough: true }), notFound);
}

function isIntrospection(operation: OperationDefinitionNode | null | undefined): boolean {
  return !!operation?.selectionSet.selections.some((s) => s.kind === Kind.FIELD && (s.name.value === '__schema' || s.name.value === '__type'));
}

/**
 * `TANFANG_EXPLORER=signed-in`: the schema is described only to a signed-in caller (a console session or an API key),
 * so a production server can offer the explorer to its partners without mapping itself for anonymous callers.
 */
export const signedInIntrospectionPlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, contextValue }) {
        if (contextValue.actor || !isIntrospection(operation)) return;
        throw new AppError(
          'UNAUTHENTICATED',
          '查看接口结构需要先登录：在 API 浏览器中填入 API 密钥，或先登录管理后台',
          'Describing the schema needs a signed-in caller: paste an API key into the explorer, or log in to the console first',
        );
      },
    };
  },
};
