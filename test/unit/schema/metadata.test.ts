/**
 * MetaData, Table and foreign keys without a database: registration,
 * sortedTables (with cycles and useAlter), joins that find their ON clause
 * from foreign keys, and the errors that explain a mistake.
 */
import { describe, expect, it } from "vitest";
import {
  ForeignKey,
  ForeignKeyConstraint,
  Integer,
  MetaData,
  String as StringType,
  Table,
  column,
  select,
  sortTablesAndConstraints,
  table as lightweightTable,
} from "../../../src/index.js";
import { cycles, topologicalSort } from "../../../src/util/index.js";
import { assertCompile } from "../../support/compile.js";

describe("topologicalSort and cycles", () => {
  it("keeps the input order among independent nodes", () => {
    expect(topologicalSort(["c", "b", "a"], [["a", "c"]]).sorted).toEqual(["b", "a", "c"]);
    expect(topologicalSort([1, 2, 3, 4], [[4, 1], [3, 2]])).toEqual({ sorted: [3, 2, 4, 1], cyclic: [] });
  });

  it("reports the nodes a cycle leaves out, and finds the cycles", () => {
    const order = topologicalSort(["a", "b", "c", "d"], [["a", "b"], ["b", "c"], ["c", "b"], ["c", "d"]]);
    expect(order).toEqual({ sorted: ["a"], cyclic: ["b", "c", "d"] });
    expect(cycles(["a", "b", "c", "d"], [["a", "b"], ["b", "c"], ["c", "b"], ["c", "d"], ["d", "d"]])).toEqual([["b", "c"]]);
  });
});

describe("MetaData", () => {
  it("registers tables by key, with its default schema", () => {
    const md = new MetaData({ schema: "app" });
    const t = new Table("users", md, { id: column(Integer, { primaryKey: true }) });
    const other = new Table("logs", md, { id: column(Integer) }, { schema: "audit" });
    expect([...md.tables.keys()]).toEqual(["app.users", "audit.logs"]);
    expect(t.schema).toBe("app");
    expect(other.fullName).toBe("audit.logs");
    expect(() => new Table("users", md, { id: column(Integer) })).toThrow(/already defined in this MetaData/);
    md.remove(t);
    expect([...md.tables.keys()]).toEqual(["audit.logs"]);
  });

  it("resolves string foreign keys in its default schema", () => {
    const md = new MetaData({ schema: "app" });
    const users = new Table("users", md, { id: column(Integer, { primaryKey: true }) });
    const posts = new Table("posts", md, { userId: column(Integer, { foreignKey: "users.id" }) });
    expect(posts.foreignKeys[0]?.column).toBe(users.c.id);
    expect(posts.c.userId.foreignKeys[0]?.parent).toBe(posts.c.userId);
  });

  it("explains wrong arguments", () => {
    const md = new MetaData();
    expect(() => new Table("t", {} as MetaData, { a: column(Integer) })).toThrow(/second argument must be a MetaData/);
    expect(() => new Table("t", md, {})).toThrow(/at least one column/);
    expect(() => column(Integer, { primaryKey: true, nullable: true })).toThrow(/cannot be nullable/);
    expect(() => column(42 as never)).toThrow(/expects a SQL type/);
    const fk = new ForeignKey("x.id");
    new Table("a", md, { x: column(Integer, { foreignKey: fk }) });
    expect(() => new Table("b", md, { y: column(Integer, { foreignKey: fk }) })).toThrow(/already belongs to a\.x/);
    expect(() => new Table("c", md, { y: column(Integer) }, (c) => [{ schema: "z" }, new ForeignKeyConstraint([c.y], ["a.x"])])).toThrow(
      /schema of table c among its plain items/,
    );
  });
});

describe("sortedTables", () => {
  it("puts referred tables first and keeps declaration order otherwise", () => {
    const md = new MetaData();
    const comments = new Table("comments", md, { postId: column(Integer, { foreignKey: "posts.id" }) });
    const posts = new Table("posts", md, { id: column(Integer, { primaryKey: true }), userId: column(Integer, { foreignKey: "users.id" }) });
    const tags = new Table("tags", md, { id: column(Integer, { primaryKey: true }) });
    const users = new Table("users", md, { id: column(Integer, { primaryKey: true }), bestFriend: column(Integer, { foreignKey: "users.id" }) });
    expect(md.sortedTables).toEqual([tags, users, posts, comments]);
  });

  it("sets apart the foreign keys of a cycle and those marked useAlter", () => {
    const md = new MetaData();
    const a = new Table("a", md, { id: column(Integer, { primaryKey: true }), cId: column(Integer, { foreignKey: "c.id" }) });
    const b = new Table("b", md, { id: column(Integer, { primaryKey: true }), aId: column(Integer, { foreignKey: "a.id" }) });
    const c = new Table("c", md, { id: column(Integer, { primaryKey: true }), bId: column(Integer, { foreignKey: "b.id" }) });
    const d = new Table("d", md, { aId: column(Integer, { foreignKey: new ForeignKey("a.id", { useAlter: true }) }) });
    const order = sortTablesAndConstraints([d, c, b, a]);
    expect(order.tables).toEqual([d, c, b, a]);
    expect(order.deferred.map((fk) => fk.table.name).sort()).toEqual(["a", "b", "c", "d"]);
    expect(md.sortedTables).toEqual([a, b, c, d]);
  });

  it("ignores keys to tables outside the set or not defined", () => {
    const md = new MetaData();
    const ext = lightweightTable("external", { id: new Integer() });
    const t = new Table("t", md, { e: column(Integer, { foreignKey: ext.c.id }), g: column(Integer, { foreignKey: "ghost.id" }) });
    expect(sortTablesAndConstraints([t])).toEqual({ tables: [t], deferred: [] });
  });
});

describe("joins find their ON clause from foreign keys", () => {
  const md = new MetaData();
  const users = new Table("users", md, { id: column(Integer, { primaryKey: true }), name: column(new StringType(20)) });
  const posts = new Table("posts", md, {
    id: column(Integer, { primaryKey: true }),
    authorId: column(Integer, { foreignKey: "users.id" }),
  });
  const nodes = new Table("nodes", md, { id: column(Integer, { primaryKey: true }), parentId: column(Integer, { foreignKey: "nodes.id" }) });
  const lines = new Table("lines", md, { orderId: column(Integer, { primaryKey: true }), no: column(Integer, { primaryKey: true }) });
  const notes = new Table("notes", md, { orderId: column(Integer), no: column(Integer) }, new ForeignKeyConstraint(["orderId", "no"], ["lines.orderId", "lines.no"]));

  it("one foreign key, either direction", () => {
    assertCompile(select(users.c.name, posts.c.id).selectFrom(users.join(posts)), {
      postgresql: 'SELECT users.name, posts.id FROM users JOIN posts ON posts."authorId" = users.id',
    });
    assertCompile(select(posts.c.id).selectFrom(posts.join(users)), {
      sqlite: 'SELECT posts.id FROM posts JOIN users ON posts."authorId" = users.id',
    });
  });

  it("a composite key joins on every column pair", () => {
    assertCompile(select(notes.c.no).selectFrom(notes.join(lines)), {
      mysql: "SELECT notes.no FROM notes JOIN `lines` ON notes.`orderId` = `lines`.`orderId` AND notes.no = `lines`.no",
    });
  });

  it("a self-join through an alias sees the key both ways, so it needs its ON clause", () => {
    const parent = nodes.alias("parent");
    expect(() => nodes.join(parent)).toThrow(/2 foreign keys between them/);
    assertCompile(select(nodes.c.id, parent.c.id.label("parentId")).selectFrom(nodes.join(parent, nodes.c.parentId.eq(parent.c.id))), {
      postgresql: 'SELECT nodes.id, parent.id AS "parentId" FROM nodes JOIN nodes AS parent ON nodes."parentId" = parent.id',
    });
  });

  it("no foreign key is a clear error", () => {
    expect(() => users.join(lines)).toThrow(/no foreign key between them/);
  });
});
