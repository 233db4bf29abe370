import { GraphQLError } from 'graphql';

/** Every error code the gateway gives to clients (extensions.code). */
export type ErrorCode =
  | 'BAD_CONFIG'
  | 'BAD_USER_INPUT'
  | 'DB_UNAVAILABLE'
  | 'POOL_EXHAUSTED'
  | 'DB_ERROR'
  | 'CONSTRAINT_VIOLATION'
  | 'READ_ONLY'
  | 'NOT_UPDATABLE'
  | 'TRANSACTION_POOLER'
  | 'DDL_FAILED'
  | 'MIGRATION_LOCKED'
  | 'MIGRATION_FAILED'
  | 'NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'LIMIT_EXCEEDED'
  | 'ORIGIN_NOT_ALLOWED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'ROW_BUDGET_EXCEEDED'
  | 'PAYLOAD_TOO_LARGE'
  | 'PERSISTED_QUERY_NOT_FOUND'
  | 'TRUSTED_DOCUMENT_REQUIRED';

/**
 * Codes that say "try the same request again shortly": the request was fine, the database or
 * its pool was not. Errors with these codes carry `extensions.retryable: true`.
 */
export const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['DB_UNAVAILABLE', 'POOL_EXHAUSTED']);

export interface GatewayErrorOptions {
  /** Registered database the error concerns. */
  database?: string;
  /** What the user can do about it. */
  hint?: string;
  /** Postgres SQLSTATE, constraint, position… (never credentials). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * An error meant for the client: yoga shows its message and extensions instead of
 * masking it. Messages name where they come from: `[connections:app] connection refused`.
 */
export class GatewayError extends GraphQLError {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    // NOTE: the cause is kept off `originalError`: yoga masks errors whose original error is not a GraphQLError.
    super(message, {
      extensions: {
        code,
        ...(options.database ? { database: options.database } : {}),
        ...(options.hint ? { hint: options.hint } : {}),
        ...options.details,
        ...(RETRYABLE_CODES.has(code) ? { retryable: true } : {}),
        // yoga turns this into the HTTP status and strips it from the response.
        ...(code === 'UNAUTHENTICATED' ? { http: { status: 401 } } : {}),
      },
    });
    this.code = code;
    if (options.cause !== undefined) Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false });
  }
}
