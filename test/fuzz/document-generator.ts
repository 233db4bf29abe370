import fc from 'fast-check';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';

/** One generated read, in two forms that must answer the same. */
export interface GeneratedOperation {
  /** Every argument written as a literal. */
  inline: string;
  /** The same arguments passed as whole variables or as variables inside literals. */
  withVariables: string;
  variables: Record<string, unknown>;
}

/** An argument value with the type it was generated for; `undefined` fields are left out. */
type Value = { type: GraphQLInputType; value: unknown };

const STRINGS = ['SD-001', 'BL-1', 'ana@example.com', '', '%a%', 'Ünïcode ✓', 'quote " and \\ backslash', 'x'.repeat(40)];
const SCALARS: Record<string, fc.Arbitrary<unknown>> = {
  Int: fc.oneof(fc.integer({ min: -1, max: 6 }), fc.constantFrom(50, 2_000_000)),
  Float: fc.constantFrom(0, 1.5, -2.25, 1e6),
  String: fc.constantFrom(...STRINGS),
  ID: fc.constantFrom('1', 'SD-001', 'nope'),
  Boolean: fc.boolean(),
  BigInt: fc.constantFrom('0', '1', '-7', '9007199254740993'),
  BigDecimal: fc.constantFrom('0', '1.5', '-2.25', '100'),
  DateTime: fc.constantFrom('2020-01-01T00:00:00Z', '2030-06-01T12:30:00+02:00'),
  Date: fc.constantFrom('2020-01-01', '2030-06-01'),
  JSON: fc.constantFrom({ owner: 'ana' }, { tags: ['rules'] }, 1, 'x'),
};

/** A value for `type`, `depth` levels of input objects at most. */
function valueOf(type: GraphQLInputType, depth: number): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return valueOf(type.ofType, depth);
  if (isListType(type)) return fc.array(valueOf(type.ofType as GraphQLInputType, depth), { maxLength: depth > 0 ? 2 : 1 });
  if (isEnumType(type)) return fc.constantFrom(...type.getValues().map((v) => v.name));
  if (isScalarType(type)) return SCALARS[type.name] ?? fc.constantFrom(...STRINGS);
  const all = Object.values(type.getFields());
  const required = all.filter((f) => isNonNullType(f.type));
  const optional = all.filter((f) => !isNonNullType(f.type) && (depth > 0 || isLeafType(getNamedType(f.type))));
  // NOTE: one to three optional fields, so that filters stay small enough to mean something.
  const picked = optional.length ? fc.subarray(optional, { minLength: 1, maxLength: Math.min(3, optional.length) }) : fc.constant([]);
  return picked.chain((fields) => {
    const chosen = [...required, ...fields];
    if (!chosen.length) return fc.constant({});
    return fc.tuple(...chosen.map((f) => valueOf(f.type, depth - 1))).map((values) => Object.fromEntries(chosen.map((f, i) => [f.name, values[i]])));
  });
}

/** GraphQL literal of `value` as `type`. */
export function literal(type: GraphQLInputType, value: unknown): string {
  if (isNonNullType(type)) return literal(type.ofType, value);
  if (value === null) return 'null';
  if (isListType(type)) return `[${(value as unknown[]).map((v) => literal(type.ofType as GraphQLInputType, v)).join(', ')}]`;
  if (isEnumType(type)) return String(value);
  if (isScalarType(type)) return type.name === 'JSON' ? jsonLiteral(value) : JSON.stringify(value);
  const fields = type.getFields();
  return `{ ${Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${literal(fields[k].type, v)}`).join(', ')} }`;
}

function jsonLiteral(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(jsonLiteral).join(', ')}]`;
  if (value && typeof value === 'object') return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${jsonLiteral(v)}`).join(', ')} }`;
  return JSON.stringify(value);
}

/** Prints `value` with some leaves (scalars, enums, lists of them) replaced by new variables. */
function withLeafVariables(type: GraphQLInputType, value: unknown, declare: (type: GraphQLInputType, value: unknown) => string, pick: () => boolean): string {
  const named = getNamedType(type);
  if (value === null || value === undefined) return literal(type, value);
  if (isInputObjectType(named) && !isListType(isNonNullType(type) ? type.ofType : type)) {
    const fields = named.getFields();
    const parts = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{ ${parts.map(([k, v]) => `${k}: ${withLeafVariables(fields[k].type, v, declare, pick)}`).join(', ')} }`;
  }
  if (isInputObjectType(named)) {
    const item = (isNonNullType(type) ? type.ofType : type) as { ofType: GraphQLInputType };
    return `[${(value as unknown[]).map((v) => withLeafVariables(item.ofType, v, declare, pick)).join(', ')}]`;
  }
  return pick() ? declare(type, value) : literal(type, value);
}

interface Step {
  name: string;
  args: [GraphQLArgument, unknown][];
  children: Step[];
}

const leaf = (name: string): Step => ({ name, args: [], children: [] });

/** A selection on `type`: one to four leaf fields and, while `depth` lasts, up to two nested fields. */
function selectionOf(type: GraphQLObjectType, depth: number, inputDepth: number): fc.Arbitrary<Step[]> {
  const fields = Object.values(type.getFields());
  const leaves = fields.filter((f) => isLeafType(getNamedType(f.type)) && f.args.every((a) => !isNonNullType(a.type))).map((f) => f.name);
  const nested = depth > 0 ? fields.filter((f) => isObjectType(getNamedType(f.type))) : [];
  const leafPick = leaves.length ? fc.subarray(leaves, { minLength: 1, maxLength: Math.min(4, leaves.length) }) : fc.constant(['__typename']);
  const nestedPick = nested.length ? fc.subarray(nested, { maxLength: Math.min(2, nested.length) }) : fc.constant([] as GraphQLField<unknown, unknown>[]);
  return fc.tuple(leafPick, nestedPick).chain(([names, picks]) =>
    picks.length ? fc.tuple(...picks.map((f) => stepOf(f, depth - 1, inputDepth))).map((kids) => [...names.map(leaf), ...kids]) : fc.constant(names.map(leaf)),
  );
}

function stepOf(field: GraphQLField<unknown, unknown>, depth: number, inputDepth: number): fc.Arbitrary<Step> {
  const args = field.args.map((a) =>
    (isNonNullType(a.type) ? valueOf(a.type, inputDepth) : fc.option(valueOf(a.type, inputDepth), { nil: undefined, freq: 2 })).map((v) => [a, v] as [GraphQLArgument, unknown]),
  );
  const named = getNamedType(field.type);
  const children = isObjectType(named) ? selectionOf(named, depth, inputDepth) : fc.constant([] as Step[]);
  return fc.tuple(fc.tuple(...args), children).map(([values, kids]) => ({ name: field.name, args: values.filter(([, v]) => v !== undefined), children: kids }));
}

/**
 * Reads under one database namespace of `schema`: a root field with random arguments (filters
 * with and / or / not and relation filters, orderBy, limits, cursors) and a random selection,
 * printed inline and with its arguments as variables — whole, or as leaves inside literals.
 */
export function readOperation(schema: GraphQLSchema, options: { inputDepth?: number; selectionDepth?: number } = {}): fc.Arbitrary<GeneratedOperation> {
  const query = schema.getQueryType()!;
  const namespaces = Object.values(query.getFields()).filter((f) => f.args.length === 0 && isObjectType(f.type) && f.type.name.endsWith('_Query'));
  const inputDepth = options.inputDepth ?? 3;
  const selectionDepth = options.selectionDepth ?? 2;
  return fc
    .constantFrom(...namespaces)
    .chain((ns) => fc.constantFrom(...Object.values((ns.type as GraphQLObjectType).getFields())).chain((root) => stepOf(root, selectionDepth, inputDepth)).map((step) => ({ ns, step })))
    .chain(({ ns, step }) => fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }).map((coins) => print(ns.name, step, coins)));
}

function print(namespace: string, root: Step, coins: boolean[]): GeneratedOperation {
  let coin = 0;
  const flip = () => coins[coin++ % coins.length];
  const definitions: string[] = [];
  const variables: Record<string, unknown> = {};
  const declare = (type: GraphQLInputType, value: unknown) => {
    const name = `v${definitions.length}`;
    definitions.push(`$${name}: ${type.toString()}`);
    variables[name] = value;
    return `$${name}`;
  };
  const render = (step: Step, asVariables: boolean): string => {
    const args = step.args.map(([arg, value]) => {
      if (!asVariables || value === null) return `${arg.name}: ${literal(arg.type, value)}`;
      if (flip()) return `${arg.name}: ${declare(arg.type, value)}`;
      return `${arg.name}: ${withLeafVariables(arg.type, value, declare, flip)}`;
    });
    const head = args.length ? `${step.name}(${args.join(', ')})` : step.name;
    return step.children.length ? `${head} { ${step.children.map((c) => render(c, asVariables)).join(' ')} }` : head;
  };
  const inline = `{ ${namespace} { ${render(root, false)} } }`;
  const body = `{ ${namespace} { ${render(root, true)} } }`;
  return { inline, withVariables: definitions.length ? `query(${definitions.join(', ')}) ${body}` : body, variables };
}

/** Text mangled the way a fuzzer would: cut, bracket storms, stray characters, deep nesting. */
export function malformedText(base: string): fc.Arbitrary<string> {
  const junk = fc.constantFrom('{', '}', '[', ']', '(', ')', '$', ':', '!', '@', '"', '"""', '#', '\\', ',', '...', 'null', '\u0000', '\ud800');
  return fc.oneof(
    fc.nat({ max: base.length }).map((n) => base.slice(0, n)),
    fc.tuple(fc.nat({ max: base.length }), fc.array(junk, { minLength: 1, maxLength: 8 })).map(([at, bits]) => base.slice(0, at) + bits.join('') + base.slice(at)),
    fc.integer({ min: 50, max: 3000 }).map((n) => `{ a(b: ${'['.repeat(n)}1${']'.repeat(n)}) }`),
    fc.integer({ min: 50, max: 3000 }).map((n) => `${'{ a '.repeat(n)}${'}'.repeat(n)}`),
    fc.string({ maxLength: 200 }),
  );
}
