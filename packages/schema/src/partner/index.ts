/**
 * The typed client for partner agencies' systems (`@tanfang/schema/partner`): one typed document per operation a
 * partner uses (every sync mutation, `changes`, `agencyElders`, `referredAlerts`, `me`), generated from the committed
 * schema.graphql. Each document carries its result and variables types, so any GraphQL client that understands
 * TypedDocumentNode (or `fetch` with `print(document)`, see examples/partner-sync) type-checks what it sends and reads.
 */
export * from './gql/graphql.js';
