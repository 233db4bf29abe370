/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query DirectivesWithBacklog($limit: Int, $status: Engineer_DirectiveStatus) {\n  engineer {\n    strategicDirectivesV2(\n      limit: $limit\n      where: {status: {eq: $status}}\n      orderBy: [{priority: DESC}]\n    ) {\n      id\n      title\n      status\n      priority\n      sequenceRank\n      sdBacklogMap(orderBy: [{priority: ASC}]) {\n        backlogId\n        backlogTitle\n        extras\n      }\n    }\n  }\n}\n\nquery DirectivePage($first: Int!, $after: String) {\n  engineer {\n    strategicDirectivesV2Connection(\n      first: $first\n      after: $after\n      orderBy: [{priority: DESC}]\n    ) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          title\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}\n\nquery DatabaseHealth {\n  databases {\n    name\n    status\n    latencyMs\n    error\n  }\n}\n\nmutation AddProject($name: String!, $ownerEmail: String!) {\n  app {\n    insertProjects(objects: [{name: $name, ownerEmail: $ownerEmail}]) {\n      id\n      name\n      ownerEmail\n    }\n  }\n}": typeof types.DirectivesWithBacklogDocument,
};
const documents: Documents = {
    "query DirectivesWithBacklog($limit: Int, $status: Engineer_DirectiveStatus) {\n  engineer {\n    strategicDirectivesV2(\n      limit: $limit\n      where: {status: {eq: $status}}\n      orderBy: [{priority: DESC}]\n    ) {\n      id\n      title\n      status\n      priority\n      sequenceRank\n      sdBacklogMap(orderBy: [{priority: ASC}]) {\n        backlogId\n        backlogTitle\n        extras\n      }\n    }\n  }\n}\n\nquery DirectivePage($first: Int!, $after: String) {\n  engineer {\n    strategicDirectivesV2Connection(\n      first: $first\n      after: $after\n      orderBy: [{priority: DESC}]\n    ) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          title\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}\n\nquery DatabaseHealth {\n  databases {\n    name\n    status\n    latencyMs\n    error\n  }\n}\n\nmutation AddProject($name: String!, $ownerEmail: String!) {\n  app {\n    insertProjects(objects: [{name: $name, ownerEmail: $ownerEmail}]) {\n      id\n      name\n      ownerEmail\n    }\n  }\n}": types.DirectivesWithBacklogDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query DirectivesWithBacklog($limit: Int, $status: Engineer_DirectiveStatus) {\n  engineer {\n    strategicDirectivesV2(\n      limit: $limit\n      where: {status: {eq: $status}}\n      orderBy: [{priority: DESC}]\n    ) {\n      id\n      title\n      status\n      priority\n      sequenceRank\n      sdBacklogMap(orderBy: [{priority: ASC}]) {\n        backlogId\n        backlogTitle\n        extras\n      }\n    }\n  }\n}\n\nquery DirectivePage($first: Int!, $after: String) {\n  engineer {\n    strategicDirectivesV2Connection(\n      first: $first\n      after: $after\n      orderBy: [{priority: DESC}]\n    ) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          title\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}\n\nquery DatabaseHealth {\n  databases {\n    name\n    status\n    latencyMs\n    error\n  }\n}\n\nmutation AddProject($name: String!, $ownerEmail: String!) {\n  app {\n    insertProjects(objects: [{name: $name, ownerEmail: $ownerEmail}]) {\n      id\n      name\n      ownerEmail\n    }\n  }\n}"): (typeof documents)["query DirectivesWithBacklog($limit: Int, $status: Engineer_DirectiveStatus) {\n  engineer {\n    strategicDirectivesV2(\n      limit: $limit\n      where: {status: {eq: $status}}\n      orderBy: [{priority: DESC}]\n    ) {\n      id\n      title\n      status\n      priority\n      sequenceRank\n      sdBacklogMap(orderBy: [{priority: ASC}]) {\n        backlogId\n        backlogTitle\n        extras\n      }\n    }\n  }\n}\n\nquery DirectivePage($first: Int!, $after: String) {\n  engineer {\n    strategicDirectivesV2Connection(\n      first: $first\n      after: $after\n      orderBy: [{priority: DESC}]\n    ) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          title\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n}\n\nquery DatabaseHealth {\n  databases {\n    name\n    status\n    latencyMs\n    error\n  }\n}\n\nmutation AddProject($name: String!, $ownerEmail: String!) {\n  app {\n    insertProjects(objects: [{name: $name, ownerEmail: $ownerEmail}]) {\n      id\n      name\n      ownerEmail\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;