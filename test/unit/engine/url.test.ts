import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { ArgumentError, NoSuchModuleError, URL, createEngine } from "../../../src/index.js";

describe("URL.parse", () => {
  it("reads every part", () => {
    const url = URL.parse("postgresql+pg://scott:tiger@db.example.com:5433/shop?sslmode=require&application_name=a%20b");
    expect(url.dialect).toBe("postgresql");
    expect(url.driver).toBe("pg");
    expect(url.username).toBe("scott");
    expect(url.password).toBe("tiger");
    expect(url.host).toBe("db.example.com");
    expect(url.port).toBe(5433);
    expect(url.database).toBe("shop");
    expect(url.query).toEqual({ sslmode: "require", application_name: "a b" });
  });

  it("reads SQLite paths and memory URLs", () => {
    expect(URL.parse("sqlite://").database).toBeUndefined();
    expect(URL.parse("sqlite:///relative/app.db").database).toBe("relative/app.db");
    expect(URL.parse("sqlite:////abs/app.db").database).toBe("/abs/app.db");
    expect(URL.parse("postgresql+pglite:///tmp/data").database).toBe("tmp/data");
  });

  it("decodes percent-escaped passwords and keeps repeated query keys", () => {
    const url = URL.parse("mysql+mysql2://u:p%40ss%23w%2Fo%3Ard%25%20x@h/db?opt=1&opt=2");
    expect(url.password).toBe("p@ss#w/o:rd% x");
    expect(url.query.opt).toEqual(["1", "2"]);
    expect(url.queryValue("opt")).toBe("2");
  });

  it("reads IPv6 hosts", () => {
    const url = URL.parse("postgresql://u@[::1]:5432/db");
    expect(url.host).toBe("::1");
    expect(url.render()).toBe("postgresql://u@[::1]:5432/db");
  });

  it.each([
    ["not a url", /Could not parse a database URL/],
    ["postgresql://u:secret@h:99999/db", /Invalid port "99999"/],
    ["postgresql://u:secret@h:abc/db", /Invalid port "abc"/],
    ["postgresql://u:se#cret@h/db", /fragment.*%23/],
    ["postgresql://u:bad%zzsecret@h/db", /percent-encoding in the password/],
    ["1sql://h/db", /Could not parse|Invalid scheme/],
  ])("rejects %s naming the bad part, never the password", (text, pattern) => {
    let error: unknown;
    try {
      URL.parse(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as Error).message).toMatch(pattern);
    expect((error as Error).message).not.toContain("secret");
  });
});

describe("URL.create and render", () => {
  const password = "p@ss:w/o#r%d ?&=";
  const url = URL.create({ dialect: "postgresql", driver: "pg", username: "app", password, host: "localhost", port: 5432, database: "shop" });

  it("escapes special characters and round-trips", () => {
    const rendered = url.render({ hidePassword: false });
    expect(rendered).toBe("postgresql+pg://app:p%40ss%3Aw%2Fo%23r%25d%20%3F%26%3D@localhost:5432/shop");
    expect(URL.parse(rendered).password).toBe(password);
  });

  it("never shows the password in printed forms", () => {
    for (const shown of [String(url), url.toString(), url.render(), JSON.stringify({ url }), inspect(url), inspect({ nested: url })]) {
      expect(shown).not.toContain("p@ss");
      expect(shown).not.toContain("p%40ss");
      expect(shown).toContain("***");
    }
    const engine = createEngine(url);
    expect(inspect(engine)).not.toContain("p@ss");
    expect(String(engine)).toBe("Engine(postgresql+pg://app:***@localhost:5432/shop)");
  });

  it("copies with changes", () => {
    const other = url.set({ database: "other" }).updateQuery({ sslmode: "disable" });
    expect(other.render({ hidePassword: false })).toBe(
      "postgresql+pg://app:p%40ss%3Aw%2Fo%23r%25d%20%3F%26%3D@localhost:5432/other?sslmode=disable",
    );
    expect(url.database).toBe("shop");
  });

  it("validates parts", () => {
    expect(() => URL.create({ dialect: "bad dialect" })).toThrow(ArgumentError);
    expect(() => URL.create({ dialect: "pg", port: 0 })).toThrow(/Invalid port/);
  });
});

describe("createEngine", () => {
  it("lists the known dialects for an unknown one", () => {
    expect(() => createEngine("oracle://u@h/db")).toThrow(NoSuchModuleError);
    expect(() => createEngine("oracle://u@h/db")).toThrow(/Known dialects: mariadb, mysql, postgresql, sqlite/);
  });

  it("lists the known drivers for an unknown one", () => {
    expect(() => createEngine("postgresql+psycopg2://u@h/db")).toThrow(/Known drivers: pg, pglite, postgres/);
  });

  it("rejects unknown and bad options", () => {
    expect(() => createEngine("sqlite://", { poolsize: 3 } as never)).toThrow(/Unknown engine option "poolsize"/);
    expect(() => createEngine("sqlite://", { poolTimeout: -1 })).toThrow(/poolTimeout must be/);
    expect(() => createEngine("sqlite://", { isolationLevel: "SNAPSHOT" as never })).toThrow(/Unknown isolation level/);
  });
});
