import fs from 'node:fs';
import path from 'node:path';
import {
  buildSchema,
  findBreakingChanges,
  findDangerousChanges,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type BreakingChange,
  type DangerousChange,
  type GraphQLSchema,
} from 'graphql';

/**
 * The contract's compatibility rule (issue 19, item 6): a released schema may only lose or change an element that the
 * release before had already marked `@deprecated`. Partners' systems (Java and Python clients generated from the
 * schema) break on anything else, so the test run compares the committed schema with the last release's copy
 * (`packages/schema/releases/<version>.graphql`) and fails on such a change.
 *
 * graphql-js's own `findBreakingChanges` finds the changes (the same rules graphql-inspector applies); this module
 * decides which of them were announced: a removed or retyped field, argument, input field or enum value is allowed when
 * the old schema deprecated it. A removed type is allowed when every field and argument of the old schema that used
 * it was deprecated (it could not be reached any more without a deprecated element).
 */
export interface ContractChange {
  type: string;
  description: string;
}

export interface ContractComparison {
  /** Breaking changes to elements the previous release had not deprecated: these fail the check. */
  unannounced: ContractChange[];
  /** Breaking changes to elements deprecated in the previous release: the announced removals. */
  announced: ContractChange[];
  /** Changes graphql-js calls dangerous (an enum value or optional argument added): listed, never failing. */
  dangerous: ContractChange[];
}

/** The deprecation reason of the element a breaking change's description names, if the old schema deprecated it. */
function deprecatedInOld(old: GraphQLSchema, change: BreakingChange): boolean {
  const d = change.description;
  // "<Type>.<field> arg <arg> was removed." / "... arg <arg> has changed type from ..."
  let m = /^(\w+)\.(\w+) arg (\w+) (?:was removed|has changed type)/.exec(d);
  if (m) {
    const type = old.getType(m[1]);
    if (type && (isObjectType(type) || isInterfaceType(type))) {
      const field = type.getFields()[m[2]];
      const arg = field?.args.find((a) => a.name === m![3]);
      return Boolean(field?.deprecationReason || arg?.deprecationReason);
    }
    return false;
  }
  // "<value> was removed from enum type <Enum>."
  m = /^(\w+) was removed from enum type (\w+)\./.exec(d);
  if (m) {
    const type = old.getType(m[2]);
    return isEnumType(type) && Boolean(type.getValue(m[1])?.deprecationReason);
  }
  // "<Type>.<field> was removed." / "<Type>.<field> changed type from ..."
  m = /^(\w+)\.(\w+) (?:was removed|changed type)/.exec(d);
  if (m) {
    const type = old.getType(m[1]);
    if (type && (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type))) {
      return Boolean(type.getFields()[m[2]]?.deprecationReason);
    }
    return false;
  }
  // A standard scalar no field uses any more: nothing a client sends or reads changed.
  if (/^Standard scalar \w+ was removed because it is not referenced anymore\.$/.test(d)) return true;
  // "<Type> was removed."
  m = /^(\w+) was removed\.$/.exec(d);
  if (m) return onlyReachedThroughDeprecated(old, m[1]);
  return false;
}

function onlyReachedThroughDeprecated(old: GraphQLSchema, typeName: string): boolean {
  const named = (t: unknown): string => {
    let x = t as { ofType?: unknown; name?: string };
    while (x.ofType) x = x.ofType as typeof x;
    return x.name ?? '';
  };
  let used = false;
  for (const type of Object.values(old.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (named(field.type) === typeName) {
          used = true;
          if (!field.deprecationReason) return false;
        }
        for (const arg of field.args) {
          if (named(arg.type) === typeName) {
            used = true;
            if (!arg.deprecationReason && !field.deprecationReason) return false;
          }
        }
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (named(field.type) === typeName) {
          used = true;
          if (!field.deprecationReason) return false;
        }
      }
    }
  }
  return used;
}

/** Compares a previous release's SDL with the current one. */
export function compareContracts(previousSdl: string, currentSdl: string): ContractComparison {
  const previous = buildSchema(previousSdl);
  const current = buildSchema(currentSdl);
  const result: ContractComparison = { unannounced: [], announced: [], dangerous: [] };
  for (const change of findBreakingChanges(previous, current)) {
    (deprecatedInOld(previous, change) ? result.announced : result.unannounced).push({ type: change.type, description: change.description });
  }
  result.dangerous = findDangerousChanges(previous, current).map((c: DangerousChange) => ({ type: c.type, description: c.description }));
  return result;
}

/** `packages/schema/releases/<major>.<minor>.<patch>.graphql`: the released contracts, newest last. */
export function releasedContracts(dir: string): { version: string; file: string }[] {
  const semver = (v: string) => v.split('.').map(Number);
  return fs
    .readdirSync(dir)
    .map((name) => /^(\d+\.\d+\.\d+)\.graphql$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ version: m[1], file: path.join(dir, m[0]) }))
    .sort((a, b) => {
      const [x, y] = [semver(a.version), semver(b.version)];
      return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
    });
}
