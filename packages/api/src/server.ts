import 'reflect-metadata';
import { ReportsService } from './modules/reports/reports.service.js';
import { exportElders } from './modules/elders/elder.export.js';
import { LedgerService } from './modules/ledgers/ledgers.service.js';
import { AssessmentService } from './modules/assessment/assessment.service.js';
import { PeriodKind } from './modules/compliance/compliance.types.js';
import { ElderClassEnum } from './modules/standards/standards.enums.js';
import { AppError, serviceUnavailable, SERVICE_UNAVAILABLE_MESSAGE } from './graphql/errors.js';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { MikroORM } from '@mikro-orm/postgresql';
import compression from 'compression';
import express, { type NextFunction, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { explorerModeOf, type AppConfig } from './config/env.js';
import type { RequestContext } from './graphql/context.js';
import { responseLimitsPlugin } from './graphql/limits.js';
import { formatError, inputTextPlugin, languagePlugin, outagePlugin, sqlCountPlugin } from './graphql/plugins.js';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from './db/availability.js';
import { appSchema } from './graphql/schema.js';
import type { Actor } from './modules/auth/actor.js';
import { authenticate } from './modules/auth/auth.service.js';
import type { SessionCache } from './modules/auth/session-cache.js';
import { Loaders } from './shared/loaders.js';
import { ReadLedger, readAuditPlugin } from './modules/audit/read-audit.js';
import { requestScope } from './shared/request-scope.js';
import { isStorableText } from './shared/text.js';
import { precompressed } from './shared/precompressed.js';
import { mountExplorer, signedInIntrospectionPlugin } from './explorer/explorer.js';
import type { ReplicaReport, ReplicaSet } from './db/replicas.js';
import { readRoutingFor, readRoutingPlugin } from './shared/read-replica.js';
import { scopedIntrospectionPlugin } from './graphql/scoped-schema.js';

export interface AppOptions {
  orm: MikroORM;
  config: AppConfig;
  /** The clock (tests move it). */
  now?: () => Date;
  /** Streaming replicas for lag-tolerant reads (DATABASE_REPLICA_URLS); absent: every read on the primary. */
  replicas?: ReplicaSet;
  /** Actors of recent tokens, dropped on revocation by NOTIFY (main.ts starts it); absent: every request looks up. */
  sessions?: SessionCache | null;
}

export interface ContextInput {
  token?: string | null;
  /** Skip the token: act as this actor (tests of services that need a given user). */
  actor?: Actor | null;
  ip?: string | null;
  lang?: 'zh' | 'en';
}

function bearer(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match ? match[1]! : null;
}

function languageOf(req: { headers: IncomingHttpHeaders }): 'zh' | 'en' {
  const accept = String(req.headers['accept-language'] ?? '').trim().toLowerCase();
  return accept.startsWith('en') ? 'en' : 'zh';
}

/** The request context: a fresh EntityManager fork whose jurisdiction filter is bound to the actor's region. */
export async function createContext(options: AppOptions, input: ContextInput): Promise<RequestContext> {
  const now = options.now ?? (() => new Date());
  const em = options.orm.em.fork();
  let actor: Actor | null;
  let readRouting: RequestContext['readRouting'] = null;
  try {
    actor =
      input.actor !== undefined ? input.actor
      : options.sessions ? await options.sessions.authenticate(em, input.token ?? null, now())
      : await authenticate(em, input.token ?? null, now());
    readRouting = await readRoutingFor(em, options.replicas, actor, options.config.readYourWritesSeconds);
  } catch (error) {
    // Apollo would answer "Context creation failed" with HTTP 500: an outage is a 503 to retry. (No plugin runs on
    // this path, so the language is chosen here.)
    if (isDatabaseUnavailable(error)) throw serviceUnavailable(input.lang);
    throw error;
  }
  if (actor) em.setFilterParams('jurisdiction', { prefix: actor.regionCode });
  return {
    em,
    actor,
    meta: { requestId: randomUUID(), ip: input.ip ?? null, lang: input.lang ?? 'zh', token: input.token ?? null },
    now,
    loaders: new Loaders(),
    sessionHours: options.config.sessionHours,
    importAlertDays: options.config.importAlertDays,
    reverifyMonths: options.config.reverifyMonths,
    idleMinutes: options.config.idleMinutes,
    proof: options.config.proof,
    auditCountCap: options.config.auditCountCap,
    webhooks: options.config.webhooks,
    compiledReads: options.config.compiledReads,
    reads: new ReadLedger(),
    readRouting,
  };
}

export async function createApollo(options: AppOptions): Promise<ApolloServer<RequestContext>> {
  const production = options.config.production;
  const armor = new ApolloArmor({
    maxDepth: { n: 12 },
    maxAliases: { n: 20 },
    maxDirectives: { n: 20 },
    maxTokens: { n: 5000 },
    // Replaced by graphql/limits.ts, which reads variable values (armor's rule saw only literals) and also counts
    // what execution produces.
    costLimit: { enabled: false },
    // Field suggestions ("Did you mean ...?") map the schema for an attacker: off in production.
    blockFieldSuggestion: { enabled: production },
  });
  const protection = armor.protect();
  const apollo = new ApolloServer<RequestContext>({
    schema: await appSchema(),
    // Off in production unless the explorer is offered there (TANFANG_EXPLORER=on|signed-in; signed-in answers only
    // callers with a session or API key, see explorer/explorer.ts).
    introspection: !production || explorerModeOf(options.config) !== 'off',
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: production,
    validationRules: protection.validationRules,
    allowBatchedHttpRequests: false,
    formatError,
    plugins: [
      // graphql-armor is typed against Apollo's CJS build, we import the ESM one: same objects, two declarations.
      ...(protection.plugins as unknown as ApolloServerPlugin<RequestContext>[]),
      inputTextPlugin,
      outagePlugin,
      responseLimitsPlugin(options.config.maxResponseObjects),
      languagePlugin,
      readAuditPlugin,
      ...(options.replicas?.size ? [readRoutingPlugin] : []),
      ...(options.config.exposeSqlCount ? [sqlCountPlugin] : []),
      ...(explorerModeOf(options.config) === 'signed-in' ? [signedInIntrospectionPlugin] : []),
      // Introspection describes only the operations the caller's scopes allow (the explorer shows what it may call).
      scopedIntrospectionPlugin,
      ...(production ? [ApolloServerPluginLandingPageDisabled()] : []),
      // Apollo's default cache-control plugin wraps every field resolver to collect cache hints we never use
      // (responses carry personal data and are not cached): off, which measurably cuts the cost of large lists.
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
  await apollo.start();
  return apollo;
}

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
};

/**
 * An error of a file download route (report spreadsheet, elder export, ledgers) as JSON with its code and the message in the
 * request's language; `fieldErrors` too, so a form can point at the field. Internal errors are logged, never sent.
 */
function sendFileRouteError(req: Request, res: Response, error: unknown, label: string): void {
  const known = error instanceof AppError ? error : isDatabaseUnavailable(error) ? serviceUnavailable() : null;
  const code = known ? String(known.extensions.code) : 'INTERNAL_SERVER_ERROR';
  const status = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, BAD_USER_INPUT: 400, CONFLICT: 409, SERVICE_UNAVAILABLE: 503 }[code] ?? 500;
  if (status === 500) console.error(`[${label}] internal error:`, error);
  const en = languageOf(req) === 'en';
  const message = known ? (en ? String(known.extensions.messageEn) : known.message) : en ? 'Internal server error' : '服务器内部错误，请稍后重试';
  if (status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  const fieldErrors = known?.extensions.fieldErrors;
  res.status(status).json(fieldErrors ? { code, message, fieldErrors } : { code, message });
}

/** A real calendar day written YYYY-MM-DD (2026-02-30 is not one). */
function isCalendarDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const at = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === value;
}

/** express.json's limit for /graphql, in bytes (10 MB: a sync batch of 5,000 records with room to spare). */
const GRAPHQL_BODY_LIMIT = 10 * 1024 * 1024;
/** Below this many bytes an answer is sent uncompressed (compression's threshold, as set below). */
const COMPRESS_THRESHOLD = 1024;
const JSON_TYPE = /^application\/json\s*(;\s*charset\s*=\s*("?)utf-8\2\s*)?$/i;

/**
 * The common GraphQL request, taken before Express: a POST to exactly /graphql with a JSON body of a declared length,
 * uncompressed. Express's router, body-parser (stream, charset decoding, type checks) and the compression wrapper cost
 * 0.36 ms of the API's 0.87 ms of CPU per `elder(id)` at 1M (an A/B under `pnpm bench`), for work this request does
 * not need. Anything else (another encoding, chunked or
 * oversize bodies, GET, a query string) returns false and goes to Express, which answers it as before. The answer is
 * the same: the same security headers, Apollo's `executeHTTPGraphQLRequest` with the same context, the same JSON
 * error for a body that is not JSON, and large answers compressed by the same middleware.
 */
function graphqlPost(
  options: AppOptions,
  apollo: ApolloServer<RequestContext>,
  app: express.Express,
  compress: express.RequestHandler,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'POST' || req.url !== '/graphql') return false;
    const headers = req.headers;
    const encoding = headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
    if (headers['transfer-encoding'] !== undefined || !JSON_TYPE.test(headers['content-type'] ?? '')) return false;
    const declared = Number(headers['content-length']);
    if (!Number.isInteger(declared) || declared < 0 || declared > GRAPHQL_BODY_LIMIT) return false;

    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    // The client's address as Express computes it (its request prototype's `ip`, under the same 'trust proxy').
    const ip = (Object.setPrototypeOf(req, app.request) as Request).ip ?? null;
    const chunks: Buffer[] = [];
    let length = 0;
    req.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      let body: unknown;
      try {
        body = parseJsonBody(length === declared ? Buffer.concat(chunks, length) : null);
      } catch (error) {
        sendRawError(req, res, 400, 'BAD_REQUEST', error);
        return;
      }
      requestScope.run({ sqlStatements: 0 }, () => {
        void answerGraphql(options, apollo, req, res, body, ip, compress).catch((error: unknown) => {
          console.error('[http] POST /graphql:', error);
          sendRawError(req, res, 500, 'INTERNAL_SERVER_ERROR');
        });
      });
    });
    return true;
  };
}

/** body-parser's strict JSON: an object or array, a leading BOM dropped, an empty body `{}`. Null: the length lied. */
function parseJsonBody(buffer: Buffer | null): unknown {
  if (buffer === null) throw Object.assign(new Error('request size did not match content length'), { type: 'request.size.invalid' });
  if (buffer.length === 0) return {};
  const text = buffer.toString('utf8').replace(/^\uFEFF/, '');
  const first = /^[\x20\x09\x0a\x0d]*(.)/.exec(text)?.[1];
  if (first !== '{' && first !== '[') throw Object.assign(new SyntaxError('not a JSON object'), { type: 'entity.parse.failed' });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw Object.assign(error as Error, { type: 'entity.parse.failed' });
  }
}

async function answerGraphql(
  options: AppOptions,
  apollo: ApolloServer<RequestContext>,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  ip: string | null,
  compress: express.RequestHandler,
): Promise<void> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  const answer = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'POST', headers, search: '', body },
    context: () => createContext(options, { token: bearer(req.headers.authorization), ip, lang: languageOf(req) }),
  });
  for (const [key, value] of answer.headers) res.setHeader(key, value);
  res.statusCode = answer.status ?? 200;
  if (answer.body.kind === 'chunked') {
    for await (const chunk of answer.body.asyncIterator) res.write(chunk);
    res.end();
    return;
  }
  const text = answer.body.string;
  const send = () => {
    res.setHeader('Content-Length', Buffer.byteLength(text));
    res.end(text);
  };
  // Large answers to a client that accepts an encoding go through the same compression middleware as Express's routes.
  if (req.headers['accept-encoding'] && Buffer.byteLength(text) >= COMPRESS_THRESHOLD) {
    compress(req as Request, res as Response, send);
    return;
  }
  res.setHeader('Vary', 'Accept-Encoding');
  send();
}

/** sendHttpError for a request Express never saw. */
function sendRawError(req: IncomingMessage, res: ServerResponse, status: number, code: string, error?: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const type = (error as { type?: unknown } | undefined)?.type;
  const [zh, en] = (typeof type === 'string' && HTTP_MESSAGES[type]) || STATUS_MESSAGES[status] || STATUS_MESSAGES[status >= 500 ? 500 : 400]!;
  const text = JSON.stringify({ code, message: languageOf(req) === 'en' ? en : zh, messageEn: en });
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** The HTTP application: GraphQL at /graphql, the admin console at /, liveness at /healthz and readiness at /readyz. */
export async function createApp(options: AppOptions) {
  const apollo = await createApollo(options);
  const app = express();
  app.disable('x-powered-by');
  // No ETag on API answers: each is computed for one POST and never revalidated, and hashing every body was 1–2% of
  // the API's CPU under load (a profile of `elder(id)`). Files keep theirs: sendFile and express.static set their own.
  app.set('etag', false);
  // The client's address (audit rows, the per-address login limit) comes from X-Forwarded-For only when the peer is a
  // proxy we run (TANFANG_TRUSTED_PROXIES, loopback by default); anyone else could write any address into the header.
  app.set('trust proxy', options.config.trustedProxies.length > 0 ? options.config.trustedProxies : false);
  app.use((_req, res, next) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    next();
  });
  // API answers (JSON) compressed on the fly; the console's files come precompressed (precompressed.ts) and pass
  // through untouched, since compression skips a response that already has a Content-Encoding.
  const compress = compression({ threshold: COMPRESS_THRESHOLD });
  app.use(compress);
  // Everything below runs inside one request scope: the ORM's logger counts this request's SQL statements.
  app.use((_req, _res, next) => requestScope.run({ sqlStatements: 0 }, next));

  // For load balancers. Liveness: the process answers (no database needed: a restart would not bring it back).
  app.get('/healthz', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ ok: true });
  });
  // Readiness: the database answers and every migration this build knows is applied; 503 otherwise.
  app.get('/readyz', async (_req, res) => {
    const state = await readiness(options.orm, options.replicas);
    res.setHeader('Cache-Control', 'no-store');
    if (!state.ready) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    res.status(state.ready ? 200 : 503).json(state);
  });

  app.use(
    '/graphql',
    express.json({ limit: GRAPHQL_BODY_LIMIT }),
    expressMiddleware(apollo, {
      context: ({ req }) =>
        createContext(options, { token: bearer(req.headers.authorization), ip: req.ip ?? null, lang: languageOf(req) }),
    }),
  );

  // The statistics table as a spreadsheet, with the same bearer token as the API (the console downloads it too).
  app.get('/reports/:regionCode/:file', async (req, res) => {
    const match = /^(.+)\.xlsx$/.exec(req.params.file);
    if (!match) {
      res.status(404).json({ code: 'NOT_FOUND', message: '请求 /reports/<地区代码>/<时段>.xlsx' });
      return;
    }
    // Path segments are client text like any other: %00 must not reach SQL as an internal error.
    if (!isStorableText(req.params.regionCode) || !isStorableText(req.params.file)) {
      const en = languageOf(req) === 'en';
      res.status(400).json({ code: 'BAD_USER_INPUT', message: en ? 'The address contains a character that cannot be stored' : '地址中含有无法识别的字符' });
      return;
    }
    try {
      const ctx = await createContext(options, { token: bearer(req.headers.authorization), ip: req.ip ?? null, lang: languageOf(req) });
      const file = await new ReportsService(ctx).workbook(req.params.regionCode, match[1]!);
      res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.setHeader('Content-Disposition', `attachment; filename="report-${req.params.regionCode}-${match[1]}.xlsx"`);
      res.setHeader('Cache-Control', 'no-store');
      res.send(file);
    } catch (error) {
      sendFileRouteError(req, res, error, 'reports');
    }
  });

  // The filtered elder list as a spreadsheet (导出名单): POST, because the body carries the filter and, to reveal
  // full identities, a purpose that has no place in a URL (proxies and browser history keep URLs).
  app.post('/elders/export.xlsx', express.json({ limit: '16kb' }), async (req, res) => {
    try {
      const ctx = await createContext(options, { token: bearer(req.headers.authorization), ip: req.ip ?? null, lang: languageOf(req) });
      const result = await exportElders(ctx, req.body);
      res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.setHeader('Content-Disposition', `attachment; filename="elders-${result.revealed ? 'full' : 'masked'}.xlsx"`);
      res.setHeader('X-Row-Count', String(result.rows));
      res.setHeader('Cache-Control', 'no-store');
      res.send(result.file);
    } catch (error) {
      sendFileRouteError(req, res, error, 'elders export');
    }
  });

  // 台账 spreadsheets (ledgers.service.ts): /ledgers/<region>/visits.xlsx?from=&to=, contacts.xlsx, teams.xlsx, with
  // the API's bearer token like the statistics table. (/ledgers and /ledgers/print are console pages: one segment.)
  app.get('/ledgers/:regionCode/:file', async (req, res) => {
    const kind = /^(visits|contacts|teams)\.xlsx$/.exec(req.params.file)?.[1];
    const en = languageOf(req) === 'en';
    if (!kind) {
      res.status(404).json({ code: 'NOT_FOUND', message: en ? 'Ask for /ledgers/<region code>/visits.xlsx, contacts.xlsx or teams.xlsx' : '请求 /ledgers/<地区代码>/visits.xlsx、contacts.xlsx 或 teams.xlsx' });
      return;
    }
    const from = typeof req.query.from === 'string' ? req.query.from : null;
    const to = typeof req.query.to === 'string' ? req.query.to : null;
    if (![req.params.regionCode, from ?? '', to ?? ''].every(isStorableText)) {
      res.status(400).json({ code: 'BAD_USER_INPUT', message: en ? 'The address contains a character that cannot be stored' : '地址中含有无法识别的字符' });
      return;
    }
    try {
      const ctx = await createContext(options, { token: bearer(req.headers.authorization), ip: req.ip ?? null, lang: languageOf(req) });
      const ledgers = new LedgerService(ctx);
      const file =
        kind === 'visits' ? await ledgers.visitLedgerWorkbook(req.params.regionCode, from, to)
        : kind === 'contacts' ? await ledgers.contactListWorkbook(req.params.regionCode)
        : await ledgers.teamRosterWorkbook(req.params.regionCode);
      res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.setHeader('Content-Disposition', `attachment; filename="ledger-${kind}-${req.params.regionCode}${from ? `-${from}-${to}` : ''}.xlsx"`);
      res.setHeader('Cache-Control', 'no-store');
      res.send(file);
    } catch (error) {
      sendFileRouteError(req, res, error, 'ledgers');
    }
  });

  // 考核 as a spreadsheet (assessment.service.ts): /assessment/<region>.xlsx?kind=MONTH&date=2026-11-15, optional
  // targetA / targetB / targetC (0-1), with the API's bearer token; audited.
  app.get('/assessment/:file', async (req, res) => {
    const regionCode = /^(\d{2,12})\.xlsx$/.exec(req.params.file)?.[1];
    const en = languageOf(req) === 'en';
    if (!regionCode) {
      res.status(404).json({ code: 'NOT_FOUND', message: en ? 'Ask for /assessment/<region code>.xlsx?kind=MONTH&date=YYYY-MM-DD' : '请求 /assessment/<地区代码>.xlsx?kind=MONTH&date=YYYY-MM-DD' });
      return;
    }
    const kind = typeof req.query.kind === 'string' ? req.query.kind : 'MONTH';
    const date = typeof req.query.date === 'string' ? req.query.date : '';
    if (!(Object.values(PeriodKind) as string[]).includes(kind) || !isCalendarDay(date)) {
      res.status(400).json({ code: 'BAD_USER_INPUT', message: en ? 'Give the period: kind (WEEK, MONTH, QUARTER, HALF_YEAR, YEAR) and date (YYYY-MM-DD)' : '请给出考核时段：kind（WEEK、MONTH、QUARTER、HALF_YEAR、YEAR）和 date（YYYY-MM-DD）' });
      return;
    }
    const targets = Object.values(ElderClassEnum)
      .filter((c) => typeof req.query[`target${c}`] === 'string')
      .map((c) => ({ class: c, rate: Number(req.query[`target${c}`]) }));
    try {
      const ctx = await createContext(options, { token: bearer(req.headers.authorization), ip: req.ip ?? null, lang: languageOf(req) });
      const file = await new AssessmentService(ctx).workbook(regionCode, { kind: kind as PeriodKind, date }, targets);
      res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.setHeader('Content-Disposition', `attachment; filename="assessment-${regionCode}-${date}.xlsx"`);
      res.setHeader('Cache-Control', 'no-store');
      res.send(file);
    } catch (error) {
      sendFileRouteError(req, res, error, 'assessment');
    }
  });
  // The API explorer (GraphiQL), before the console so its client-side routes do not swallow /explorer. Off (and
  // for unknown files under it) the path is a 404 like any unknown one, not the console's page.
  mountExplorer(app, explorerModeOf(options.config), (req, res) => sendHttpError(req, res, 404, 'NOT_FOUND'));

  const dist = options.config.adminDist;
  const index = path.join(dist, 'index.html');
  if (fs.existsSync(index)) {
    // Hashed names under /assets never change; everything else (index.html, the service worker, the manifest) is
    // revalidated on every load, so a new release reaches phones on their next start.
    app.use(precompressed(dist, (file) => (file.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache')));
    app.use('/assets', express.static(path.join(dist, 'assets'), { immutable: true, maxAge: '365d', fallthrough: false }));
    app.use(express.static(dist, { index: false, maxAge: 0 }));
    // Client-side routes (/elders, /login ...) all load the console.
    const indexPage = precompressed(dist, () => 'no-cache');
    app.use((req, res, next) => {
      if (req.method !== 'GET' || req.path.startsWith('/graphql')) return next();
      res.setHeader('Cache-Control', 'no-cache');
      // The page itself, compressed when the browser accepts it.
      req.url = '/index.html';
      indexPage(req, res, () => res.sendFile(index));
    });
  } else {
    app.get('/', (_req, res) => {
      res.type('text/plain; charset=utf-8').send('Tanfang API is running at /graphql. The admin console is not built: run `pnpm build`.');
    });
  }

  app.use((req, res) => sendHttpError(req, res, 404, 'NOT_FOUND'));
  // Last: every error outside GraphQL (a body that is not JSON, a false content-encoding, a body too large, a
  // missing or forbidden file under /assets) answers JSON with a code, never Express's HTML page with a stack trace
  // and the server's paths, whatever NODE_ENV says.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (isDatabaseUnavailable(error)) {
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      res.status(503).json({ code: 'SERVICE_UNAVAILABLE', message: languageOf(req) === 'en' ? SERVICE_UNAVAILABLE_MESSAGE.en : SERVICE_UNAVAILABLE_MESSAGE.zh, messageEn: SERVICE_UNAVAILABLE_MESSAGE.en });
      return;
    }
    const status = httpStatusOf(error);
    if (status >= 500) console.error(`[http] ${req.method} ${req.path}:`, error);
    sendHttpError(req, res, status, HTTP_CODES[status] ?? (status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST'), error);
  });

  const fast = graphqlPost(options, apollo, app, compress);
  /** The server's request listener: the common GraphQL POST first, everything else through Express. */
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    if (!fast(req, res)) app(req, res);
  };
  /** An HTTP server for `listener` listening on `port` (0: any free port). */
  const listen = (port: number): Promise<Server> =>
    new Promise((resolve, reject) => {
      const server = createServer(listener);
      server.once('error', reject);
      server.listen(port, () => resolve(server));
    });
  return { app, apollo, listener, listen, graphqlFront: fast };
}

export interface Readiness {
  ready: boolean;
  database: 'up' | 'down';
  /** Migrations of this build not yet applied to the database (another instance may be applying them). */
  pendingMigrations: string[];
  /**
   * Each streaming replica: up, its replay lag in seconds and whether it serves reads. A replica down or behind does
   * not make the instance unready: its reads go to the primary.
   */
  replicas?: ReplicaReport[];
}

/** Readiness of the primary and, with replicas, each replica's state and lag (measured in parallel). */
export async function readiness(orm: MikroORM, replicas?: ReplicaSet): Promise<Readiness> {
  const [state, replicaReports] = await Promise.all([primaryReadiness(orm), replicas?.size ? replicas.probe() : undefined]);
  return replicaReports ? { ...state, replicas: replicaReports } : state;
}

/** Answers within 3 s whatever the database does: a load balancer's probe must not hang. */
async function primaryReadiness(orm: MikroORM): Promise<Readiness> {
  const check = (async (): Promise<Readiness> => {
    const pending = await orm.getMigrator().getPendingMigrations();
    const pendingMigrations = pending.map((m) => m.name);
    return { ready: pendingMigrations.length === 0, database: 'up', pendingMigrations };
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Readiness>((resolve) => {
    timer = setTimeout(() => resolve({ ready: false, database: 'down', pendingMigrations: [] }), 3000);
  });
  try {
    return await Promise.race([check, timeout]);
  } catch {
    return { ready: false, database: 'down', pendingMigrations: [] };
  } finally {
    clearTimeout(timer);
  }
}

const HTTP_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  500: 'INTERNAL_SERVER_ERROR',
};

/** The status an error from Express or body-parser carries (client errors are 4xx), else 500. */
function httpStatusOf(error: unknown): number {
  const e = error as { status?: unknown; statusCode?: unknown } | null;
  const status = Number(e?.status ?? e?.statusCode);
  return Number.isInteger(status) && status >= 400 && status <= 599 ? status : 500;
}

const HTTP_MESSAGES: Record<string, [string, string]> = {
  'entity.parse.failed': ['请求体不是有效的 JSON', 'The request body is not valid JSON'],
  'entity.too.large': ['请求体过大（上限 10 MB）', 'The request body is too large (10 MB at most)'],
  'encoding.unsupported': ['不支持该 Content-Encoding（可用 gzip、deflate、br 或不压缩）', 'Unsupported Content-Encoding (use gzip, deflate, br or none)'],
  'charset.unsupported': ['不支持该字符集，请使用 UTF-8', 'Unsupported charset: use UTF-8'],
  'request.aborted': ['请求未发送完整', 'The request was cut off'],
  'request.size.invalid': ['请求体长度与 Content-Length 不符', 'The request body does not match its Content-Length'],
};

const STATUS_MESSAGES: Record<number, [string, string]> = {
  400: ['请求无法解析（例如压缩格式与 Content-Encoding 不符）', 'The request could not be read (for example its body does not match its Content-Encoding)'],
  403: ['禁止访问该路径', 'That path is forbidden'],
  404: ['没有这个地址', 'Nothing here'],
  413: HTTP_MESSAGES['entity.too.large']!,
  415: ['不支持的请求格式', 'Unsupported request format'],
  500: ['服务器内部错误，请稍后重试', 'Internal server error: try again later'],
};

function sendHttpError(req: Request, res: Response, status: number, code: string, error?: unknown): void {
  const type = (error as { type?: unknown } | undefined)?.type;
  const [zh, en] = (typeof type === 'string' && HTTP_MESSAGES[type]) || STATUS_MESSAGES[status] || STATUS_MESSAGES[status >= 500 ? 500 : 400]!;
  if (res.headersSent) {
    res.end();
    return;
  }
  res.status(status).json({ code, message: languageOf(req) === 'en' ? en : zh, messageEn: en });
}
