/**
 * Declarative models (user story 5): a shared base, mixins adding common
 * columns (a status enum with a default; created/updated timestamps with a
 * default and an on-update value), dataclass-like constructors (required
 * values, optional ones, a UUID key from a default factory), readable
 * toString / inspect output, and createAll / dropAll in dependency order.
 *
 *   npx tsx examples/orm-models.ts                     # PGlite in memory
 *   npx tsx examples/orm-models.ts sqlite:///models.db # or any URL (also DATABASE_URL)
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import { inspect as nodeInspect } from "node:util";
import { DateTime, Enum, Integer, String, Text, UUID, createEngine, type Engine } from "athanor";
import { Session, declarativeBase, inspect, mapped, relationship, select } from "athanor/orm";

// One base: one registry and one MetaData for every model below.
const Base = declarativeBase();

// A mixin is a base whose models also get its columns (first, in the table).
const Timestamped = Base.mixin({
  createdAt: mapped(DateTime, { nullable: false, default: () => new Date(), init: false }),
  updatedAt: mapped(DateTime, { nullable: false, default: () => new Date(), onUpdate: () => new Date(), init: false }),
});
const Status = new Enum(["active", "archived"], { name: "record_status" });
// Mixins compose: Tracked has the timestamps and a status whose default applies at INSERT.
const Tracked = Timestamped.mixin({ status: mapped(Status, { nullable: false, default: "active" }) });

class Project extends Tracked.model("projects", {
  id: mapped(Integer, { primaryKey: true }),
  name: mapped(new String(100), { nullable: false, unique: true }),
  description: mapped(Text),
}) {
  declare tasks: Task[];
  static {
    this.relate({ tasks: relationship(() => Task, { backPopulates: "project" }) });
  }
}

class Task extends Tracked.model("tasks", {
  id: mapped(UUID, { primaryKey: true, defaultFactory: () => randomUUID() }), // set by the constructor
  projectId: mapped(Integer, { nullable: false, foreignKey: "projects.id", init: false }), // set from `project` at flush
  title: mapped(new String(200), { nullable: false }),
  estimate: mapped(Integer, { nullable: false, default: 1 }),
}) {
  declare project: Project | null;
  static {
    this.relate({ project: relationship(() => Project, { backPopulates: "tasks" }) });
  }
  // Models are ordinary classes: methods and getters work (and are not columns).
  get label(): string {
    return `[${this.status ?? "new"}] ${this.title}`;
  }
}

// A table with a foreign key to itself still sorts: a dependency of nothing but itself.
class Note extends Timestamped.model("task_notes", {
  id: mapped(Integer, { primaryKey: true }),
  taskId: mapped(UUID, { nullable: false, foreignKey: "tasks.id" }),
  replyTo: mapped(Integer, { foreignKey: "task_notes.id" }),
  body: mapped(Text, { nullable: false }),
}) {}

/** Runs the example on a database URL, or on an engine you pass (left open for you). */
export async function main(target: string | Engine): Promise<void> {
  const engine = typeof target === "string" ? createEngine(target) : target;
  const statements: string[] = [];
  const stopListening = engine.events.on("beforeExecute", (ctx) => void statements.push(ctx.sql));

  // ---- tables: the mixin columns come first; sortedTables puts a table after those it refers to.
  console.log(`projects columns: ${Object.keys(Project.table.c).join(", ")}`);
  assert.deepEqual(Object.keys(Project.table.c), ["createdAt", "updatedAt", "status", "id", "name", "description"]);
  const order = Base.metadata.sortedTables.map((t) => t.name);
  console.log(`sortedTables: ${order.join(" -> ")} (createAll creates in this order, dropAll drops in reverse)`);
  assert.deepEqual(order, ["projects", "tasks", "task_notes"]);

  await Base.metadata.dropAll(engine, { checkFirst: true }); // a server database may keep them from an earlier run
  statements.length = 0;
  await Base.metadata.createAll(engine);
  const created = statements.filter((sql) => /^\s*CREATE TABLE/i.test(sql)).map((sql) => /CREATE TABLE\s+[`"]?(\w+)/i.exec(sql)?.[1]);
  console.log(`createAll: CREATE TABLE ${created.join(", ")}`);
  assert.deepEqual(created, order);
  try {
    // ---- constructors: required values must be given, optional ones may be, init: false ones may not (the types say so).
    const project = new Project({ name: "Athanor" }); // description is optional (nullable); id is generated
    const task = new Task({ title: "Write the docs" }); // id comes from the default factory at once
    // new Task({ estimate: 2 })                 -> type error: title is required
    // new Task({ title: "x", projectId: 1 })    -> type error: projectId is init: false (set it through `project`)
    assert.match(task.id, /^[0-9a-f-]{36}$/);
    assert.equal(task.status, undefined); // a column default applies at INSERT...
    console.log(`new Task(...).id = ${task.id} (default factory); status before flush: ${task.status}`);
    console.log(`toString: ${project}`);
    console.log(`inspect:  ${nodeInspect(task)}`);
    assert.equal(`${project}`, "Project(name='Athanor')");
    assert.match(nodeInspect(task), /^Task\(id='[0-9a-f-]{36}', title='Write the docs'\)$/);

    // Related objects: create() takes them too; the flush fills the foreign keys.
    const second = Task.create({ title: "Ship it", estimate: 3, project });

    await using session = new Session(engine);
    project.tasks.push(task);
    session.addAll([project, second]); // `task` follows through project.tasks (save-update cascade)
    await session.commit();
    assert.equal(task.status, "active"); // ...and is on the object after the flush
    assert.equal(task.projectId, project.id);
    assert.ok(task.createdAt instanceof Date);
    console.log(`after commit: ${task.label}, projectId=${task.projectId}, createdAt=${task.createdAt.toISOString()}`);

    // ---- on-update: any UPDATE of the row also sets updatedAt.
    const stampedAt = task.updatedAt;
    statements.length = 0;
    task.estimate = 5;
    await session.commit();
    const updateSql = statements.find((sql) => /^\s*UPDATE/i.test(sql)) ?? "";
    console.log(`changing estimate sent: ${updateSql}`);
    assert.match(updateSql, /updatedAt/);
    assert.ok(task.updatedAt.getTime() >= stampedAt.getTime());

    project.status = "archived";
    const note = new Note({ taskId: task.id, body: "first" });
    session.add(note);
    session.add(new Note({ taskId: task.id, body: "reply", replyTo: null }));
    await session.commit();
    const rows = (await session.execute(select(Task.c.title, Task.c.status, Project.c.status).join(Project).orderBy(Task.c.title))).all();
    await session.commit();
    console.log(`tasks: ${rows.map(([title, status, projectStatus]) => `${title} (${status}, project ${projectStatus})`).join("; ")}`);
    assert.deepEqual(rows, [
      ["Ship it", "active", "archived"],
      ["Write the docs", "active", "archived"],
    ]);
    assert.equal(inspect(note).persistent, true);
  } finally {
    // ---- dropAll: children first.
    statements.length = 0;
    await Base.metadata.dropAll(engine);
    const dropped = statements.filter((sql) => /^\s*DROP TABLE/i.test(sql)).map((sql) => /DROP TABLE\s+(?:IF EXISTS\s+)?[`"]?(\w+)/i.exec(sql)?.[1]);
    console.log(`dropAll: DROP TABLE ${dropped.join(", ")}`);
    assert.deepEqual(dropped, ["task_notes", "tasks", "projects"]);
    stopListening();
    if (engine !== target) await engine.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await main(process.argv[2] || process.env.DATABASE_URL || "postgresql+pglite://");
}
