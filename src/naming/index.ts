export { camelCase, pascalCase, enumValueName, NameScope } from './inflect.js';
export { buildDatabaseModel } from './database-model.js';
export type { DatabaseModel, TableModel, ColumnModel, RelationModel, FieldModel, RemoteFieldModel, EnumModel, ScalarName } from './database-model.js';
export { aggregateNames, relationAggregates } from './aggregate-names.js';
export type { AggregateNames } from './aggregate-names.js';
