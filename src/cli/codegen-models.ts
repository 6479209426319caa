/**
 * `athanor codegen --models`: declarative model classes on top of the
 * generated tables, with the relationships automap infers from the foreign
 * keys (same rules and names, see docs/automap.md). Each class maps its table
 * with `Base.mapTable(table)`, declares its relationship attributes with their
 * types, and configures them in a static block.
 *
 * @module
 */
import { automapMetaData } from "../ext/index.js";
import type { Mapper, RelationshipProperty } from "../orm/index.js";
import type { AnySchemaColumn, AnyTable, MetaData } from "../schema/index.js";

/** One relationship attribute to write. */
export interface ModelRelationship {
  readonly key: string;
  readonly targetClass: string;
  readonly collection: boolean;
  readonly backPopulates: string | undefined;
  /** The foreign key columns, as `table.column` pairs of names. */
  readonly foreignKeys: readonly (readonly [string, string])[];
  readonly remoteSide: readonly (readonly [string, string])[];
  readonly secondary: string | undefined;
}

/** One model class to write. */
export interface ModelSpec {
  readonly className: string;
  readonly table: string;
  readonly relationships: readonly ModelRelationship[];
}

function columnRef(col: AnySchemaColumn): readonly [string, string] {
  return [(col.table as AnyTable).name, col.name];
}

function describe(rel: RelationshipProperty): ModelRelationship {
  return {
    key: rel.key,
    targetClass: rel.mapper.name,
    collection: rel.uselist,
    backPopulates: rel.reverse?.key,
    foreignKeys: (rel.options.foreignKeys ?? []).map(columnRef),
    remoteSide: (rel.options.remoteSide ?? []).map(columnRef),
    secondary: rel.secondary?.name,
  };
}

/** The model classes automap would make for `metadata` (tables with a primary key; association tables become `secondary`). */
export function modelSpecs(metadata: MetaData): ModelSpec[] {
  const result = automapMetaData(metadata);
  return result.registry.mappers.map((mapper: Mapper) => ({
    className: mapper.name,
    table: mapper.table.name,
    relationships: [...mapper.relationships.values()].map(describe),
  }));
}

/** The TypeScript of the model classes, given the identifier of each table's const. */
export function modelsBlock(specs: readonly ModelSpec[], tableId: (table: string) => string, propertyKey: (name: string) => string): string {
  const str = (value: string) => JSON.stringify(value);
  const ref = ([table, column]: readonly [string, string]) => `${tableId(table)}.c${/^[A-Za-z_$][\w$]*$/.test(column) ? `.${column}` : `[${str(column)}]`}`;
  const lines = ["export const Base = declarativeBase({ metadata });", ""];
  for (const spec of specs) {
    lines.push(`export class ${spec.className} extends Base.mapTable(${tableId(spec.table)}) {`);
    for (const rel of spec.relationships) lines.push(`  declare ${propertyKey(rel.key)}: ${rel.collection ? `${rel.targetClass}[]` : `${rel.targetClass} | null`};`);
    if (spec.relationships.length > 0) {
      lines.push("  static {", "    this.relate({");
      for (const rel of spec.relationships) {
        const options: string[] = [];
        if (rel.backPopulates !== undefined) options.push(`backPopulates: ${str(rel.backPopulates)}`);
        if (rel.secondary !== undefined) options.push(`secondary: ${tableId(rel.secondary)}`);
        if (rel.foreignKeys.length > 0) options.push(`foreignKeys: [${rel.foreignKeys.map(ref).join(", ")}]`);
        if (rel.remoteSide.length > 0) options.push(`remoteSide: [${rel.remoteSide.map(ref).join(", ")}]`);
        lines.push(`      ${propertyKey(rel.key)}: relationship(() => ${rel.targetClass}, { ${options.join(", ")} }),`);
      }
      lines.push("    });", "  }");
    }
    lines.push("}", "");
  }
  return lines.join("\n");
}
