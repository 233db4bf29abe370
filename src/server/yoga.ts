import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { GraphQLError } from 'graphql';
import { createYoga, maskError, type GraphiQLOptions, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/index.js';
import type { GatewayContext } from '../schema/index.js';
import { corsOptions, useBrowserSafety, type OriginPolicy } from './browser-safety.js';
import type { InitialContext } from './request-context.js';
import type { SchemaManager } from './schema-manager.js';
import { createDocumentCaches } from './document-cache.js';
import { liveAwareSubscribe } from './live-subscribe.js';
import { useJit } from './use-jit.js';
import { useProvidedVariables } from './use-provided-variables.js';
import { useRequestLimits } from './use-request-limits.js';
import { useRowBudget } from './use-row-budget.js';
import { useSchemaSwap } from './use-schema-swap.js';
import { useTrustedDocuments, type TrustedDocuments } from './trusted-documents.js';

let graphiqlPage: Promise<string> | undefined;

/**
 * GraphiQL from `@graphql-yoga/render-graphiql`: script, styles and editor workers inline in one
 * page (about 9 MB), so it works without internet (yoga's default loads them from a CDN).
 * PERF: the module is imported on the first GraphiQL request and the page rendered once.
 */
function renderOfflineGraphiQL(options: GraphiQLOptions): Promise<string> {
  graphiqlPage ??= import('@graphql-yoga/render-graphiql').then((m) => m.renderGraphiQL(options));
  return graphiqlPage;
}

/**
 * The yoga instance: browser safety (origin check, CSRF, CORS for listed origins), schema swap,
 * request limits (nesting, GET, persisted / trusted documents, variables provided, graphql-armor depth / aliases / tokens, the
 * row budget), graphql-jit execution, introspection switch, masked unexpected errors (logged,
 * scrubbed by the logger).
 */
export function createGatewayYoga(
  config: GatewayConfig,
  schemas: SchemaManager,
  context: (initial: InitialContext) => Promise<GatewayContext>,
  log: Logger,
  origins: OriginPolicy,
  trusted: TrustedDocuments,
): YogaServerInstance<Record<string, unknown>, GatewayContext> {
  const { limits } = config;
  const plugins: Plugin[] = [
    useBrowserSafety(origins),
    useSchemaSwap(schemas),
    useTrustedDocuments(trusted),
    // PERF: graphql-js subscribe (no incremental delivery is offered), with live queries pushed on change
    // only; queries and mutations run JIT-compiled.
    { onSubscribe: ({ setSubscribeFn }) => setSubscribeFn(liveAwareSubscribe as never) } as Plugin,
    useProvidedVariables(),
    useJit(),
    maxDepthPlugin({ n: limits.maxDepth, flattenFragments: true }) as Plugin,
    maxAliasesPlugin({ n: limits.maxAliases }) as Plugin,
    maxTokensPlugin({ n: limits.maxTokens }) as Plugin,
    useRequestLimits({ maxNesting: limits.maxNesting, allowGet: config.allowGet }),
    useRowBudget(limits),
  ];
  if (!config.introspection) plugins.push(useDisableIntrospection() as Plugin);
  return createYoga<Record<string, unknown>, GatewayContext>({
    plugins,
    parserAndValidationCache: createDocumentCaches(limits.documentCache),
    context: (initial) => context(initial as InitialContext),
    graphqlEndpoint: '/graphql',
    cors: corsOptions(origins),
    // SECURITY: multipart bodies need no CORS preflight; useBrowserSafety refuses them too.
    multipart: false,
    graphiql: config.graphiql && config.introspection ? { subscriptionsProtocol: 'WS', title: 'Switchyard GraphiQL' } : false,
    renderGraphiQL: renderOfflineGraphiQL,
    landingPage: false,
    maskedErrors: {
      maskError: (error, message) => {
        const original = (error as { originalError?: unknown }).originalError ?? error;
        if (!(original instanceof GraphQLError)) log.error({ err: (original as Error)?.message ?? String(original) }, 'unexpected error');
        return maskError(error, message, false);
      },
    },
    logging: {
      debug: (...args) => log.debug(args.map(String).join(' ')),
      info: (...args) => log.info(args.map(String).join(' ')),
      warn: (...args) => log.warn(args.map(String).join(' ')),
      error: (...args) => log.error(args.map(String).join(' ')),
    },
  });
}
