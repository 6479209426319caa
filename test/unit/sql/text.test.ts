import { describe, expect, it } from "vitest";
import { ArgumentError, Integer, SQLCompiler, scanText, text } from "../../../src/index.js";

class DollarCompiler extends SQLCompiler {
  override placeholder(position: number): string {
    return `$${position}`;
  }
}

describe("text() parameters", () => {
  it("turns :name into placeholders in order", () => {
    const compiled = new SQLCompiler().compile(text("select * from t where a = :a and b = :b or a = :a"));
    expect(compiled.sql).toBe("select * from t where a = ? and b = ? or a = ?");
    expect(compiled.bindNames).toEqual(["a", "b", "a"]);
    expect(new DollarCompiler().compile(text("select :x, :y")).sql).toBe("select $1, $2");
  });

  it("leaves casts, strings, quoted identifiers, comments and dollar quotes alone", () => {
    const sql =
      "select :a::int, 'it''s :not', \"col:umn\", `x:y`, $$ :nope $$, $tag$ :no $tag$ -- :comment\n" +
      "/* :block */ from t where x = :b and t.c=:c";
    const compiled = new SQLCompiler().compile(text(sql));
    expect(compiled.bindNames).toEqual(["a", "b", "c"]);
    expect(compiled.sql).toBe(
      "select ?::int, 'it''s :not', \"col:umn\", `x:y`, $$ :nope $$, $tag$ :no $tag$ -- :comment\n/* :block */ from t where x = ? and t.c=?",
    );
  });

  it("writes a literal colon for \\:", () => {
    expect(new SQLCompiler().compile(text("select '10' || \\:x, :y")).sql).toBe("select '10' || :x, ?");
  });

  it("does not take a colon inside a word or a time literal for a parameter", () => {
    expect(scanText("select a:b, 12:30")).toEqual([{ text: "select a:b, 12:30" }]);
  });

  it("keeps bound values and types, immutably", () => {
    const base = text("select :x");
    const bound = base.bindparams({ x: 5 }, { x: new Integer() });
    expect(base.boundValues).toEqual({});
    expect(bound.boundValues).toEqual({ x: 5 });
    expect(Object.isFrozen(bound)).toBe(true);
    expect(() => base.bindparams({ "bad name": 1 })).toThrow(ArgumentError);
  });
});
