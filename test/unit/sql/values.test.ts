/**
 * The values() FROM element compiled for every dialect (no database): the SQL
 * form each dialect uses, parameters in placeholder order, and cache keys that
 * follow the shape, not the data. Executed on real databases in
 * test/suite/values-construct.test.ts.
 */
import { describe, expect, it } from "vitest";
import {
  ARRAY,
  ArgumentError,
  Boolean as Bool,
  CompileError,
  Integer,
  JSON as JSONType,
  Numeric,
  String as Str,
  bindparam,
  column,
  select,
  statementKey,
  table,
  update,
  values,
} from "../../../src/index.js";
import { assertCompile, compilers, paramsOf } from "../../support/compile.js";

const book = table("book", { id: new Integer(), title: new Str(100), price: new Numeric(10, 2) });
const priced = () => values(column("id", new Integer()), column("price", new Numeric(10, 2)));

describe("values()", () => {
  it("renders each dialect's form of a named VALUES list, every value bound", () => {
    const v = priced().data([[1, "9.99"], [2, "3.50"]]).alias("v");
    assertCompile(select(v.c.id, v.c.price).selectFrom(v), {
      postgresql: ["SELECT v.id, v.price FROM unnest($1::INTEGER[], $2::NUMERIC(10, 2)[]) AS v (id, price)", [[1, 2], ["9.99", "3.50"]]],
      sqlite: ["SELECT v.id, v.price FROM (SELECT column1 AS id, column2 AS price FROM (VALUES (?, ?), (?, ?))) AS v", [1, "9.99", 2, "3.50"]],
      mysql: ["SELECT v.id, v.price FROM (SELECT ? AS id, ? AS price UNION ALL SELECT ?, ?) AS v", [1, "9.99", 2, "3.50"]],
    });
  });

  it("is the extra FROM of an UPDATE", () => {
    const v = priced().data([[1, "9.99"], [2, "3.50"]]).alias("v");
    assertCompile(update(book).values({ price: v.c.price }).where(book.c.id.eq(v.c.id)), {
      postgresql: "UPDATE book SET price = v.price FROM unnest($1::INTEGER[], $2::NUMERIC(10, 2)[]) AS v (id, price) WHERE book.id = v.id",
      sqlite: "UPDATE book SET price = v.price FROM (SELECT column1 AS id, column2 AS price FROM (VALUES (?, ?), (?, ?))) AS v WHERE book.id = v.id",
      mysql: "UPDATE book, (SELECT ? AS id, ? AS price UNION ALL SELECT ?, ?) AS v SET book.price = v.price WHERE book.id = v.id",
    });
  });

  it("joins a table", () => {
    const v = priced().data([[1, "9.99"]]).alias("v");
    assertCompile(select(book.c.title, v.c.price).join(v, book.c.id.eq(v.c.id)), {
      postgresql: "SELECT book.title, v.price FROM book JOIN unnest($1::INTEGER[], $2::NUMERIC(10, 2)[]) AS v (id, price) ON book.id = v.id",
    });
  });

  it("PostgreSQL: one array parameter per column, each value through its column type's bind processor", () => {
    const v = values(column("flag", new Bool()), column("doc", new JSONType()))
      .data([[true, { a: 1 }], [null, null]])
      .alias("v");
    const compiled = compilers.postgresql().compile(select(v.c.flag).selectFrom(v));
    expect(compiled.sql).toBe("SELECT v.flag FROM unnest($1::BOOLEAN[], $2::JSON[]) AS v (flag, doc)");
    const processed = paramsOf(compiled).map((value, i) => compiled.bindProcessors[i]?.(value) ?? value);
    expect(processed).toEqual([[true, null], ['{"a":1}', null]]);
  });

  it("PostgreSQL: a named bindparam() in a row keeps the standard VALUES form", () => {
    const v = values(column("id", new Integer())).data([[bindparam("first", new Integer()) as never], [2]]).alias("v");
    const compiled = compilers.postgresql().compile(select(v.c.id).selectFrom(v));
    expect(compiled.sql).toBe("SELECT v.id FROM (VALUES ($1::INTEGER), ($2)) AS v (id)");
    expect(compiled.bindNames[0]).toBe("first");
  });

  it("PostgreSQL: an ARRAY column keeps the standard VALUES form (unnest would flatten it), cast with the full type name", () => {
    const v = values(column("flag", new Bool()), column("doc", new JSONType()), column("tags", new ARRAY(new Str(20))))
      .data([[true, { a: 1 }, ["x"]], [null, null, null]])
      .alias("v");
    const compiled = compilers.postgresql().compile(select(v.c.flag).selectFrom(v));
    expect(compiled.sql).toBe("SELECT v.flag FROM (VALUES ($1::BOOLEAN, $2::JSON, $3::VARCHAR(20)[]), ($4, $5, $6)) AS v (flag, doc, tags)");
    const processed = paramsOf(compiled).map((value, i) => {
      const processor = compiled.bindProcessors[i];
      return processor !== undefined && value !== null ? processor(value) : value;
    });
    expect(processed[1]).toBe('{"a":1}');
    expect(processed.slice(3)).toEqual([null, null, null]);
  });

  it("an unaliased VALUES list gets a generated name", () => {
    const v = priced().data([[1, "9.99"]]);
    assertCompile(select(v.c.id).selectFrom(v), {
      postgresql: "SELECT anon_1.id FROM unnest($1::INTEGER[], $2::NUMERIC(10, 2)[]) AS anon_1 (id, price)",
    });
  });

  it("keys the statement cache by shape: other data, same key; more rows, another key", () => {
    const stmt = (rows: [number, string][]) => {
      const v = priced().data(rows).alias("v");
      return update(book).values({ price: v.c.price }).where(book.c.id.eq(v.c.id));
    };
    const a = statementKey(stmt([[1, "1.00"], [2, "2.00"]]));
    const b = statementKey(stmt([[3, "3.00"], [4, "4.00"]]));
    const c = statementKey(stmt([[3, "3.00"], [4, "4.00"], [5, "5.00"]]));
    expect(a?.key).toBe(b?.key);
    expect(a?.key).not.toBe(c?.key);
    expect(b?.binds.map((bind) => bind.value)).toEqual([3, "3.00", 4, "4.00"]);
    expect(a?.key).not.toContain("1.00");
  });

  it("a named bindparam() in a row is given at execution", () => {
    const v = values(column("id", new Integer())).data([[bindparam("first", new Integer()) as never], [2]]).alias("v");
    const compiled = compilers.sqlite().compile(select(v.c.id).selectFrom(v));
    expect(compiled.bindNames[0]).toBe("first");
  });

  it("lists each value once in the cache key's binds, however many columns refer to the list", () => {
    const v = priced().data([[bindparam("a", new Integer()) as never, bindparam("b", new Numeric(10, 2)) as never], [2, "2.00"]]).alias("v");
    const key = statementKey(update(book).values({ price: v.c.price, title: v.c.price as never }).where(book.c.id.eq(v.c.id)));
    expect(key?.binds.map((bind) => bind.value)).toEqual([2, "2.00"]);
    expect(key?.key).toContain("0.0=a;0.1=b;");
  });

  it("refuses rows of the wrong width, undefined, expressions and an empty list", () => {
    expect(() => priced().data([[1] as never])).toThrow(ArgumentError);
    expect(() => priced().data([[1, undefined as never]])).toThrow(/use null/);
    expect(() => priced().data([[book.c.id as never, "1"]])).toThrow(ArgumentError);
    expect(() => values(column("a", new Integer()), column("a", new Integer()))).toThrow(/twice/);
    expect(() => compilers.postgresql().compile(select(priced().alias("v").c.id))).toThrow(CompileError);
  });

  it("data() adds rows to a new element and leaves the original as it was", () => {
    const empty = priced();
    const one = empty.data([[1, "1.00"]]);
    const two = one.data([[2, "2.00"]]);
    expect([empty.rows.length, one.rows.length, two.rows.length]).toEqual([0, 1, 2]);
    expect(Object.isFrozen(two)).toBe(true);
  });
});
