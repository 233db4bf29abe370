import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

function literal(node: ValueNode, variables?: Record<string, unknown> | null): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.BOOLEAN:
      return node.value;
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map((v) => literal(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literal(f.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[node.name.value];
  }
}

/** Any JSON value (json / jsonb columns). */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value (Postgres json and jsonb).',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: literal,
});

/** Exact decimal text: accepted from strings or JSON numbers that are safe, always sent as a string. */
function exactScalar(name: string, description: string, pattern: RegExp) {
  const check = (v: unknown): string => {
    const text = typeof v === 'number' && Number.isFinite(v) && (name !== 'BigInt' || Number.isSafeInteger(v)) ? String(v) : v;
    if (typeof text !== 'string' || !pattern.test(text)) throw new GraphQLError(`${name} cannot represent ${JSON.stringify(v)}: expected ${description}`);
    return text;
  };
  return new GraphQLScalarType({
    name,
    description: `${description} Sent as a string so no digit is lost.`,
    serialize: (v) => String(v),
    parseValue: check,
    parseLiteral: (node) => {
      if (node.kind !== Kind.STRING && node.kind !== Kind.INT && node.kind !== (name === 'BigInt' ? Kind.INT : Kind.FLOAT)) {
        throw new GraphQLError(`${name} cannot represent a non-numeric value: ${node.kind}`);
      }
      return check((node as { value: string }).value);
    },
  });
}

export const BigIntScalar = exactScalar('BigInt', 'a signed 64-bit integer (Postgres int8).', /^-?\d{1,19}$/);
export const BigDecimalScalar = exactScalar('BigDecimal', 'an exact decimal number (Postgres numeric).', /^(-?\d+(\.\d+)?([eE][-+]?\d+)?|NaN|-?Infinity)$/);

function isoScalar(name: string, description: string, pattern: RegExp) {
  const check = (v: unknown) => {
    if (typeof v !== 'string' || !pattern.test(v)) throw new GraphQLError(`${name} cannot represent ${JSON.stringify(v)}: expected ${description}`);
    return v;
  };
  return new GraphQLScalarType({
    name,
    description,
    serialize: (v) => (v instanceof Date ? v.toISOString() : String(v)),
    parseValue: check,
    parseLiteral: (node) => check(node.kind === Kind.STRING ? node.value : undefined),
  });
}

export const DateTimeScalar = isoScalar(
  'DateTime',
  'An ISO-8601 date and time, e.g. 2026-11-22T10:00:00Z (Postgres timestamp / timestamptz).',
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/,
);
export const DateScalar = isoScalar('Date', 'An ISO-8601 calendar date, e.g. 2026-11-22 (Postgres date).', /^\d{4}-\d{2}-\d{2}$/);
