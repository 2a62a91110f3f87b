import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { printAppSchema } from '../../packages/api/src/graphql/schema.js';

/**
 * Every element a client reads in the contract, by its schema coordinate: types (`Elder`), fields and input fields
 * (`Elder.birthDate`), arguments (`Query.elders(first)`) and enum values (`AlertStatus.OPEN`). Built-in scalars and
 * introspection types are the GraphQL specification's, described there.
 */
function elements(schema: GraphQLSchema): { coordinate: string; description: string | null | undefined }[] {
  const found: { coordinate: string; description: string | null | undefined }[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    found.push({ coordinate: type.name, description: type.description });
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        found.push({ coordinate: `${type.name}.${field.name}`, description: field.description });
        if ('args' in field) {
          for (const arg of field.args) found.push({ coordinate: `${type.name}.${field.name}(${arg.name})`, description: arg.description });
        }
      }
    }
    if (isEnumType(type)) {
      for (const value of type.getValues()) found.push({ coordinate: `${type.name}.${value.name}`, description: value.description });
    }
  }
  return found;
}

describe('the schema documents itself', () => {
  it('every type, field, argument and enum value has a description', async () => {
    const all = elements(buildSchema(await printAppSchema()));
    const undocumented = all.filter((e) => !e.description?.trim()).map((e) => e.coordinate).sort();
    console.info(`schema descriptions: ${all.length - undocumented.length} of ${all.length} elements described`);
    expect(undocumented, 'elements without a description: add `description` to their decorators (what it means, units, limits, scope)').toEqual([]);
  });
});
