import { describe, expect, it } from "vitest";
import {
  ArgumentError,
  CompileError,
  DateTime,
  Integer,
  String as Str,
  delete_,
  func,
  insert,
  literalColumn,
  null_,
  select,
  statementKey,
  table,
  update,
} from "../../../src/index.js";
import { assertCompile, compilers, paramsOf } from "../../support/compile.js";

const users = table("users", { id: new Integer(), name: new Str(50), age: new Integer() });
const orders = table("orders", { id: new Integer(), user_id: new Integer(), total: new Integer() });
const odd = table("Order Items", { select: new Integer(), CamelCase: new Str() });
const scoped = table("events", { id: new Integer(), at: new DateTime() }, { schema: "audit" });

/** Asserts that a dialect refuses a statement with a CompileError matching `message`. */
function assertCompileError(statement: Parameters<typeof assertCompile>[0], dialects: (keyof typeof compilers)[], message: RegExp): void {
  for (const dialect of dialects) {
    expect(() => compilers[dialect]().compile(statement), dialect).toThrow(CompileError);
    expect(() => compilers[dialect]().compile(statement), dialect).toThrow(message);
  }
}

describe("insert", () => {
  it("one row: bound values in column order", () => {
    assertCompile(insert(users).values({ name: "ada", age: 36 }), {
      postgresql: ["INSERT INTO users (name, age) VALUES ($1, $2)", ["ada", 36]],
      sqlite: ["INSERT INTO users (name, age) VALUES (?, ?)", ["ada", 36]],
      mysql: ["INSERT INTO users (name, age) VALUES (?, ?)", ["ada", 36]],
    });
  });

  it("values with quotes, unicode and null stay bound parameters, never inlined", () => {
    const name = "O'Brien \\ \"x\" 😀 עברית";
    const compiled = compilers.postgresql().compile(insert(users).values({ name, age: null_() }));
    expect(compiled.sql).toBe("INSERT INTO users (name, age) VALUES ($1, NULL)");
    expect(paramsOf(compiled)).toEqual([name]);
  });

  it("multi-row VALUES", () => {
    const stmt = insert(users).values([
      { id: 1, name: "a" },
      { id: 2, name: "b" },
    ]);
    assertCompile(stmt, {
      postgresql: ["INSERT INTO users (id, name) VALUES ($1, $2), ($3, $4)", [1, "a", 2, "b"]],
      sqlite: ["INSERT INTO users (id, name) VALUES (?, ?), (?, ?)", [1, "a", 2, "b"]],
      mysql: ["INSERT INTO users (id, name) VALUES (?, ?), (?, ?)", [1, "a", 2, "b"]],
    });
  });

  it("SQL expressions as values", () => {
    const stmt = insert(users).values({ name: func.upper("ada"), age: literalColumn("40 + 2") });
    assertCompile(stmt, {
      postgresql: ["INSERT INTO users (name, age) VALUES (upper($1), 40 + 2)", ["ada"]],
      mysql: ["INSERT INTO users (name, age) VALUES (upper(?), 40 + 2)", ["ada"]],
    });
  });

  it("no values: DEFAULT VALUES, or () VALUES () on MySQL", () => {
    assertCompile(insert(users), {
      postgresql: "INSERT INTO users DEFAULT VALUES",
      sqlite: "INSERT INTO users DEFAULT VALUES",
      mysql: "INSERT INTO users () VALUES ()",
    });
    assertCompile(insert(users).values({}), { postgresql: "INSERT INTO users DEFAULT VALUES", mysql: "INSERT INTO users () VALUES ()" });
  });

  it("quotes odd table and column names and schemas", () => {
    assertCompile(insert(odd).values({ select: 1, CamelCase: "x" }), {
      postgresql: 'INSERT INTO "Order Items" ("select", "CamelCase") VALUES ($1, $2)',
      mysql: "INSERT INTO `Order Items` (`select`, `CamelCase`) VALUES (?, ?)",
    });
    assertCompile(insert(scoped).values({ id: 1 }), { postgresql: "INSERT INTO audit.events (id) VALUES ($1)", mysql: "INSERT INTO audit.events (id) VALUES (?)" });
  });

  it("binds with each column's type (a DateTime is converted before sending)", () => {
    const compiled = compilers.postgresql().compile(insert(scoped).values({ at: new Date("2024-01-02T03:04:05Z") }));
    expect(compiled.bindProcessors[0]).toBeTypeOf("function");
  });

  it("values() again merges into the single row; a list replaces", () => {
    const stmt = insert(users).values({ name: "a", age: 1 }).values({ age: 2, id: 3 });
    assertCompile(stmt, { postgresql: ["INSERT INTO users (name, age, id) VALUES ($1, $2, $3)", ["a", 2, 3]] });
    assertCompile(stmt.values([{ id: 9 }]), { postgresql: ["INSERT INTO users (id) VALUES ($1)", [9]] });
  });

  it("is immutable: each call returns a new statement", () => {
    const base = insert(users);
    const withValues = base.values({ name: "x" });
    expect(withValues).not.toBe(base);
    expect(compilers.postgresql().compile(base).sql).toBe("INSERT INTO users DEFAULT VALUES");
    expect(Object.isFrozen(withValues)).toBe(true);
  });

  it("from a select", () => {
    const stmt = insert(users).fromSelect(["id", "age"], select(orders.c.user_id, orders.c.total).where(orders.c.total.gt(10)));
    assertCompile(stmt, {
      postgresql: ["INSERT INTO users (id, age) SELECT orders.user_id, orders.total FROM orders WHERE orders.total > $1", [10]],
      sqlite: ["INSERT INTO users (id, age) SELECT orders.user_id, orders.total FROM orders WHERE orders.total > ?", [10]],
      mysql: ["INSERT INTO users (id, age) SELECT orders.user_id, orders.total FROM orders WHERE orders.total > ?", [10]],
    });
    const byColumns = insert(users).fromSelect([users.c.id], select(orders.c.id));
    assertCompile(byColumns, { postgresql: "INSERT INTO users (id) SELECT orders.id FROM orders" });
    expect(compilers.postgresql().compile(byColumns).resultTypes).toBeUndefined();
  });

  it("returning columns, labels and whole tables, with result types", () => {
    const stmt = insert(users).values({ name: "a" }).returning(users.c.id, users.c.name.label("who"), users.c.age.add(1));
    assertCompile(stmt, {
      postgresql: ["INSERT INTO users (name) VALUES ($1) RETURNING users.id, users.name AS who, users.age + $2 AS anon_1", ["a", 1]],
      sqlite: "INSERT INTO users (name) VALUES (?) RETURNING users.id, users.name AS who, users.age + ? AS anon_1",
      mariadb: "INSERT INTO users (name) VALUES (?) RETURNING users.id, users.name AS who, users.age + ? AS anon_1",
    });
    const compiled = compilers.postgresql().compile(stmt);
    expect(Object.keys(compiled.resultTypes ?? {})).toEqual(["id", "who", "anon_1"]);
    expect(compiled.resultTypes?.id).toBeInstanceOf(Integer);
    assertCompile(insert(users).values({ name: "a" }).returning(users), {
      postgresql: "INSERT INTO users (name) VALUES ($1) RETURNING users.id, users.name, users.age",
    });
  });

  it("MySQL has no RETURNING; MariaDB has it for INSERT", () => {
    assertCompileError(insert(users).values({ name: "a" }).returning(users.c.id), ["mysql"], /MySQL has no INSERT \.\.\. RETURNING/);
  });

  it("rejects unknown keys, naming the key and the table's columns", () => {
    // @ts-expect-error -- not a column of users
    expect(() => insert(users).values({ nope: 1 })).toThrow(ArgumentError);
    // @ts-expect-error -- not a column of users
    expect(() => insert(users).values({ nope: 1 })).toThrow('table "users" has no column "nope". Columns: id, name, age.');
    // @ts-expect-error -- not a column of users
    expect(() => insert(users).values([{ id: 1 }, { nope: 1 }])).toThrow(/row 1: table "users" has no column "nope"/);
  });

  it("rejects multi-row lists whose rows have different columns, and empty lists", () => {
    expect(() => insert(users).values([{ id: 1, name: "a" }, { id: 2 }])).toThrow(/row 1 lacks name/);
    expect(() => insert(users).values([])).toThrow(ArgumentError);
    expect(() => insert(users).values([{}, {}])).toThrow(/at least one column/);
  });

  it("rejects undefined-only misuse: fromSelect with values, column count mismatch, foreign columns", () => {
    expect(() => insert(users).values({ id: 1 }).fromSelect(["id"], select(orders.c.id))).toThrow(/exclude each other/);
    expect(() => insert(users).fromSelect(["id", "name"], select(orders.c.id))).toThrow(/2 column\(s\) named but the select has 1/);
    // @ts-expect-error -- a column of another table
    expect(() => insert(users).fromSelect([orders.c.id], select(orders.c.id))).toThrow(/not a column of table "users"/);
  });
});

describe("upsert", () => {
  const stmt = insert(users).values({ id: 1, name: "ada" });

  it("ON CONFLICT DO NOTHING, with and without a target", () => {
    assertCompile(stmt.onConflictDoNothing(), {
      postgresql: ["INSERT INTO users (id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING", [1, "ada"]],
      sqlite: "INSERT INTO users (id, name) VALUES (?, ?) ON CONFLICT DO NOTHING",
    });
    assertCompile(stmt.onConflictDoNothing({ target: users.c.id }), {
      postgresql: "INSERT INTO users (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
      sqlite: "INSERT INTO users (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
    });
    assertCompile(stmt.onConflictDoNothing({ target: ["id", "name"] }), {
      postgresql: "INSERT INTO users (id, name) VALUES ($1, $2) ON CONFLICT (id, name) DO NOTHING",
    });
  });

  it("ON CONFLICT ON CONSTRAINT (PostgreSQL only)", () => {
    const named = stmt.onConflictDoNothing({ target: { constraint: "users_pkey" } });
    assertCompile(named, { postgresql: "INSERT INTO users (id, name) VALUES ($1, $2) ON CONFLICT ON CONSTRAINT users_pkey DO NOTHING" });
    assertCompileError(named, ["sqlite"], /SQLite has no ON CONFLICT ON CONSTRAINT/);
  });

  it("ON CONFLICT DO UPDATE with excluded values, a WHERE, and a partial index predicate", () => {
    const upsert = stmt.onConflictDoUpdate({
      target: [users.c.id],
      set: { name: stmt.excluded.c.name, age: users.c.age.add(1) },
      where: users.c.age.lt(100),
    });
    assertCompile(upsert, {
      postgresql: [
        "INSERT INTO users (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = excluded.name, age = users.age + $3 WHERE users.age < $4",
        [1, "ada", 1, 100],
      ],
      sqlite: "INSERT INTO users (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, age = users.age + ? WHERE users.age < ?",
    });
    const partial = stmt.onConflictDoUpdate({ target: "name", targetWhere: users.c.age.isNotNull(), set: { age: 5 } });
    assertCompile(partial, {
      postgresql: ["INSERT INTO users (id, name) VALUES ($1, $2) ON CONFLICT (name) WHERE users.age IS NOT NULL DO UPDATE SET age = $3", [1, "ada", 5]],
    });
  });

  it("upsert with multi-row values and RETURNING", () => {
    const many = insert(users).values([
      { id: 1, name: "a" },
      { id: 2, name: "b" },
    ]);
    const upsert = many.onConflictDoUpdate({ target: ["id"], set: { name: many.excluded.c.name } }).returning(users.c.id);
    assertCompile(upsert, {
      postgresql: "INSERT INTO users (id, name) VALUES ($1, $2), ($3, $4) ON CONFLICT (id) DO UPDATE SET name = excluded.name RETURNING users.id",
    });
  });

  it("SQLite wraps INSERT ... SELECT of an upsert to keep it parseable", () => {
    const fromSelect = insert(users).fromSelect(["id"], select(orders.c.id)).onConflictDoNothing();
    assertCompile(fromSelect, {
      postgresql: "INSERT INTO users (id) SELECT orders.id FROM orders ON CONFLICT DO NOTHING",
      sqlite: "INSERT INTO users (id) SELECT * FROM (SELECT orders.id FROM orders) WHERE true ON CONFLICT DO NOTHING",
    });
  });

  it("ON DUPLICATE KEY UPDATE with VALUES(col) on MySQL and MariaDB", () => {
    const upsert = stmt.onDuplicateKeyUpdate({ set: { name: stmt.inserted.c.name, age: users.c.age.add(1) } });
    assertCompile(upsert, {
      mysql: ["INSERT INTO users (id, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name), age = users.age + ?", [1, "ada", 1]],
    });
    assertCompile(upsert.returning(users.c.id), {
      mariadb: "INSERT INTO users (id, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name), age = users.age + ? RETURNING users.id",
    });
  });

  it("each dialect refuses the other family's upsert with a CompileError", () => {
    assertCompileError(stmt.onConflictDoNothing(), ["mysql", "mariadb"], /no ON CONFLICT \(onConflictDoNothing\); use onDuplicateKeyUpdate/);
    assertCompileError(stmt.onConflictDoUpdate({ target: "id", set: { name: "x" } }), ["mysql", "mariadb"], /no ON CONFLICT \(onConflictDoUpdate\)/);
    assertCompileError(stmt.onDuplicateKeyUpdate({ set: { name: "x" } }), ["postgresql", "sqlite"], /ON DUPLICATE KEY UPDATE is MySQL\/MariaDB syntax/);
  });

  it("argument errors: no target or empty set for DO UPDATE, unknown set keys, mixing the two forms", () => {
    // @ts-expect-error -- target is required
    expect(() => stmt.onConflictDoUpdate({ set: { name: "x" } })).toThrow(/target/);
    expect(() => stmt.onConflictDoUpdate({ target: "id", set: {} })).toThrow(/set at least one column/);
    // @ts-expect-error -- not a column
    expect(() => stmt.onConflictDoUpdate({ target: "id", set: { nope: 1 } })).toThrow(/no column "nope"/);
    // @ts-expect-error -- not a column
    expect(() => stmt.onConflictDoNothing({ target: "nope" })).toThrow(/upsert target: table "users" has no column "nope"/);
    expect(() => stmt.onConflictDoNothing().onDuplicateKeyUpdate({ set: { name: "x" } })).toThrow(/exclude each other/);
    expect(() => stmt.onConflictDoNothing({ target: { constraint: "c" }, targetWhere: users.c.id.gt(1) })).not.toThrow();
    assertCompileError(stmt.onConflictDoNothing({ target: { constraint: "c" }, targetWhere: users.c.id.gt(1) }), ["postgresql"], /takes no index WHERE/);
  });
});

describe("update", () => {
  it("SET values with WHERE", () => {
    const stmt = update(users).values({ name: "bob", age: users.c.age.add(1) }).where(users.c.id.eq(5));
    assertCompile(stmt, {
      postgresql: ["UPDATE users SET name = $1, age = users.age + $2 WHERE users.id = $3", ["bob", 1, 5]],
      sqlite: ["UPDATE users SET name = ?, age = users.age + ? WHERE users.id = ?", ["bob", 1, 5]],
      mysql: ["UPDATE users SET name = ?, age = users.age + ? WHERE users.id = ?", ["bob", 1, 5]],
    });
  });

  it("filterBy, several where calls, and no WHERE at all", () => {
    const stmt = update(users).values({ age: 1 }).filterBy({ name: "ada", age: null }).where(users.c.id.gt(2));
    assertCompile(stmt, { postgresql: ["UPDATE users SET age = $1 WHERE users.name = $2 AND users.age IS NULL AND users.id > $3", [1, "ada", 2]] });
    assertCompile(update(users).values({ age: 0 }), { mysql: ["UPDATE users SET age = ?", [0]] });
  });

  it("returning (PostgreSQL, SQLite); MySQL and MariaDB refuse", () => {
    const stmt = update(users).values({ age: 2 }).where(users.c.id.eq(1)).returning(users.c.id, users.c.age);
    assertCompile(stmt, {
      postgresql: "UPDATE users SET age = $1 WHERE users.id = $2 RETURNING users.id, users.age",
      sqlite: "UPDATE users SET age = ? WHERE users.id = ? RETURNING users.id, users.age",
    });
    assertCompileError(stmt, ["mysql"], /MySQL has no UPDATE \.\.\. RETURNING/);
    assertCompileError(stmt, ["mariadb"], /MariaDB has no UPDATE \.\.\. RETURNING/);
  });

  it("UPDATE ... FROM (PostgreSQL, SQLite) and multi-table UPDATE (MySQL) when other tables are referred to", () => {
    const stmt = update(users)
      .values({ age: orders.c.total })
      .where(users.c.id.eq(orders.c.user_id), orders.c.total.gt(10));
    assertCompile(stmt, {
      postgresql: ["UPDATE users SET age = orders.total FROM orders WHERE users.id = orders.user_id AND orders.total > $1", [10]],
      sqlite: "UPDATE users SET age = orders.total FROM orders WHERE users.id = orders.user_id AND orders.total > ?",
      mysql: ["UPDATE users, orders SET users.age = orders.total WHERE users.id = orders.user_id AND orders.total > ?", [10]],
    });
  });

  it("an aliased table and correlated subqueries", () => {
    const o = orders.alias("o");
    assertCompile(update(users).values({ age: 0 }).where(users.c.id.eq(o.c.user_id)), {
      postgresql: "UPDATE users SET age = $1 FROM orders AS o WHERE users.id = o.user_id",
      mysql: "UPDATE users, orders AS o SET users.age = ? WHERE users.id = o.user_id",
    });
    const total = select(func.sum(orders.c.total)).where(orders.c.user_id.eq(users.c.id)).scalarSubquery();
    assertCompile(update(users).values({ age: total }), {
      postgresql: "UPDATE users SET age = (SELECT sum(orders.total) AS sum FROM orders WHERE orders.user_id = users.id)",
    });
  });

  it("errors: unknown keys, no values", () => {
    // @ts-expect-error -- not a column
    expect(() => update(users).values({ nope: 1 })).toThrow('update().values(): table "users" has no column "nope". Columns: id, name, age.');
    // @ts-expect-error -- not a column
    expect(() => update(users).filterBy({ nope: 1 })).toThrow(/filterBy\(\): table "users" has no column "nope"/);
    assertCompileError(update(users).where(users.c.id.eq(1)), ["postgresql", "mysql"], /nothing to SET/);
  });
});

describe("delete", () => {
  it("WHERE and filterBy", () => {
    assertCompile(delete_(users).where(users.c.id.eq(1)), {
      postgresql: ["DELETE FROM users WHERE users.id = $1", [1]],
      sqlite: ["DELETE FROM users WHERE users.id = ?", [1]],
      mysql: ["DELETE FROM users WHERE users.id = ?", [1]],
    });
    assertCompile(delete_(users).filterBy({ name: "ada" }), { postgresql: ["DELETE FROM users WHERE users.name = $1", ["ada"]] });
    assertCompile(delete_(users), { mysql: "DELETE FROM users" });
  });

  it("returning (PostgreSQL, SQLite, MariaDB); MySQL refuses", () => {
    const stmt = delete_(users).where(users.c.age.lt(18)).returning(users.c.id);
    assertCompile(stmt, {
      postgresql: "DELETE FROM users WHERE users.age < $1 RETURNING users.id",
      sqlite: "DELETE FROM users WHERE users.age < ? RETURNING users.id",
      mariadb: "DELETE FROM users WHERE users.age < ? RETURNING users.id",
    });
    assertCompileError(stmt, ["mysql"], /MySQL has no DELETE \.\.\. RETURNING/);
  });

  it("DELETE ... USING (PostgreSQL), multi-table DELETE (MySQL); SQLite refuses", () => {
    const stmt = delete_(users).where(users.c.id.eq(orders.c.user_id), orders.c.total.eq(0));
    assertCompile(stmt, {
      postgresql: ["DELETE FROM users USING orders WHERE users.id = orders.user_id AND orders.total = $1", [0]],
      mysql: ["DELETE users FROM users, orders WHERE users.id = orders.user_id AND orders.total = ?", [0]],
    });
    assertCompileError(stmt, ["sqlite"], /no DELETE \.\.\. USING\. Use a subquery/);
    assertCompileError(stmt.returning(users.c.id), ["mariadb"], /no RETURNING on a multi-table DELETE/);
  });

  it("a subquery in WHERE is not an extra table", () => {
    const stmt = delete_(users).where(users.c.id.in(select(orders.c.user_id).where(orders.c.total.eq(0))));
    assertCompile(stmt, {
      sqlite: ["DELETE FROM users WHERE users.id IN (SELECT orders.user_id FROM orders WHERE orders.total = ?)", [0]],
    });
  });

  it("errors: filterBy with an unknown key", () => {
    // @ts-expect-error -- not a column
    expect(() => delete_(users).filterBy({ nope: 1 })).toThrow(/delete\(\)\.filterBy\(\): table "users" has no column "nope"/);
    // @ts-expect-error -- not a table
    expect(() => delete_(users.c.id)).toThrow(ArgumentError);
  });
});

describe("statement cache keys of DML", () => {
  const key = (stmt: Parameters<typeof statementKey>[0]) => statementKey(stmt)?.key;

  it("the same shape with other values shares a key; the values come out in key order", () => {
    const a = statementKey(insert(users).values({ name: "a", age: 1 }).returning(users.c.id));
    const b = statementKey(insert(users).values({ name: "b", age: 2 }).returning(users.c.id));
    expect(a?.key).toBeDefined();
    expect(a?.key).toBe(b?.key);
    expect(b?.binds.map((x) => x.value)).toEqual(["b", 2]);
    expect(key(update(users).values({ age: 1 }).where(users.c.id.eq(1)))).toBe(key(update(users).values({ age: 9 }).where(users.c.id.eq(7))));
    expect(key(delete_(users).filterBy({ id: 1 }))).toBe(key(delete_(users).filterBy({ id: 2 })));
  });

  it("other columns, row counts, upsert forms or RETURNING lists make other keys, even without bound values", () => {
    const now = func.now();
    expect(key(insert(users).values({ name: func.upper(users.c.name) }))).not.toBe(key(insert(users).values({ age: func.upper(users.c.name) })));
    expect(key(update(users).values({ name: users.c.name }))).not.toBe(key(update(users).values({ age: users.c.age })));
    expect(key(insert(scoped).values({ at: now }))).not.toBe(key(insert(scoped).values({ id: literalColumn("1") })));
    expect(key(insert(users).values([{ id: 1 }]))).not.toBe(key(insert(users).values([{ id: 1 }, { id: 2 }])));
    const base = insert(users).values({ id: 1, name: "a" });
    const keys = new Set([
      key(base),
      key(base.onConflictDoNothing()),
      key(base.onConflictDoNothing({ target: "id" })),
      key(base.onConflictDoUpdate({ target: "id", set: { name: base.excluded.c.name } })),
      key(base.onConflictDoUpdate({ target: "id", set: { age: base.excluded.c.age } })),
      key(base.onDuplicateKeyUpdate({ set: { name: base.inserted.c.name } })),
      key(base.returning(users.c.id)),
      key(base.returning(users.c.name)),
    ]);
    expect(keys.size).toBe(8);
  });

  it("a multi-row insert keys and renders its rows in the first row's column order", () => {
    const a = insert(users).values([{ id: 1, name: "a" }, { name: "b", id: 2 }]);
    const b = insert(users).values([{ id: 3, name: "c" }, { id: 4, name: "d" }]);
    expect(key(a)).toBe(key(b));
    assertCompile(a, { postgresql: ["INSERT INTO users (id, name) VALUES ($1, $2), ($3, $4)", [1, "a", 2, "b"]] });
  });

  it("a compiled DML statement fits another statement of the same shape", () => {
    for (const make of Object.values(compilers)) {
      const first = make().compile(update(users).values({ name: "x" }).where(users.c.id.eq(1)));
      const second = make().compile(update(users).values({ name: "y" }).where(users.c.id.eq(2)));
      expect(second.sql).toBe(first.sql);
      expect(second.bindNames).toEqual(first.bindNames);
      expect(paramsOf(second)).toEqual(["y", 2]);
    }
  });
});
