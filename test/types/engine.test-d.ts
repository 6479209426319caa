import { describe, expectTypeOf, it } from "vitest";
import {
  BigInteger,
  Boolean as BooleanType,
  Integer,
  type Connection,
  type Engine,
  type Result,
  type Row,
  type StreamingResult,
  String as StringType,
  createEngine,
  text,
} from "athanor";

declare const conn: Connection;

describe("result types", () => {
  it("createEngine returns an Engine", () => {
    expectTypeOf(createEngine("sqlite://")).toEqualTypeOf<Engine>();
  });

  it("text() without columns gives loosely typed rows", async () => {
    const result = await conn.execute(text("select 1"));
    expectTypeOf(result).toEqualTypeOf<Result<Record<string, unknown>>>();
    expectTypeOf(result.all()).toEqualTypeOf<Row<Record<string, unknown>>[]>();
  });

  it("text().columns() types each row from the declared SQL types", async () => {
    const stmt = text("select id, name, active, big from t").columns({
      id: new Integer(),
      name: new StringType(50),
      active: new BooleanType(),
      big: new BigInteger(),
    });
    const result = await conn.execute(stmt);
    const row = result.one();
    expectTypeOf(row.id).toEqualTypeOf<number>();
    expectTypeOf(row.name).toEqualTypeOf<string>();
    expectTypeOf(row.active).toEqualTypeOf<boolean>();
    expectTypeOf(row.big).toEqualTypeOf<bigint>();
    expectTypeOf(row._asObject()).toEqualTypeOf<{ id: number; name: string; active: boolean; big: bigint }>();
    expectTypeOf(result.first()).toEqualTypeOf<typeof row | null>();
    expectTypeOf(result.oneOrNone()).toEqualTypeOf<typeof row | null>();
  });

  it("scalars and mappings are typed", async () => {
    const result = await conn.execute(text("select id, name from t").columns({ id: new Integer(), name: new StringType() }));
    expectTypeOf(result.scalars("name").all()).toEqualTypeOf<string[]>();
    expectTypeOf(result.mappings()).toEqualTypeOf<{ id: number; name: string }[]>();
    // @ts-expect-error: no such column
    result.scalars("nope");
  });

  it("streaming results are typed like buffered ones", async () => {
    const stream = await conn.stream(text("select id from t").columns({ id: new Integer() }));
    expectTypeOf(stream).toEqualTypeOf<StreamingResult<{ id: number }>>();
    for await (const row of stream) expectTypeOf(row.id).toEqualTypeOf<number>();
  });

  it("engine.begin(fn) returns the function's result", async () => {
    const engine = createEngine("sqlite://");
    expectTypeOf(await engine.begin(async () => 42)).toEqualTypeOf<number>();
    expectTypeOf(await engine.connect(async () => "x")).toEqualTypeOf<string>();
    expectTypeOf(await engine.connect()).toEqualTypeOf<Connection>();
  });
});
