import SchemaBuilder from '@pothos/core';
import type { ScalarName } from '../naming/index.js';
import type { GatewayContext } from './context.js';
import { BigDecimalScalar, BigIntScalar, DateScalar, DateTimeScalar, JSONScalar } from './scalars.js';

export interface SchemaTypes {
  Context: GatewayContext;
  Scalars: {
    JSON: { Input: unknown; Output: unknown };
    BigInt: { Input: string; Output: string };
    BigDecimal: { Input: string; Output: string };
    DateTime: { Input: string; Output: string };
    Date: { Input: string; Output: string };
  };
  DefaultFieldNullability: false;
}

export type Builder = PothosSchemaTypes.SchemaBuilder<PothosSchemaTypes.ExtendDefaultTypes<SchemaTypes>>;
/** Generated types are only known at run time, so their refs are untyped. */
export type AnyRef = any;
export type Row = Record<string, any>;

/** Comparison operators offered per scalar. */
const OPERATORS: Record<ScalarName, string[]> = {
  String: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'like', 'ilike'],
  Int: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin'],
  Float: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin'],
  BigInt: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin'],
  BigDecimal: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin'],
  DateTime: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin'],
  Date: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin'],
  Boolean: ['eq', 'neq'],
  JSON: ['eq', 'neq', 'contains'],
};

export interface SharedTypes {
  orderDirection: AnyRef;
  filters: Record<ScalarName, AnyRef>;
}

/** A builder with the gateway's scalars, the order direction enum and one comparison input per scalar. */
export function createBuilder(): { builder: Builder; shared: SharedTypes } {
  const builder = new SchemaBuilder<SchemaTypes>({ defaultFieldNullability: false }) as unknown as Builder;
  builder.addScalarType('JSON', JSONScalar);
  builder.addScalarType('BigInt', BigIntScalar);
  builder.addScalarType('BigDecimal', BigDecimalScalar);
  builder.addScalarType('DateTime', DateTimeScalar);
  builder.addScalarType('Date', DateScalar);
  const orderDirection = builder.enumType('OrderDirection', {
    description: 'Sort order; ASC puts NULLs last and DESC puts them first, as Postgres does.',
    values: ['ASC', 'ASC_NULLS_FIRST', 'ASC_NULLS_LAST', 'DESC', 'DESC_NULLS_FIRST', 'DESC_NULLS_LAST'] as const,
  });
  const filters = {} as Record<ScalarName, AnyRef>;
  for (const [scalar, ops] of Object.entries(OPERATORS) as [ScalarName, string[]][]) {
    filters[scalar] = comparisonInput(builder, `${scalar}Filter`, scalar, ops);
  }
  return { builder, shared: { orderDirection, filters } };
}

/** `{ eq neq gt … in nin isNull }` for values of `type`. */
export function comparisonInput(builder: Builder, name: string, type: AnyRef, ops: string[]): AnyRef {
  return builder.inputType(name, {
    description: `Conditions on a ${typeof type === 'string' ? type : name.replace(/Filter$/, '')} column; all given ones must hold.`,
    fields: (t: any) => ({
      ...Object.fromEntries(
        ops.map((op) => [op, op === 'in' || op === 'nin' ? t.field({ type: [type], required: false }) : t.field({ type, required: false })]),
      ),
      isNull: t.boolean({ required: false }),
    }),
  } as any);
}
