import { defaultFieldResolver, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';

/** Marker property of compiled objects: their fields read by response key (never selected: not a schema field). */
export const COMPILED = '$c';

/**
 * Objects built whole by a compiled read (PostgreSQL's JSON, keyed by response key, aliases included) carry
 * `$c: 1`. Every field of the types such reads return is wrapped once, here, to answer from that object by response
 * key, so that no field resolver written for entities (masking, loaders, class computation) runs on them: the
 * statement already did that work. Other objects of the same types go to the field's own resolver unchanged.
 * Installed last, outside the read-audit wrappers: a compiled object's audit was written by its statement.
 */
export function serveCompiledObjects(schema: GraphQLSchema, typeNames: readonly string[]): GraphQLSchema {
  for (const name of typeNames) {
    const type = schema.getType(name);
    if (!type || !isObjectType(type)) throw new Error(`compiled reads name an unknown object type ${name}`);
    for (const field of Object.values(type.getFields())) {
      const inner = (field.resolve ?? defaultFieldResolver) as GraphQLFieldResolver<unknown, unknown>;
      field.resolve = (source, args, ctx, info) =>
        source !== null && typeof source === 'object' && (source as Record<string, unknown>)[COMPILED] === 1
          ? (source as Record<string, unknown>)[info.path.key as string]
          : inner(source, args, ctx, info);
    }
  }
  return schema;
}
