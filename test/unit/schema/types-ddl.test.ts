/**
 * Column types in CREATE TABLE, per dialect.
 */
import { describe, expect, it } from "vitest";
import {
  ARRAY,
  BigInteger,
  Boolean as BooleanType,
  CompileError,
  CreateTable,
  Date as DateType,
  DateTime,
  Enum,
  Float,
  Integer,
  Interval,
  JSON as JSONType,
  JSONB,
  LargeBinary,
  MetaData,
  Numeric,
  SmallInteger,
  String as StringType,
  Table,
  Text,
  Time,
  TypeDecorator,
  TypeEngine,
  UUID,
  UserDefinedType,
  column,
  type TypeArgument,
} from "../../../src/index.js";
import { assertDDL, ddlOf, type DDLDialect } from "../../support/ddl.js";

/** The SQL type of a one-column table on each dialect. */
function typeOn(type: TypeArgument<unknown>, dialect: DDLDialect): string {
  const t = new Table("t", new MetaData(), { x: column(type) });
  const sql = ddlOf(new CreateTable(t), dialect);
  const line = sql.split("\n")[1] as string;
  return line.replace(/^\s+x /, "").replace(/,$/, "");
}

const TYPES: [string, TypeArgument<unknown>, Record<"postgresql" | "sqlite" | "mysql", string>][] = [
  ["Integer", Integer, { postgresql: "INTEGER", sqlite: "INTEGER", mysql: "INTEGER" }],
  ["SmallInteger", SmallInteger, { postgresql: "SMALLINT", sqlite: "SMALLINT", mysql: "SMALLINT" }],
  ["BigInteger", BigInteger, { postgresql: "BIGINT", sqlite: "BIGINT", mysql: "BIGINT" }],
  ["Float", Float, { postgresql: "DOUBLE PRECISION", sqlite: "REAL", mysql: "DOUBLE" }],
  ["Numeric()", new Numeric(), { postgresql: "NUMERIC", sqlite: "NUMERIC", mysql: "DECIMAL(65, 30)" }],
  ["Numeric(10)", new Numeric(10), { postgresql: "NUMERIC(10)", sqlite: "NUMERIC(10)", mysql: "DECIMAL(10)" }],
  ["Numeric(10, 2)", new Numeric(10, 2), { postgresql: "NUMERIC(10, 2)", sqlite: "NUMERIC(10, 2)", mysql: "DECIMAL(10, 2)" }],
  ["Boolean", BooleanType, { postgresql: "BOOLEAN", sqlite: "BOOLEAN", mysql: "TINYINT(1)" }],
  ["String(50)", new StringType(50), { postgresql: "VARCHAR(50)", sqlite: "VARCHAR(50)", mysql: "VARCHAR(50)" }],
  ["Text", Text, { postgresql: "TEXT", sqlite: "TEXT", mysql: "LONGTEXT" }],
  ["Text(1000)", new Text(1000), { postgresql: "TEXT", sqlite: "TEXT", mysql: "TEXT" }],
  ["Text(100000)", new Text(100_000), { postgresql: "TEXT", sqlite: "TEXT", mysql: "MEDIUMTEXT" }],
  ["LargeBinary", LargeBinary, { postgresql: "BYTEA", sqlite: "BLOB", mysql: "LONGBLOB" }],
  ["Date", DateType, { postgresql: "DATE", sqlite: "DATE", mysql: "DATE" }],
  ["Time", Time, { postgresql: "TIME", sqlite: "TIME", mysql: "TIME" }],
  ["DateTime", DateTime, { postgresql: "TIMESTAMP WITHOUT TIME ZONE", sqlite: "DATETIME", mysql: "DATETIME(6)" }],
  ["DateTime({ precision: 0 })", new DateTime({ precision: 0 }), { postgresql: "TIMESTAMP WITHOUT TIME ZONE", sqlite: "DATETIME", mysql: "DATETIME" }],
  ["DateTime({ precision: 3, timezone })", new DateTime({ precision: 3, timezone: true }), { postgresql: "TIMESTAMP WITH TIME ZONE", sqlite: "DATETIME", mysql: "TIMESTAMP(3) NULL" }],
  [
    "DateTime({ timezone: true })",
    new DateTime({ timezone: true }),
    { postgresql: "TIMESTAMP WITH TIME ZONE", sqlite: "DATETIME", mysql: "TIMESTAMP(6) NULL" },
  ],
  ["JSON", new JSONType(), { postgresql: "JSON", sqlite: "TEXT", mysql: "JSON" }],
  ["JSONB", new JSONB(), { postgresql: "JSONB", sqlite: "TEXT", mysql: "JSON" }],
  ["UUID", UUID, { postgresql: "UUID", sqlite: "CHAR(36)", mysql: "CHAR(36)" }],
];

describe("column types", () => {
  for (const [name, type, expected] of TYPES) {
    it(`${name}: ${expected.postgresql} / ${expected.sqlite} / ${expected.mysql}`, () => {
      expect(typeOn(type, "postgresql")).toBe(expected.postgresql);
      expect(typeOn(type, "sqlite")).toBe(expected.sqlite);
      expect(typeOn(type, "mysql")).toBe(expected.mysql);
      expect(typeOn(type, "mariadb")).toBe(expected.mysql);
    });
  }

  it("String without a length is VARCHAR, except on MySQL which needs one", () => {
    expect(typeOn(StringType, "postgresql")).toBe("VARCHAR");
    expect(typeOn(StringType, "sqlite")).toBe("VARCHAR");
    expect(() => typeOn(StringType, "mysql")).toThrow(/MySQL needs a length for VARCHAR/);
  });

  it("Interval and ARRAY are PostgreSQL's; elsewhere they are a compile error", () => {
    expect(typeOn(Interval, "postgresql")).toBe("INTERVAL");
    expect(typeOn(new ARRAY(Integer), "postgresql")).toBe("INTEGER[]");
    expect(typeOn(new ARRAY(new ARRAY(new StringType(10))), "postgresql")).toBe("VARCHAR(10)[][]");
    for (const dialect of ["sqlite", "mysql", "mariadb"] as const) {
      expect(() => typeOn(Interval, dialect)).toThrow(CompileError);
      expect(() => typeOn(new ARRAY(Integer), dialect)).toThrow(/has no ARRAY type/);
    }
  });
});

describe("Enum", () => {
  const status = new Enum(["draft", "it's"], { name: "post_status" });

  it("is a named type on PostgreSQL, ENUM(...) on MySQL, VARCHAR with a CHECK on SQLite", () => {
    const t = new Table("posts", new MetaData(), { status: column(status, { nullable: false }) });
    assertDDL(new CreateTable(t), {
      postgresql: "CREATE TABLE posts (\n  status post_status NOT NULL\n)",
      sqlite: "CREATE TABLE posts (\n  status VARCHAR(5) NOT NULL,\n  CHECK (status IN ('draft', 'it''s'))\n)",
      mysql: "CREATE TABLE posts (\n  status ENUM('draft', 'it''s') NOT NULL\n) ENGINE=InnoDB",
    });
  });

  it("goes in the table's schema on PostgreSQL unless it names its own", () => {
    const md = new MetaData({ schema: "blog" });
    const t = new Table("posts", md, { a: column(status), b: column(new Enum(["x"], { name: "Kind", schema: "shared" })) });
    assertDDL(new CreateTable(t), { postgresql: 'CREATE TABLE blog.posts (\n  a blog.post_status,\n  b shared."Kind"\n)' });
  });

  it("native: false is VARCHAR with a CHECK everywhere, named by the ck convention", () => {
    const md = new MetaData({ namingConvention: { ck: "ck_{table}_{constraintName}" } });
    const t = new Table("posts", md, { status: column(new Enum(["a", "bb"], { name: "kind", native: false })) });
    const body = "  status VARCHAR(2),\n  CONSTRAINT ck_posts_kind CHECK (status IN ('a', 'bb'))\n)";
    assertDDL(new CreateTable(t), {
      postgresql: `CREATE TABLE posts (\n${body}`,
      sqlite: `CREATE TABLE posts (\n${body}`,
      mysql: `CREATE TABLE posts (\n${body} ENGINE=InnoDB`,
    });
  });

  it("needs a name for PostgreSQL's native type", () => {
    const t = new Table("posts", new MetaData(), { status: column(new Enum(["a"])) });
    assertDDL(new CreateTable(t), { postgresql: /PostgreSQL enum needs a name/, sqlite: "CREATE TABLE posts (\n  status VARCHAR(1),\n  CHECK (status IN ('a'))\n)" });
  });

  it("rejects bad definitions and values", () => {
    expect(() => new Enum([])).toThrow(/at least one value/);
    expect(() => new Enum(["a", "a"])).toThrow(/unique/);
    expect(() => new Enum(["abc"], { length: 2 })).toThrow(/shorter/);
    const bind = status.bindProcessor();
    expect(bind("draft")).toBe("draft");
    expect(() => bind("nope" as "draft")).toThrow(/one of draft, it's/);
  });
});

describe("user types", () => {
  class Cents extends TypeDecorator<number, Integer> {
    readonly impl = new Integer();
    override processBindParam(value: number): number {
      return Math.round(value * 100);
    }
    override processResultValue(value: number): number {
      return value / 100;
    }
  }
  class Uid extends TypeDecorator<string, TypeEngine<string>> {
    readonly impl = new UUID();
    override implFor(dialectName: string): TypeEngine {
      return dialectName === "postgresql" ? this.impl : new StringType(32);
    }
  }
  class CIText extends UserDefinedType<string> {
    columnSpec(dialectName: string): string {
      return dialectName === "postgresql" ? "CITEXT" : "TEXT";
    }
  }

  it("a TypeDecorator is stored as its impl (per dialect) and converts both ways", () => {
    expect(typeOn(new Cents(), "postgresql")).toBe("INTEGER");
    expect(typeOn(new Uid(), "postgresql")).toBe("UUID");
    expect(typeOn(new Uid(), "mysql")).toBe("VARCHAR(32)");
    const cents = new Cents();
    expect(cents.bindProcessor()(12.34)).toBe(1234);
    expect(cents.resultProcessor()("1234")).toBe(12.34);
    expect(cents.typeName).toBe("Cents(Integer)");
  });

  it("a UserDefinedType gives its SQL per dialect", () => {
    expect(typeOn(new CIText(), "postgresql")).toBe("CITEXT");
    expect(typeOn(new CIText(), "sqlite")).toBe("TEXT");
  });

  it("a type without SQL text is a clear error", () => {
    class Mystery extends TypeEngine<string> {
      readonly typeName = "Mystery";
      readonly visitName = "mystery";
    }
    expect(() => typeOn(new Mystery(), "postgresql")).toThrow(/Subclass UserDefinedType .* or TypeDecorator/);
  });
});

describe("ARRAY values", () => {
  it("binds and reads through the item type, and parses PostgreSQL's text form", () => {
    const type = new ARRAY(new Enum(["a", "b c"]));
    expect(type.bindProcessor()(["a", null as unknown as "a"])).toEqual(["a", null]);
    expect(() => type.bindProcessor()(["z" as "a"])).toThrow(/one of a, b c/);
    expect(type.resultProcessor()('{a,"b c",NULL}')).toEqual(["a", "b c", null]);
    const grid = new ARRAY(new ARRAY(Integer));
    expect(grid.resultProcessor()("{{1,2},{3,4}}")).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(new ARRAY(Text).resultProcessor()('[0:1]={"x\\"y","{}"}')).toEqual(['x"y', "{}"]);
    expect(() => new ARRAY(Text).resultProcessor()("{a")).toThrow(/PostgreSQL array/);
  });
});
