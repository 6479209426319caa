/** The pure parts of `athanor codegen`: identifiers, keys, nextval parsing, and generateModule on hand-made descriptions. */
import { describe, expect, it } from "vitest";
import { generateModule, nextvalSequence, propertyKey, tableIdentifier, type CodegenTable } from "../../src/cli/codegen.js";
import { Integer, NullType, String, Text, type ReflectedColumn } from "../../src/index.js";

function col(name: string, type = new Integer() as ReflectedColumn["type"], extra: Partial<ReflectedColumn> = {}): ReflectedColumn {
  return { name, type, databaseType: "integer", nullable: true, default: undefined, autoincrement: false, identity: undefined, comment: undefined, ...extra };
}

function table(name: string, columns: ReflectedColumn[], extra: Partial<CodegenTable> = {}): CodegenTable {
  return {
    name,
    columns,
    primaryKey: { name: undefined, columns: [] },
    foreignKeys: [],
    indexes: [],
    uniqueConstraints: [],
    checkConstraints: [],
    comment: undefined,
    ...extra,
  };
}

describe("codegen helpers", () => {
  it("makes camelCase identifiers from table names", () => {
    expect(tableIdentifier("invoice_line")).toBe("invoiceLine");
    expect(tableIdentifier("InvoiceLine")).toBe("invoiceLine");
    expect(tableIdentifier("order items")).toBe("orderItems");
    expect(tableIdentifier("ORDERS")).toBe("orders");
    expect(tableIdentifier("1st-quarter")).toBe("t1stQuarter");
    expect(tableIdentifier("bıgınt")).toBe("bıgınt");
    expect(tableIdentifier("%%%")).toBe("table");
  });

  it("quotes property keys that are not identifiers", () => {
    expect(propertyKey("name")).toBe("name");
    expect(propertyKey("class")).toBe("class");
    expect(propertyKey("first name")).toBe('"first name"');
    expect(propertyKey('say "hi"')).toBe('"say \\"hi\\""');
    expect(propertyKey("1st")).toBe('"1st"');
    expect(propertyKey("__proto__")).toBe('["__proto__"]');
  });

  it("reads the sequence of a nextval default", () => {
    expect(nextvalSequence("nextval('t_id_seq'::regclass)")).toEqual({ schema: undefined, name: "t_id_seq" });
    expect(nextvalSequence("nextval('public.t_id_seq'::regclass)")).toEqual({ schema: "public", name: "t_id_seq" });
    expect(nextvalSequence(`nextval('"My Schema"."Odd""Seq"'::regclass)`)).toEqual({ schema: "My Schema", name: 'Odd"Seq' });
    expect(nextvalSequence("now()")).toBeUndefined();
    expect(nextvalSequence(undefined)).toBeUndefined();
  });
});

describe("generateModule", () => {
  it("keeps identifiers unique and away from the imported names", () => {
    const source = generateModule({
      dialect: "sqlite",
      schema: undefined,
      tables: [table("text", [col("id")]), table("metadata", [col("id")]), table("foo_bar", [col("id")]), table("fooBar", [col("id")]), table("delete", [col("id")])],
    });
    expect(source).toContain("export const textTable = new Table(");
    expect(source).toContain("export const metadataTable = new Table(");
    expect(source).toContain("export const deleteTable = new Table(");
    expect(source).toContain("export const fooBar = new Table(");
    expect(source).toContain("export const fooBar2 = new Table(");
    expect(source).toContain("export const metadata = new MetaData();");
  });

  it("writes NullType with a comment, and a composite key in its own order", () => {
    const source = generateModule({
      dialect: "postgresql",
      schema: "s",
      tables: [
        table("t", [col("a"), col("b", new String(3), { nullable: false }), col("spot", new NullType(), { databaseType: "point" }), col("c", new Text())], {
          primaryKey: { name: "t_pkey", columns: ["b", "a"] },
        }),
      ],
    });
    expect(source).toContain('export const metadata = new MetaData({ schema: "s" });');
    expect(source).toContain("    // database type point has no Athanor type:");
    expect(source).toContain("    spot: column(new NullType()),");
    expect(source).toContain("    a: column(Integer, { primaryKey: true }),");
    expect(source).toContain('  new PrimaryKeyConstraint(["b", "a"]),');
  });

  it("numbers the single integer key only where the database did", () => {
    const numbered = generateModule({ dialect: "mysql", schema: undefined, tables: [table("t", [col("id", new Integer(), { autoincrement: true, nullable: false })], { primaryKey: { name: undefined, columns: ["id"] } })] });
    expect(numbered).toContain("id: column(Integer, { primaryKey: true, autoincrement: true })");
    const plain = generateModule({ dialect: "mysql", schema: undefined, tables: [table("t", [col("id", new Integer(), { nullable: false })], { primaryKey: { name: undefined, columns: ["id"] } })] });
    expect(plain).toContain("id: column(Integer, { primaryKey: true, autoincrement: false })");
    const rowid = generateModule({ dialect: "sqlite", schema: undefined, tables: [table("t", [col("id", new Integer(), { autoincrement: true, nullable: false })], { primaryKey: { name: undefined, columns: ["id"] } })] });
    expect(rowid).toContain("id: column(Integer, { primaryKey: true })"); // no AUTOINCREMENT keyword added
  });

  it("imports only what it uses, even for a database without tables", () => {
    const source = generateModule({ dialect: "postgresql", schema: undefined, origin: "postgresql+pglite://", tables: [] });
    expect(source).toContain('import { MetaData } from "athanor";');
    expect(source).toContain("from postgresql+pglite://: 0 tables.");
  });

  it("is deterministic and sorts referred tables first", () => {
    const tables = [
      table("child", [col("id"), col("parent_id")], {
        foreignKeys: [{ name: undefined, columns: ["parent_id"], referredSchema: undefined, referredTable: "parent", referredColumns: ["id"], ondelete: undefined, onupdate: undefined }],
      }),
      table("parent", [col("id")]),
    ];
    const a = generateModule({ dialect: "postgresql", schema: undefined, tables });
    expect(generateModule({ dialect: "postgresql", schema: undefined, tables: [...tables].reverse() })).toBe(a);
    expect(a.indexOf('"parent",')).toBeLessThan(a.indexOf('"child",'));
    expect(a).toContain('parent_id: column(Integer, { foreignKey: "parent.id" })');
  });
});
