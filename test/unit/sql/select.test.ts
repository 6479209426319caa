import { describe, expect, it } from "vitest";
import {
  ArgumentError,
  CompileError,
  aliased,
  Integer,
  String as Str,
  and,
  bindparam,
  case_,
  cast,
  exists,
  false_,
  func,
  literal,
  literalColumn,
  not,
  null_,
  or,
  select,
  table,
  true_,
  statementKey,
  tuple,
  typeCoerce,
} from "../../../src/index.js";
import { assertCompile, compilers } from "../../support/compile.js";

const users = table("users", { id: new Integer(), name: new Str(50), age: new Integer() });
const posts = table("posts", { id: new Integer(), user_id: new Integer(), title: new Str(200) });
const odd = table("Order Items", { select: new Integer(), CamelCase: new Str() });

describe("select basics", () => {
  it("columns, where with several conditions (AND), order, limit, offset", () => {
    const stmt = select(users.c.id, users.c.name).where(users.c.name.eq("ada"), users.c.age.ge(18)).orderBy(users.c.id.desc()).limit(10).offset(20);
    assertCompile(stmt, {
      postgresql: ["SELECT users.id, users.name FROM users WHERE users.name = $1 AND users.age >= $2 ORDER BY users.id DESC LIMIT $3 OFFSET $4", ["ada", 18, 10, 20]],
      sqlite: ["SELECT users.id, users.name FROM users WHERE users.name = ? AND users.age >= ? ORDER BY users.id DESC LIMIT ? OFFSET ?", ["ada", 18, 10, 20]],
      mysql: ["SELECT users.id, users.name FROM users WHERE users.name = ? AND users.age >= ? ORDER BY users.id DESC LIMIT ? OFFSET ?", ["ada", 18, 10, 20]],
    });
  });

  it("offset without limit uses each dialect's form", () => {
    const stmt = select(users.c.id).offset(5);
    assertCompile(stmt, {
      postgresql: ["SELECT users.id FROM users OFFSET $1", [5]],
      sqlite: ["SELECT users.id FROM users LIMIT -1 OFFSET ?", [5]],
      mysql: ["SELECT users.id FROM users LIMIT 18446744073709551615 OFFSET ?", [5]],
    });
  });

  it("rejects a limit that is not a non-negative integer, before any SQL exists", () => {
    expect(() => select(users.c.id).limit("1; drop table users" as unknown as number)).toThrow(ArgumentError);
    expect(() => select(users.c.id).limit(-1)).toThrow(/non-negative integer/);
    expect(() => select(users.c.id).offset(1.5)).toThrow(ArgumentError);
  });

  it("a whole table, select(1), and statements are immutable", () => {
    assertCompile(select(users), { postgresql: "SELECT users.id, users.name, users.age FROM users" });
    assertCompile(select(1), { sqlite: "SELECT 1 AS anon_1" });
    const base = select(users.c.id);
    const filtered = base.where(users.c.id.eq(1));
    assertCompile(base, { postgresql: "SELECT users.id FROM users" });
    assertCompile(filtered, { postgresql: "SELECT users.id FROM users WHERE users.id = $1" });
    expect(Object.isFrozen(filtered)).toBe(true);
  });

  it("filterBy compares columns of the FROM element by key", () => {
    assertCompile(select(users).filterBy({ name: "ada", age: 3 }), {
      sqlite: ["SELECT users.id, users.name, users.age FROM users WHERE users.name = ? AND users.age = ?", ["ada", 3]],
    });
    expect(() => select(users).filterBy({ nope: 1 })).toThrow(/has no column "nope". Columns: id, name, age/);
  });

  it("quotes reserved words, capitals and odd characters per dialect", () => {
    assertCompile(select(odd.c.select, odd.c.CamelCase), {
      postgresql: 'SELECT "Order Items"."select", "Order Items"."CamelCase" FROM "Order Items"',
      sqlite: 'SELECT "Order Items"."select", "Order Items"."CamelCase" FROM "Order Items"',
      mysql: "SELECT `Order Items`.`select`, `Order Items`.`CamelCase` FROM `Order Items`",
    });
    const evil = table('a"; drop table t; --', { "b`c": new Integer() });
    assertCompile(select(evil), {
      postgresql: 'SELECT "a""; drop table t; --"."b`c" FROM "a""; drop table t; --"',
      mysql: "SELECT `a\"; drop table t; --`.`b``c` FROM `a\"; drop table t; --`",
    });
  });
});

describe("operators", () => {
  it("comparisons, null tests, IN, BETWEEN, boolean combinations with the right parentheses", () => {
    const stmt = select(users.c.id).where(
      or(users.c.name.isNull(), and(users.c.age.between(1, 9), users.c.id.in([1, 2]))),
      not(users.c.id.notIn([3])),
      users.c.name.ne(null),
    );
    assertCompile(stmt, {
      postgresql: [
        "SELECT users.id FROM users WHERE (users.name IS NULL OR users.age BETWEEN $1 AND $2 AND users.id = ANY($3::INTEGER[])) AND NOT users.id <> ALL($4::INTEGER[]) AND users.name IS NOT NULL",
        [1, 9, [1, 2], [3]],
      ],
      sqlite: [
        "SELECT users.id FROM users WHERE (users.name IS NULL OR users.age BETWEEN ? AND ? AND users.id IN (?, ?)) AND NOT users.id NOT IN (?) AND users.name IS NOT NULL",
        [1, 9, 1, 2, 3],
      ],
    });
  });

  it("PostgreSQL: IN lists of expressions or tuples keep IN (...); the array form's text does not depend on the length", () => {
    assertCompile(select(users.c.id).where(users.c.id.in([users.c.age, 3])), { postgresql: "SELECT users.id FROM users WHERE users.id IN (users.age, $1)" });
    assertCompile(select(users.c.id).where(tuple(users.c.id, users.c.age).in([tuple(1, 2)])), {
      postgresql: "SELECT users.id FROM users WHERE (users.id, users.age) IN (($1, $2))",
    });
    const two = compilers.postgresql().compile(select(users.c.id).where(users.c.id.in([1, 2])));
    const five = compilers.postgresql().compile(select(users.c.id).where(users.c.id.in([1, 2, 3, 4, 5])));
    expect(five.sql).toBe(two.sql);
  });

  it("an empty IN list is never true, an empty NOT IN always", () => {
    assertCompile(select(users.c.id).where(users.c.id.in([])), { sqlite: "SELECT users.id FROM users WHERE 1 != 1" });
    assertCompile(select(users.c.id).where(users.c.id.notIn([])), { sqlite: "SELECT users.id FROM users WHERE 1 = 1" });
  });

  it("LIKE, ILIKE and the escaped contains/startsWith/endsWith", () => {
    assertCompile(select(users.c.id).where(users.c.name.ilike("A%")), {
      postgresql: ["SELECT users.id FROM users WHERE users.name ILIKE $1", ["A%"]],
      sqlite: ["SELECT users.id FROM users WHERE lower(users.name) LIKE lower(?)", ["A%"]],
      mysql: ["SELECT users.id FROM users WHERE lower(users.name) LIKE lower(?)", ["A%"]],
    });
    assertCompile(select(users.c.id).where(users.c.name.contains("50%_off/")), {
      postgresql: ["SELECT users.id FROM users WHERE users.name LIKE $1 ESCAPE '/'", ["%50/%/_off//%"]],
    });
    assertCompile(select(users.c.id).where(users.c.name.startsWith("ab"), users.c.name.endsWith("yz")), {
      sqlite: ["SELECT users.id FROM users WHERE users.name LIKE ? ESCAPE '/' AND users.name LIKE ? ESCAPE '/'", ["ab%", "%yz"]],
    });
  });

  it("arithmetic keeps precedence; concat and IS DISTINCT FROM per dialect", () => {
    const expr = users.c.age.add(1).mul(users.c.id.sub(2)).label("x");
    assertCompile(select(expr), { postgresql: ["SELECT (users.age + $1) * (users.id - $2) AS x FROM users", [1, 2]] });
    const joined = users.c.name.concat(" the ").concat(users.c.name).label("n");
    assertCompile(select(joined), {
      postgresql: ["SELECT users.name || $1 || users.name AS n FROM users", [" the "]],
      mysql: ["SELECT concat(concat(users.name, ?), users.name) AS n FROM users", [" the "]],
    });
    assertCompile(select(users.c.id).where(users.c.age.isDistinctFrom(3)), {
      postgresql: "SELECT users.id FROM users WHERE users.age IS DISTINCT FROM $1",
      mysql: "SELECT users.id FROM users WHERE NOT (users.age <=> ?)",
    });
  });

  it("custom operators, tuples, literals, CASE, CAST, typeCoerce, bindparam", () => {
    assertCompile(select(users.c.id).where(users.c.age.op("&", new Integer())(4).eq(4)), {
      postgresql: ["SELECT users.id FROM users WHERE (users.age & $1) = $2", [4, 4]],
    });
    expect(() => users.c.age.op("; drop")).toThrow(ArgumentError);
    assertCompile(select(users.c.id).where(tuple(users.c.id, users.c.age).eq(tuple(1, 2) as never)), {
      sqlite: ["SELECT users.id FROM users WHERE (users.id, users.age) = (?, ?)", [1, 2]],
    });
    const kind = case_([[users.c.age.lt(18), "minor"]], { else: "adult" }).label("kind");
    assertCompile(select(kind), { postgresql: ["SELECT CASE WHEN users.age < $1 THEN $2 ELSE $3 END AS kind FROM users", [18, "minor", "adult"]] });
    assertCompile(select(cast(users.c.name, Integer).label("n")), {
      postgresql: "SELECT CAST(users.name AS INTEGER) AS n FROM users",
      mysql: "SELECT CAST(users.name AS SIGNED) AS n FROM users",
    });
    assertCompile(select(typeCoerce(users.c.name, Integer).label("n")), { sqlite: "SELECT users.name AS n FROM users" });
    assertCompile(select(users.c.id).where(users.c.id.eq(bindparam("wanted", Integer))), { postgresql: "SELECT users.id FROM users WHERE users.id = $1" });
    assertCompile(select(literal(5).label("five"), literalColumn("now()").label("t"), null_().label("z"), true_().label("y"), false_().label("f")), {
      postgresql: ["SELECT $1::INTEGER AS five, now() AS t, NULL AS z, TRUE AS y, FALSE AS f", [5]],
      sqlite: ["SELECT ? AS five, now() AS t, NULL AS z, TRUE AS y, FALSE AS f", [5]],
    });
  });
});

describe("joins, subqueries, CTEs, windows, set operations, locks", () => {
  it("joins with an explicit ON clause; outer and full joins", () => {
    const p = posts.alias("p");
    assertCompile(select(users.c.name, p.c.title).join(p, p.c.user_id.eq(users.c.id)), {
      postgresql: "SELECT users.name, p.title FROM users JOIN posts AS p ON p.user_id = users.id",
    });
    assertCompile(select(users.c.name, posts.c.title).outerjoin(posts, posts.c.user_id.eq(users.c.id)), {
      mysql: "SELECT users.name, posts.title FROM users LEFT OUTER JOIN posts ON posts.user_id = users.id",
    });
    assertCompile(select(users.c.name, posts.c.title).rightJoin(posts, posts.c.user_id.eq(users.c.id)), {
      postgresql: "SELECT users.name, posts.title FROM users RIGHT OUTER JOIN posts ON posts.user_id = users.id",
      sqlite: "SELECT users.name, posts.title FROM users RIGHT OUTER JOIN posts ON posts.user_id = users.id",
      mysql: "SELECT users.name, posts.title FROM users RIGHT OUTER JOIN posts ON posts.user_id = users.id",
    });
    const full = select(users.c.name, posts.c.title).fullOuterJoin(posts, posts.c.user_id.eq(users.c.id));
    assertCompile(full, { postgresql: "SELECT users.name, posts.title FROM users FULL OUTER JOIN posts ON posts.user_id = users.id" });
    expect(() => assertCompile(full, { mysql: "" })).toThrow(CompileError);
  });

  it("a join without ON clause and without a foreign key is refused clearly", () => {
    expect(() => select(users.c.name).join(posts)).toThrow(/no foreign key between them. Pass the ON clause explicitly/);
  });

  it("subqueries in FROM, scalar and correlated subqueries, EXISTS, IN (SELECT)", () => {
    const counts = select(posts.c.user_id, func.count().label("n")).groupBy(posts.c.user_id).subquery("counts");
    assertCompile(select(users.c.name, counts.c.n).join(counts, counts.c.user_id.eq(users.c.id)).where(counts.c.n.gt(2)), {
      postgresql: [
        "SELECT users.name, counts.n FROM users JOIN (SELECT posts.user_id, count(*) AS n FROM posts GROUP BY posts.user_id) AS counts ON counts.user_id = users.id WHERE counts.n > $1",
        [2],
      ],
    });
    const perUser = select(func.count()).selectFrom(posts).where(posts.c.user_id.eq(users.c.id)).scalarSubquery().label("post_count");
    assertCompile(select(users.c.name, perUser), {
      sqlite: "SELECT users.name, (SELECT count(*) AS count FROM posts WHERE posts.user_id = users.id) AS post_count FROM users",
    });
    assertCompile(select(users.c.name).where(exists(select(posts.c.id).where(posts.c.user_id.eq(users.c.id)))), {
      mysql: "SELECT users.name FROM users WHERE EXISTS (SELECT posts.id FROM posts WHERE posts.user_id = users.id)",
    });
    assertCompile(select(users.c.name).where(users.c.id.in(select(posts.c.user_id).where(posts.c.title.like("a%")))), {
      postgresql: ["SELECT users.name FROM users WHERE users.id IN (SELECT posts.user_id FROM posts WHERE posts.title LIKE $1)", ["a%"]],
    });
    const anon = select(users.c.id).subquery();
    assertCompile(select(anon.c.id), { sqlite: "SELECT anon_1.id FROM (SELECT users.id FROM users) AS anon_1" });
  });

  it("CTEs, with parameters in text order, and recursive CTEs", () => {
    const adults = select(users.c.id, users.c.name).where(users.c.age.ge(18)).cte("adults");
    assertCompile(select(adults.c.name).where(adults.c.id.lt(100)), {
      sqlite: ["WITH adults AS (SELECT users.id, users.name FROM users WHERE users.age >= ?) SELECT adults.name FROM adults WHERE adults.id < ?", [18, 100]],
      postgresql: ["WITH adults AS (SELECT users.id, users.name FROM users WHERE users.age >= $1) SELECT adults.name FROM adults WHERE adults.id < $2", [18, 100]],
    });
    const nums = table("nums", { n: new Integer() });
    const base = select(literal(1, new Integer()).label("n")).cte("series", { recursive: true });
    const series = base.unionAll(select(base.c.n.add(1).label("n")).where(base.c.n.lt(5)));
    assertCompile(select(series.c.n), {
      postgresql: ["WITH RECURSIVE series (n) AS (SELECT $1::INTEGER AS n UNION ALL SELECT series.n + $2 AS n FROM series WHERE series.n < $3) SELECT series.n FROM series", [1, 1, 5]],
    });
    expect(nums.c.n).toBeDefined();
  });

  it("window functions with partitions, ordering and frames", () => {
    const w = func.sum(users.c.age).over({ partitionBy: users.c.name, orderBy: users.c.id, rows: [null, 0] }).label("running");
    assertCompile(select(users.c.id, w), {
      postgresql: "SELECT users.id, sum(users.age) OVER (PARTITION BY users.name ORDER BY users.id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running FROM users",
    });
    assertCompile(select(func.rowNumber().over({ orderBy: users.c.age.desc() }).label("rn")), {
      mysql: "SELECT row_number() OVER (ORDER BY users.age DESC) AS rn FROM users",
    });
  });

  it("typed functions given a plain value (a cast or JavaScript caller) bind it untyped instead of failing to key the statement", () => {
    const absolute = func.abs(-5 as never).label("a");
    assertCompile(select(absolute), { postgresql: ["SELECT abs($1) AS a", [-5]] });
    expect(statementKey(select(func.max(3 as never)))).toBeDefined();
  });

  it("group by, having, distinct, DISTINCT ON, nulls ordering", () => {
    const stmt = select(users.c.name, func.count().label("n")).groupBy(users.c.name).having(func.count().gt(1)).orderBy("n");
    assertCompile(stmt, {
      postgresql: ["SELECT users.name, count(*) AS n FROM users GROUP BY users.name HAVING count(*) > $1 ORDER BY n", [1]],
    });
    assertCompile(select(users.c.name).distinct(), { sqlite: "SELECT DISTINCT users.name FROM users" });
    const on = select(users.c.name, users.c.age).distinct(users.c.name).orderBy(users.c.name, users.c.age.desc());
    assertCompile(on, { postgresql: "SELECT DISTINCT ON (users.name) users.name, users.age FROM users ORDER BY users.name, users.age DESC" });
    expect(() => assertCompile(on, { sqlite: "" })).toThrow(/DISTINCT ON is PostgreSQL only/);
    assertCompile(select(users.c.id).orderBy(users.c.age.desc().nullsLast()), {
      postgresql: "SELECT users.id FROM users ORDER BY users.age DESC NULLS LAST",
      mysql: "SELECT users.id FROM users ORDER BY users.age IS NULL ASC, users.age DESC",
    });
  });

  it("UNION, UNION ALL, INTERSECT, EXCEPT with ordering of the whole", () => {
    const a = select(users.c.name).where(users.c.age.lt(10));
    const b = select(users.c.name).where(users.c.age.gt(90));
    assertCompile(a.union(b).orderBy("name").limit(5), {
      postgresql: ["SELECT users.name FROM users WHERE users.age < $1 UNION SELECT users.name FROM users WHERE users.age > $2 ORDER BY name LIMIT $3", [10, 90, 5]],
    });
    assertCompile(a.unionAll(b), { sqlite: "SELECT users.name FROM users WHERE users.age < ? UNION ALL SELECT users.name FROM users WHERE users.age > ?" });
    assertCompile(a.intersect(b), { mysql: "SELECT users.name FROM users WHERE users.age < ? INTERSECT SELECT users.name FROM users WHERE users.age > ?" });
    assertCompile(a.except(b), { postgresql: "SELECT users.name FROM users WHERE users.age < $1 EXCEPT SELECT users.name FROM users WHERE users.age > $2" });
  });

  it("FOR UPDATE with options; MariaDB and SQLite differences", () => {
    assertCompile(select(users.c.id).forUpdate({ skipLocked: true, of: users }), {
      postgresql: "SELECT users.id FROM users FOR UPDATE OF users SKIP LOCKED",
      sqlite: "SELECT users.id FROM users",
    });
    assertCompile(select(users.c.id).forUpdate({ read: true, nowait: true }), {
      postgresql: "SELECT users.id FROM users FOR SHARE NOWAIT",
      mariadb: "SELECT users.id FROM users LOCK IN SHARE MODE",
    });
    expect(() => select(users.c.id).forUpdate({ nowait: true, skipLocked: true })).toThrow(ArgumentError);
  });

  it("LATERAL subqueries", () => {
    const latest = select(posts.c.title).where(posts.c.user_id.eq(users.c.id)).orderBy(posts.c.id.desc()).limit(1).lateral("latest");
    assertCompile(select(users.c.name, latest.c.title).join(latest, true_()), {
      postgresql: ["SELECT users.name, latest.title FROM users JOIN LATERAL (SELECT posts.title FROM posts WHERE posts.user_id = users.id ORDER BY posts.id DESC LIMIT $1) AS latest ON TRUE", [1]],
    });
  });
});

describe("compile without a database", () => {
  it("stmt.compile({ dialect }) returns the SQL and the parameters in placeholder order", () => {
    const stmt = select(users.c.id).where(users.c.name.eq("ada"), users.c.age.gt(3)).limit(2);
    expect(stmt.compile({ dialect: "postgresql" })).toMatchObject({ sql: "SELECT users.id FROM users WHERE users.name = $1 AND users.age > $2 LIMIT $3", params: ["ada", 3, 2] });
    expect(stmt.compile({ dialect: "mysql" }).sql).toBe("SELECT users.id FROM users WHERE users.name = ? AND users.age > ? LIMIT ?");
    expect(users.c.name.ilike("x").compile({ dialect: "sqlite" })).toMatchObject({ sql: "lower(users.name) LIKE lower(?)", params: ["x"] });
    expect(() => stmt.compile({ dialect: "oracle" })).toThrow(/No compiler is registered for dialect "oracle". Known: mariadb, mysql, postgresql, sqlite/);
  });
});

describe("aliased", () => {
  it("aliases a table for a self-join, with typed columns", () => {
    const boss = aliased(users, "boss");
    const stmt = select(users.c.name, boss.c.name.label("boss_name")).join(boss, boss.c.id.eq(users.c.age));
    expect(stmt.compile({ dialect: "sqlite" }).sql).toBe("SELECT users.name, boss.name AS boss_name FROM users JOIN users AS boss ON boss.id = users.age");
  });
});

describe("dialect functions", () => {
  it("now() is CURRENT_TIMESTAMP on SQLite", () => {
    assertCompile(select(func.now().label("t")), { postgresql: "SELECT now() AS t", sqlite: "SELECT CURRENT_TIMESTAMP AS t", mysql: "SELECT now() AS t" });
  });
});
