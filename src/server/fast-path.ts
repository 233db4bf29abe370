import type { IncomingMessage } from 'node:http';
import { getArgumentValues, getVariableValues, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import type { YogaServerInstance } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import { checkAccess, relationshipFieldRule } from '../auth/index.js';
import {
  compileByPk,
  compileByPkText,
  compileList,
  compileListText,
  planByPk,
  planList,
  textSupport,
  type ListArgs,
  type PageLimits,
  type PlanContext,
} from '../compile/index.js';
import type { DatabaseModel } from '../naming/index.js';
import type { GatewayContext } from '../schema/index.js';
import { planDocument, type DocumentPlan, type FastNamespace } from './fast-plan.js';
import { planRemote, statementText, stricter, type JsonText, type RemoteStatement, type Statement } from './fast-statements.js';
import { FAILED_STATEMENTS, type FailedStatement, type InitialContext, type ServerContext } from './request-context.js';
import type { DocumentCacheLimits } from './document-cache.js';
import type { TrustedDocuments } from './trusted-documents.js';
import type { RowBudgetLimits } from './row-budget.js';
import { providedVariablesError } from './use-provided-variables.js';
import { checkParamsNesting } from './use-request-limits.js';
import { rowBudgetCheck } from './use-row-budget.js';

/** Response content types by the Accept header's first media type (as yoga picks them). */
const CONTENT_TYPES: Record<string, string> = {
  '': 'application/json; charset=utf-8',
  '*/*': 'application/json; charset=utf-8',
  'application/json': 'application/json; charset=utf-8',
  'application/graphql-response+json': 'application/graphql-response+json; charset=utf-8',
};

/** Statement sets kept per document (one per variables value); variables longer than this are planned every time. */
const MAX_STATEMENT_SETS = 64;
const MAX_VARIABLES_KEY = 16 * 1024;

/** Everything about one (document, variables) pair that does not depend on who asks. */
interface Prepared {
  /** One per table field of every namespace, in plan order. */
  statements: Statement[];
  /** Databases that cross-database fields read: the caller needs a grant on each (the field guard's rule). */
  remoteDatabases: string[];
}

interface CachedDocument {
  plan: DocumentPlan | undefined;
  /** By JSON of the raw variables; NONE means "the full pipeline answers" (a refusal or an error to report). */
  prepared: LRUCache<string, Prepared | { none: true }>;
}

/** A complete HTTP answer from the fast path. */
export interface FastAnswer {
  status: number;
  contentType: string;
  /** The body in pieces, to be written one after the other (see writeBody). */
  body: JsonText[];
}

export interface FastPathLimits extends RowBudgetLimits, PageLimits {
  maxNesting: number;
  /** Documents kept per schema, bounded like yoga's document cache (count and text bytes). */
  documentCache: DocumentCacheLimits;
}

export interface FastPathDeps {
  yoga: YogaServerInstance<Record<string, unknown>, GatewayContext>;
  schemas: { readonly schema: GraphQLSchema; readonly databaseModels: readonly DatabaseModel[] };
  context: (initial: InitialContext) => Promise<ServerContext>;
  limits: FastPathLimits;
  /** Persisted / trusted documents: a hash is answered by its text, as in yoga. */
  trusted: Pick<TrustedDocuments, 'resolve'>;
}

/** Counters a test (or a curious operator) can read. */
export interface FastPathStats {
  /** Requests the fast path answered. */
  answered: number;
  /** Requests it handed to the full pipeline after looking at them. */
  declined: number;
}

const NONE = { none: true } as const;

/**
 * PERF: answers the common read — database namespaces holding root lists and `tByPk` — straight
 * from node:http with Postgres-built JSON text, skipping yoga's fetch-API layer, the executor
 * and re-serialisation. It keeps every rule: it runs only for requests it can prove the full
 * pipeline would answer with 200 and data (no Origin header, JSON body, a document that parsed
 * and validated through yoga's own parse / validate and every limit plugin, variables that
 * coerce, provided nested variables, a row estimate small enough to pass the gate, a caller the
 * authorization wrapper lets through, statements that succeed); on anything else it returns
 * undefined and the caller hands the untouched request to yoga. Statements run through the same
 * request context (identity, RLS session) and are counted in the same metric.
 */
export function createFastPath(deps: FastPathDeps) {
  const bySchema = new WeakMap<GraphQLSchema, LRUCache<string, CachedDocument>>();
  const stats: FastPathStats = { answered: 0, declined: 0 };
  const smallRows = deps.limits.maxRows / 4;

  const documentOf = (schema: GraphQLSchema, models: readonly DatabaseModel[], query: string, operationName: string | undefined): CachedDocument | undefined => {
    let documents = bySchema.get(schema);
    if (!documents) {
      const { maxDocuments, maxBytes } = deps.limits.documentCache;
      documents = new LRUCache({ max: maxDocuments, maxSize: maxBytes, sizeCalculation: (_, k) => Math.max(1, k.length) });
      bySchema.set(schema, documents);
    }
    const cacheKey = `${operationName ?? ''}\n${query}`;
    let entry = documents.get(cacheKey);
    if (entry) return entry;
    // SECURITY: yoga's own parse and validate, so the nesting limit, graphql-armor's depth /
    // aliases / tokens rules and the introspection switch judge the document exactly as for yoga.
    const enveloped = deps.yoga.getEnveloped({ params: { query, operationName } });
    if (enveloped.schema !== schema) return undefined; // a swap in between: try again next time
    let plan: DocumentPlan | undefined;
    try {
      const document = enveloped.parse(query);
      if (enveloped.validate(schema, document).length === 0) plan = planDocument(schema, models, document, operationName);
    } catch {
      plan = undefined;
    }
    entry = { plan, prepared: new LRUCache({ max: MAX_STATEMENT_SETS }) };
    documents.set(cacheKey, entry);
    return entry;
  };

  const prepare = (plan: DocumentPlan, raw: Record<string, unknown>): Prepared | undefined => {
    const args = { schema: plan.schema, document: plan.document, operationName: plan.operationName, variableValues: raw };
    if (providedVariablesError(args)) return undefined;
    const budget = rowBudgetCheck(args, deps.limits);
    if (budget.error || budget.rows > smallRows) return undefined; // refusals and gated operations: the full pipeline
    let variables: Record<string, unknown> = {};
    if (plan.hasVariables) {
      const coerced = getVariableValues(plan.schema, plan.operation.variableDefinitions ?? [], raw, { maxErrors: 1 });
      if (coerced.errors) return undefined;
      variables = coerced.coerced;
    }
    let external = false;
    const ctx: PlanContext = { schema: plan.schema, variables, fragments: plan.fragments, limits: deps.limits, onExternalField: () => void (external = true) };
    const statements: Statement[] = [];
    const remoteDatabases = new Set<string>();
    for (const root of plan.roots) {
      if (root.kind !== 'namespace') continue;
      for (const field of root.fields) {
        if (field.kind === 'constant') continue;
        const fieldArgs = getArgumentValues(field.field, field.nodes[0], variables);
        const select =
          field.kind === 'list'
            ? planList(field.table, field.nodes.map((n) => n.selectionSet), fieldArgs as ListArgs, ctx, field.table.ops.list)
            : planByPk(field.table, field.nodes, fieldArgs, ctx);
        const support = textSupport(select, { remote: true });
        if (!support || external) return undefined;
        const query = field.kind === 'list' ? compileListText(select) : compileByPkText(select);
        let mode = support.mode;
        const remotes: RemoteStatement[] = [];
        for (const remote of query.remotes) {
          const planned = planRemote(plan.schema, remote, variables, ctx);
          if (!planned || external) return undefined;
          mode = stricter(mode, planned.mode);
          remoteDatabases.add(planned.statement.database);
          remotes.push(planned.statement);
        }
        const resolverQuery = field.kind === 'list' ? compileList(select) : compileByPk(select);
        statements.push({ database: field.table.database, query, mode, remotes, resolverQuery });
      }
    }
    return { statements, remoteDatabases: [...remoteDatabases] };
  };

  const preparedFor = (entry: CachedDocument, raw: Record<string, unknown>): Prepared | undefined => {
    const plan = entry.plan!;
    const variablesKey = plan.hasVariables ? JSON.stringify(raw) : '';
    const hit = entry.prepared.get(variablesKey);
    if (hit) return 'none' in hit ? undefined : hit;
    let prepared: Prepared | undefined;
    try {
      prepared = prepare(plan, raw);
    } catch {
      prepared = undefined; // planning errors (LIMIT_EXCEEDED, bad arguments) are reported by the full pipeline
    }
    if (variablesKey.length <= MAX_VARIABLES_KEY) entry.prepared.set(variablesKey, prepared ?? NONE);
    return prepared;
  };

  /** Runs the namespace resolvers (the authorization wrapper) and the relationship fields' rule; false when any refuses. */
  const authorized = async (plan: DocumentPlan, prepared: Prepared, ctx: ServerContext): Promise<boolean> => {
    try {
      const info = {} as GraphQLResolveInfo;
      for (const root of plan.roots) {
        if (root.kind === 'namespace') await (root as FastNamespace).resolve(undefined, {}, ctx, info);
      }
      for (const database of prepared.remoteDatabases) await checkAccess(relationshipFieldRule(database), ctx.identity, {}, ctx.admin);
      return true;
    } catch {
      return false;
    }
  };

  /**
   * The answer to one POST /graphql whose body has been read, or undefined when the full
   * pipeline must answer. `count: false` leaves the statement metric alone (verify mode, where
   * the reference run counts).
   */
  async function answer(req: IncomingMessage, body: Buffer, { count = true } = {}): Promise<FastAnswer | undefined> {
    const declined = () => void stats.declined++;
    const headers = req.headers;
    // SECURITY: a request from a browser page (Origin) goes through useBrowserSafety and CORS in yoga.
    if (headers.origin !== undefined) return declined();
    const type = (headers['content-type'] ?? '').split(/[;,]/)[0].trim().toLowerCase();
    if (type !== 'application/json') return declined();
    const accept = headers.accept ?? '';
    const contentType = CONTENT_TYPES[accept.includes(';') ? ';' : accept.split(',')[0].trim().toLowerCase()];
    if (!contentType) return declined();
    let params: Record<string, unknown>;
    try {
      params = JSON.parse(body.toString('utf8'));
    } catch {
      return declined();
    }
    if (params === null || typeof params !== 'object' || Array.isArray(params)) return declined();
    const { operationName, variables, extensions } = params;
    if (operationName != null && typeof operationName !== 'string') return declined();
    if (variables != null && (typeof variables !== 'object' || Array.isArray(variables))) return declined();
    if (extensions != null && (typeof extensions !== 'object' || Object.keys(extensions).some((k) => k !== 'persistedQuery'))) return declined();
    let query: string | undefined;
    try {
      query = deps.trusted.resolve(params);
    } catch {
      return declined(); // PERSISTED_QUERY_NOT_FOUND and friends: reported by yoga
    }
    if (typeof query !== 'string') return declined();
    try {
      checkParamsNesting({ variables, extensions }, deps.limits.maxNesting);
    } catch {
      return declined();
    }
    const { schema, databaseModels } = deps.schemas;
    const entry = documentOf(schema, databaseModels, query, (operationName as string | null) ?? undefined);
    if (!entry?.plan) return declined();
    const prepared = preparedFor(entry, (variables as Record<string, unknown>) ?? {});
    if (!prepared) return declined();
    let ctx: ServerContext;
    try {
      ctx = await deps.context({ req });
    } catch {
      return declined(); // UNAUTHENTICATED and friends: reported by the full pipeline
    }
    if (!(await authorized(entry.plan, prepared, ctx))) return declined();
    let texts: (JsonText | null)[];
    const sent: string[] = [];
    try {
      texts = await Promise.all(prepared.statements.map((s) => statementText(s, ctx, sent)));
    } catch (error) {
      // NOTE: the full pipeline answers, and the failed statement's error is replayed to its resolver
      // instead of running it again; statements that succeeded run again there (and are counted there).
      const failure = (error as { failed?: FailedStatement }).failed;
      if (failure) ((req as { [FAILED_STATEMENTS]?: FailedStatement[] })[FAILED_STATEMENTS] ??= []).push(failure);
      return declined();
    }
    if (count) for (const database of sent) ctx.countStatement(database);
    stats.answered++;
    return { status: 200, contentType, body: responsePieces(entry.plan, texts) };
  }

  return { answer, stats };
}

/**
 * `{"data":{…}}` from the plan's constant parts and each statement's JSON text, as pieces to be
 * written one after the other. PERF: not concatenated into one string, whose flattening would copy
 * every large text once more (see writeBody).
 */
function responsePieces(plan: DocumentPlan, texts: readonly (JsonText | null)[]): JsonText[] {
  const pieces: JsonText[] = [];
  let out = '{"data":{';
  let i = 0;
  plan.roots.forEach((root, r) => {
    if (r > 0) out += ',';
    if (root.kind === 'constant') {
      out += root.prefix + root.json;
      return;
    }
    out += `${root.prefix}{`;
    root.fields.forEach((field, f) => {
      if (f > 0) out += ',';
      if (field.kind === 'constant') {
        out += field.prefix + field.json;
        return;
      }
      pieces.push(out + field.prefix, texts[i] ?? 'null');
      out = '';
      i++;
    });
    out += '}';
  });
  pieces.push(`${out}}}`);
  return pieces;
}

/** The pieces of a body as one UTF-8 buffer, each copied once. */
export function writeBody(pieces: readonly JsonText[]): Buffer {
  let bytes = 0;
  for (const piece of pieces) bytes += typeof piece === 'string' ? Buffer.byteLength(piece) : piece.length;
  const body = Buffer.allocUnsafe(bytes);
  let at = 0;
  for (const piece of pieces) at += typeof piece === 'string' ? body.write(piece, at) : piece.copy(body, at);
  return body;
}
