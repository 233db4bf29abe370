import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCatalog, type Catalog, type Table } from '../../src/catalog/index.js';
import {
  buildDatabaseModel,
  type DatabaseModel,
  type RelationModel,
  type TableModel,
} from '../../src/naming/index.js';
import { catalog, column, fk, table } from './hand-catalog.js';

function tableModel(model: DatabaseModel, name: string, schema = 'public'): TableModel {
  const found = model.tables.find((t) => t.table.schema === schema && t.table.name === name);
  if (!found) throw new Error(`no table ${schema}.${name} in the model`);
  return found;
}

/** Relations as `field → many?/target via columns`, easy to read in one assertion. */
function relationNames(t: TableModel): string[] {
  const describe = (r: RelationModel) => `${r.field}: ${r.many ? '[' : ''}${r.target.table.name}${r.many ? ']' : ''} (${r.columns.join(',')} → ${r.targetColumns.join(',')})`;
  return t.relations.map(describe);
}

describe('buildDatabaseModel: types, operations and columns', () => {
  // In catalog order, as parseCatalog gives it: tables and enums by schema, then name.
  const shop = catalog([
    table('audit_log', [column('id', 'int8'), column('entry', 'text')], { schema: 'ops', primaryKey: ['id'] }),
    table('order_items', [column('order_id', 'int4'), column('line_no', 'int4'), column('qty', 'int4')], { primaryKey: ['order_id', 'line_no'] }),
    table('users', [column('id', 'int4'), column('user_id', 'int4'), column('userId', 'int4'), column('status', 'status', { enumSchema: 'public' })], {
      primaryKey: ['id'],
    }),
  ], [{ schema: 'ops', name: 'level', values: ['info'] }, { schema: 'public', name: 'status', values: ['active', 'on hold'] }]);
  const model = buildDatabaseModel('my_shop', shop);

  it('names types <Database>_<Table> and the namespaces <Database>_Query / _Mutation', () => {
    expect(model.typePrefix).toBe('MyShop');
    expect(model.queryType).toBe('MyShop_Query');
    expect(model.mutationType).toBe('MyShop_Mutation');
    expect(tableModel(model, 'order_items').typeName).toBe('MyShop_OrderItems');
    expect(tableModel(model, 'order_items').types).toEqual({
      filter: 'MyShop_OrderItemsFilter',
      orderBy: 'MyShop_OrderItemsOrderBy',
      insert: 'MyShop_OrderItemsInsertInput',
      set: 'MyShop_OrderItemsSetInput',
      connection: 'MyShop_OrderItemsConnection',
      edge: 'MyShop_OrderItemsEdge',
      aggregate: 'MyShop_OrderItemsAggregate',
      column: 'MyShop_OrderItemsColumn',
      constraint: 'MyShop_OrderItemsConstraint',
      onConflict: 'MyShop_OrderItemsOnConflict',
    });
  });

  it('names the operations of a table after its camelCase name', () => {
    expect(tableModel(model, 'order_items').ops).toEqual({
      list: 'orderItems',
      byPk: 'orderItemsByPk',
      connection: 'orderItemsConnection',
      aggregate: 'orderItemsAggregate',
      insert: 'insertOrderItems',
      update: 'updateOrderItems',
      delete: 'deleteOrderItems',
      updateByPk: 'updateOrderItemsByPk',
      deleteByPk: 'deleteOrderItemsByPk',
    });
  });

  it('prefixes a table outside the first exposed schema with its schema (rule 4)', () => {
    const audit = tableModel(model, 'audit_log', 'ops');
    expect(audit.typeName).toBe('MyShop_OpsAuditLog');
    expect(audit.ops.list).toBe('opsAuditLog');
    expect(audit.ops.insert).toBe('insertOpsAuditLog');
    expect(model.enums.map((e) => e.typeName)).toEqual(['MyShop_OpsLevel', 'MyShop_Status']);
  });

  it('takes the first exposed schema from the options, prefixing public instead', () => {
    const opsFirst = buildDatabaseModel('my_shop', shop, { schemas: ['ops', 'public'] });
    expect(tableModel(opsFirst, 'audit_log', 'ops').typeName).toBe('MyShop_AuditLog');
    expect(tableModel(opsFirst, 'users').typeName).toBe('MyShop_PublicUsers');
  });

  it('leaves the older column (lower position) its name and suffixes the newer with its own SQL name (rule 6)', () => {
    const users = tableModel(model, 'users');
    expect(users.columns.map((c) => [c.column.name, c.field])).toEqual([
      ['id', 'id'],
      ['user_id', 'userId'],
      ['userId', 'userId_userId'],
      ['status', 'status'],
    ]);
    expect(users.fields.get('userId_userId')).toBe(users.columnsBySql.get('userId'));
  });

  it('keeps the primary key in key order as column models', () => {
    expect(tableModel(model, 'order_items').primaryKey.map((c) => c.field)).toEqual(['orderId', 'lineNo']);
  });

  it('links enum columns to their enum model and sanitises enum values', () => {
    const status = tableModel(model, 'users').columnsBySql.get('status')!;
    expect(status.enum?.typeName).toBe('MyShop_Status');
    expect(status.enum?.filterName).toBe('MyShop_StatusFilter');
    expect(status.enum?.values).toEqual([
      { label: 'active', name: 'active' },
      { label: 'on hold', name: 'on_hold' },
    ]);
    expect(status.castToText).toBe(false);
  });

  it('maps scalars and selects int8, numeric and unknown types as text inside json', () => {
    const types = catalog([
      table('t', [
        column('a', 'int4'), column('b', 'int8'), column('c', 'numeric'), column('d', 'float8'), column('e', 'jsonb'),
        column('f', 'timestamptz'), column('g', 'inet'), column('h', 'int8', { isArray: true }), column('i', 'text', { isArray: true }),
      ]),
    ]);
    const cols = buildDatabaseModel('x', types).tables[0].columns;
    expect(cols.map((c) => `${c.column.name}:${c.scalar}:${c.castToText ? 'text' : 'json'}`)).toEqual([
      'a:Int:json', 'b:BigInt:text', 'c:BigDecimal:text', 'd:Float:json', 'e:JSON:json',
      'f:DateTime:json', 'g:String:text', 'h:BigInt:text', 'i:String:json',
    ]);
  });
});

describe('buildDatabaseModel: operation names that collide', () => {
  // "user_account" and the quoted "userAccount" both camelCase to userAccount; "user_by_pk"'s
  // list field wants the name of "user"'s byPk field.
  const model = buildDatabaseModel('x', catalog([
    table('user', [column('id', 'int4')], { primaryKey: ['id'] }),
    table('userAccount', [column('id', 'int4')], { primaryKey: ['id'] }),
    table('user_account', [column('id', 'int4')], { primaryKey: ['id'] }),
    table('user_by_pk', [column('id', 'int4')], { primaryKey: ['id'] }),
  ]));
  const all = (pick: (t: TableModel) => string[]) => model.tables.flatMap(pick);
  const duplicates = (names: string[]) => names.filter((n, i) => names.indexOf(n) !== i);

  it('suffixes the query fields of the newer table with its own SQL name (catalog order without oids)', () => {
    expect(tableModel(model, 'userAccount').ops.list).toBe('userAccount');
    expect(tableModel(model, 'user_account').ops.list).toBe('userAccount_user_account');
    expect(tableModel(model, 'user_account').typeName).toBe('X_UserAccount_user_account');
    expect(tableModel(model, 'user_by_pk').ops.list).toBe('userByPk_user_by_pk');
    expect(duplicates(all((t) => [t.ops.list, t.ops.byPk, t.ops.connection, t.ops.aggregate]))).toEqual([]);
    expect(duplicates(all((t) => [t.typeName, ...Object.values(t.types)]))).toEqual([]);
  });

  it('gives mutation fields of one namespace distinct names', () => {
    expect(duplicates(all((t) => [t.ops.insert, t.ops.update, t.ops.delete, t.ops.updateByPk, t.ops.deleteByPk]))).toEqual([]);
  });
});

describe('buildDatabaseModel: relations', () => {
  // users ← posts.author_id, posts.reviewer_id (two FKs to one target);
  // posts ← comments.post_id, where comments also has a plain column named "posts".
  // employees.manager_id → employees (self reference).
  const blog = catalog([
    table('comments', [column('id', 'int4'), column('post_id', 'int4'), column('posts', 'text')], {
      primaryKey: ['id'],
      foreignKeys: [fk('comments_post_id_fkey', ['post_id'], 'posts', ['id'])],
    }),
    table('employees', [column('id', 'int4'), column('manager_id', 'int4')], {
      primaryKey: ['id'],
      foreignKeys: [fk('employees_manager_id_fkey', ['manager_id'], 'employees', ['id'])],
    }),
    table('posts', [column('id', 'int4'), column('author_id', 'int4'), column('reviewer_id', 'int4')], {
      primaryKey: ['id'],
      foreignKeys: [
        fk('posts_author_id_fkey', ['author_id'], 'users', ['id']),
        fk('posts_reviewer_id_fkey', ['reviewer_id'], 'users', ['id']),
      ],
    }),
    table('users', [column('id', 'int4'), column('name', 'text')], { primaryKey: ['id'] }),
  ]);
  const model = buildDatabaseModel('blog', blog);

  it('names a many-to-one field after the referenced table and the one-to-many after the referencing one', () => {
    expect(relationNames(tableModel(model, 'posts'))).toContain('comments: [comments] (id → post_id)');
  });

  it('leaves the older of two foreign keys to one table the plain name and names the newer By<Columns>, on both sides', () => {
    expect(relationNames(tableModel(model, 'posts'))).toEqual([
      'users: users (author_id → id)',
      'usersByReviewerId: users (reviewer_id → id)',
      'comments: [comments] (id → post_id)',
    ]);
    expect(relationNames(tableModel(model, 'users'))).toEqual([
      'posts: [posts] (id → author_id)',
      'postsByReviewerId: [posts] (id → reviewer_id)',
    ]);
  });

  it('names a relation that collides with a column By<Columns>, leaving the column its name', () => {
    const comments = tableModel(model, 'comments');
    expect(comments.fields.get('posts')?.kind).toBe('column');
    expect(relationNames(comments)).toEqual(['postsByPostId: posts (post_id → id)']);
  });

  it('names both sides of a self reference without a clash', () => {
    expect(relationNames(tableModel(model, 'employees'))).toEqual([
      'employees: employees (manager_id → id)',
      'employeesByManagerId: [employees] (id → manager_id)',
    ]);
  });

  it('joins the columns of a composite foreign key with And', () => {
    const composite = buildDatabaseModel('x', catalog([
      table('a', [column('x', 'int4'), column('y', 'int4')], { primaryKey: ['x', 'y'] }),
      table('b', [column('a_x', 'int4'), column('a_y', 'int4'), column('c_x', 'int4'), column('c_y', 'int4')], {
        foreignKeys: [fk('b_a', ['a_x', 'a_y'], 'a', ['x', 'y']), fk('b_c', ['c_x', 'c_y'], 'a', ['x', 'y'])],
      }),
    ]));
    expect(relationNames(tableModel(composite, 'b'))).toEqual(['a: a (a_x,a_y → x,y)', 'aByCXAndCY: a (c_x,c_y → x,y)']);
  });

  it('ignores a foreign key to a table that is not exposed', () => {
    const partial = buildDatabaseModel('x', catalog([
      table('a', [column('id', 'int4'), column('b_id', 'int4')], { foreignKeys: [fk('a_b', ['b_id'], 'elsewhere.b', ['id'])] }),
    ]));
    expect(partial.tables[0].relations).toEqual([]);
  });

  it('registers relations as output fields next to the columns', () => {
    const posts = tableModel(model, 'posts');
    expect([...posts.fields.keys()]).toEqual(['id', 'authorId', 'reviewerId', 'users', 'usersByReviewerId', 'comments']);
  });
});

describe('buildDatabaseModel: what is writable and what is shown', () => {
  it('writes only where Postgres says a view is updatable', () => {
    const model = buildDatabaseModel('x', catalog([
      table('report', [column('n', 'int8')], { kind: 'view' }),
      table('simple_view', [column('n', 'int4')], { kind: 'view', insertable: true, updatable: true, deletable: true }),
      table('t', [column('id', 'int4')], { primaryKey: ['id'] }),
    ]));
    const flags = (name: string) => {
      const t = tableModel(model, name);
      return [t.canInsert, t.canUpdate, t.canDelete];
    };
    expect(flags('report')).toEqual([false, false, false]);
    expect(flags('simple_view')).toEqual([true, true, true]);
    expect(flags('t')).toEqual([true, true, true]);
  });

  it('follows the privileges of the connecting role', () => {
    const model = buildDatabaseModel('x', catalog([
      table('t', [column('id', 'int4')], { privileges: { select: true, insert: true, update: false, delete: false } }),
    ]));
    const t = model.tables[0];
    expect([t.canInsert, t.canUpdate, t.canDelete]).toEqual([true, false, false]);
  });

  it('makes nothing writable on a readOnly database', () => {
    const model = buildDatabaseModel('x', catalog([table('t', [column('id', 'int4')], { primaryKey: ['id'] })]), { readOnly: true });
    const t = model.tables[0];
    expect([t.canInsert, t.canUpdate, t.canDelete]).toEqual([false, false, false]);
  });

  it('hides node-pg-migrate bookkeeping (pgmigrations)', () => {
    const model = buildDatabaseModel('x', catalog([
      table('pgmigrations', [column('id', 'int4'), column('name', 'text')], { primaryKey: ['id'] }),
      table('t', [column('id', 'int4')]),
    ]));
    expect(model.tables.map((t) => t.table.name)).toEqual(['t']);
    expect(model.tables[0].ops.list).toBe('t');
  });

  it('names the recorded demo catalog: views per Postgres, enums from other schemas prefixed', () => {
    const raw = JSON.parse(readFileSync(new URL('../catalog/fixtures/demo-catalog.json', import.meta.url), 'utf8'));
    const model = buildDatabaseModel('demo', parseCatalog(raw));
    expect(model.tables.map((t) => `${t.typeName} ${t.canInsert ? 'rw' : 'ro'}`)).toEqual([
      'Demo_ActiveAuthors rw', // a simple view: Postgres can write through it
      'Demo_AuditLog rw',
      'Demo_AuthorPostCounts ro', // an aggregate view
      'Demo_Authors rw',
      'Demo_Events rw',
      'Demo_Posts rw',
      'Demo_Reviews rw',
    ]);
    expect(model.enums.map((e) => e.typeName)).toEqual(['Demo_HiddenColour', 'Demo_Mood']);
    expect(tableModel(model, 'authors').columns.filter((c) => c.castToText).map((c) => c.field)).toEqual(['followers', 'balance']);
  });
});

describe('buildDatabaseModel: determinism', () => {
  function names(model: DatabaseModel) {
    return {
      enums: model.enums.map((e) => [e.typeName, e.filterName, e.values]),
      tables: model.tables.map((t) => ({
        typeName: t.typeName,
        ops: t.ops,
        types: t.types,
        fields: [...t.fields.entries()].map(([name, f]) => `${name}:${f.kind}`),
      })),
    };
  }

  it('gives the same names for the same catalog, every time', () => {
    const make = (): Catalog => catalog([
      table('a', [column('id', 'int4'), column('A_id', 'int4'), column('a_id', 'int4')], { primaryKey: ['id'] }),
      table('b', [column('a_id', 'int4'), column('a2_id', 'int4')], {
        foreignKeys: [fk('b_a', ['a_id'], 'a', ['id']), fk('b_a2', ['a2_id'], 'a', ['id'])],
      }),
    ], [{ schema: 'public', name: 'e', values: ['x y', 'x_y'] }]);
    const first = names(buildDatabaseModel('db', make()));
    expect(names(buildDatabaseModel('db', make()))).toEqual(first);
    // The model does not keep state between builds either.
    const shared = make();
    expect(names(buildDatabaseModel('db', shared))).toEqual(names(buildDatabaseModel('db', shared)));
    expect(first.tables[0].fields).toEqual(['id:column', 'aId:column', 'aId_a_id:column', 'b:relation', 'bByA2Id:relation']);
  });
});

describe('buildDatabaseModel: stable names (rule 6)', () => {
  const projects = (oid: number) => table('projects', [column('id', 'int4')], { primaryKey: ['id'], oid });
  const Projects = (oid: number) => table('Projects', [column('id', 'int4')], { primaryKey: ['id'], oid });
  const listNames = (tables: Table[]) => Object.fromEntries(buildDatabaseModel('x', catalog(tables)).tables.map((t) => [t.table.name, t.ops.list]));

  it('gives a contested name to the table with the lower oid, whichever sorts first', () => {
    expect(listNames([Projects(20), projects(10)])).toEqual({ projects: 'projects', Projects: 'projects_Projects' });
    expect(listNames([Projects(10), projects(20)])).toEqual({ Projects: 'projects', projects: 'projects_projects' });
  });

  it('adding a colliding table renames nothing that exists, in either order', () => {
    expect(listNames([projects(10)]).projects).toBe(listNames([Projects(20), projects(10)]).projects);
    expect(listNames([Projects(10)]).Projects).toBe(listNames([Projects(10), projects(20)]).Projects);
  });

  it('dropping the newer renames nothing; dropping the older hands its name to the newer (the one way a name moves)', () => {
    expect(listNames([projects(10)])).toEqual({ projects: 'projects' });
    expect(listNames([Projects(20)])).toEqual({ Projects: 'projects' });
  });

  it('suffixes an SQL name with characters outside [A-Za-z0-9_] with a hash of the exact name, so "a-b" and "a.b" stay apart', () => {
    const names = listNames([table('a_b', [], { oid: 1 }), table('a-b', [], { oid: 2 }), table('a.b', [], { oid: 3 })]);
    expect(names.a_b).toBe('aB');
    expect(names['a-b']).toMatch(/^aB_a_b_[0-9a-z]+$/);
    expect(names['a.b']).toMatch(/^aB_a_b_[0-9a-z]+$/);
    expect(names['a-b']).not.toBe(names['a.b']);
  });

  it('maps columns named and, or, not to and_, or_, not_ and relations to such tables too', () => {
    const model = buildDatabaseModel('x', catalog([
      table('not', [column('id', 'int4'), column('and', 'int4'), column('or', 'int4')], { primaryKey: ['id'], foreignKeys: [fk('self', ['and'], 'not', ['id'])] }),
    ]));
    expect([...model.tables[0].fields.keys()]).toEqual(['id', 'and_', 'or_', 'not_', 'notByAnd']);
  });
});
