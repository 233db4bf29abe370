import { describe, expect, it } from 'vitest';
import { aggregateNames, buildDatabaseModel, relationAggregates } from '../../src/naming/index.js';
import { catalog, column, fk, table } from '../naming/hand-catalog.js';

const model = () =>
  buildDatabaseModel('shop', catalog([
    table('orders', [column('id', 'int4', { nullable: false }), column('orders_aggregate', 'int4')], { primaryKey: ['id'], oid: 1 }),
    // Its type name is what `orders`' group type would be; a table's own name always wins.
    table('orders_group', [column('id', 'int4', { nullable: false })], { primaryKey: ['id'], oid: 2 }),
    table('lines', [column('order_id', 'int4', { nullable: false }), column('qty', 'int4')], { foreignKeys: [fk('lines_order_id_fkey', ['order_id'], 'orders', ['id'])], oid: 3 }),
  ]));

describe('aggregate names', () => {
  it('never take a name from a table: a clashing aggregate type gets a suffix instead', () => {
    const m = model();
    const [orders, ordersGroup] = [m.tables.find((t) => t.table.name === 'orders')!, m.tables.find((t) => t.table.name === 'orders_group')!];
    expect(ordersGroup.typeName).toBe('Shop_OrdersGroup');
    expect(aggregateNames(orders).group).toBe('Shop_OrdersGroup_orders');
    expect(aggregateNames(orders).groupBy).toBe('ordersGroupBy');
    expect(aggregateNames(ordersGroup).sum).toBe('Shop_OrdersGroupSumFields');
  });

  it('give each one-to-many relation a twin named <relation>Aggregate unless a field already holds the name', () => {
    const m = model();
    const orders = m.tables.find((t) => t.table.name === 'orders')!;
    expect(orders.fields.get('ordersAggregate')?.kind).toBe('column');
    expect([...relationAggregates(orders).keys()]).toEqual(['linesAggregate']);
  });

  it('are the same for the same catalog (stable across rebuilds)', () => {
    const [a, b] = [model(), model()];
    expect(a.tables.map((t) => aggregateNames(t))).toEqual(b.tables.map((t) => aggregateNames(t)));
  });
});
