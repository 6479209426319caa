import { describe, expect, it } from "vitest";
import { resultMeta } from "../../../src/engine/result.js";
import { ARRAY, Integer, Numeric, Text, TypeDecorator } from "../../../src/sql/index.js";

class Upper extends TypeDecorator<string, Text> {
  readonly impl = new Text();
  override processResultValue(value: string): string {
    return value.toUpperCase();
  }
}

describe("resultMeta", () => {
  it("drops the conversions that leave the driver's guaranteed kind unchanged", () => {
    const meta = resultMeta(
      [
        { name: "id", type: "int4", valueKind: "number" },
        { name: "title", type: "text", valueKind: "string" },
        { name: "price", type: "numeric", valueKind: "string" },
      ],
      { id: new Integer(), title: new Text(), price: new Numeric(10, 2) },
    );
    expect(meta.processors).toBeUndefined();
  });

  it("keeps them when the kinds differ, the driver guarantees none, or the type converts more", () => {
    const meta = resultMeta(
      [
        { name: "a", type: "numeric", valueKind: "string" }, // an Integer read from a numeric column: "12" -> 12
        { name: "b", type: "text" }, // no guarantee (SQLite's declared types)
        { name: "c", type: "text", valueKind: "string" }, // a TypeDecorator's own conversion
      ],
      { a: new Integer(), b: new Text(), c: new Upper() },
    );
    const [a, b, c] = meta.processors ?? [];
    expect(a?.("12")).toBe(12);
    expect(b?.(5)).toBe("5");
    expect(c?.("x")).toBe("X");
  });

  it("remembers the conversions with a frozen column list (one a driver reuses), and builds them again for other result types", () => {
    const columns = Object.freeze([{ name: "x", type: "text" }]);
    const upper = { x: new Upper() };
    const first = resultMeta(columns, upper);
    expect(resultMeta(columns, upper)).toBe(first);
    // A list that is not frozen may be a driver's fresh one per result: nothing is kept for it.
    const fresh = [{ name: "x", type: "text" }];
    expect(resultMeta(fresh, upper)).not.toBe(resultMeta(fresh, upper));
    const plain = resultMeta(columns, { x: new Integer() });
    expect(plain).not.toBe(first);
    expect(plain.processors?.[0]?.("7")).toBe(7);
    expect(resultMeta(columns, undefined).processors).toBeUndefined();
    expect(resultMeta(columns, upper).processors?.[0]?.("a")).toBe("A");
  });

  it("reads arrays without copying them when no element changes, and converts the ones that do", () => {
    const read = new ARRAY(new Integer()).resultProcessor("int4[]") as (v: unknown) => unknown;
    const numbers = [1, null, 3];
    expect(read(numbers)).toBe(numbers);
    const strings = ["1", null, "3"];
    const converted = read(strings);
    expect(converted).toEqual([1, null, 3]);
    expect(strings).toEqual(["1", null, "3"]); // the driver's array is not changed in place
    expect(read("{4,NULL}")).toEqual([4, null]);
  });
});
