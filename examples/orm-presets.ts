/**
 * Column presets shared across models (user story 9): a declarative base's
 * type map names column definitions once (an integer primary key, a
 * 256-character string, server-default timestamps), and models use them with
 * `Base.column(name, options)`, adding or replacing options per column. The
 * presets are typed: a model's attributes and constructor come out as if the
 * columns were written in full.
 *
 *   npx tsx examples/orm-presets.ts                      # PGlite in memory
 *   npx tsx examples/orm-presets.ts sqlite:///presets.db # or any URL (also DATABASE_URL)
 */
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { ArgumentError, DateTime, Integer, String, createEngine, func, type Engine } from "athanor";
import { Session, declarativeBase, mapped, relationship, select } from "athanor/orm";

// The registry-level type map (SQLAlchemy's type_annotation_map plus Annotated mapped_column presets).
const Base = declarativeBase({
  typeMap: {
    intPk: mapped(Integer, { primaryKey: true }),
    str256: mapped(new String(256)),
    createdAt: mapped(DateTime, { nullable: false, serverDefault: func.now(), init: false }),
    updatedAt: mapped(DateTime, { nullable: false, serverDefault: func.now(), onUpdate: () => new Date(), init: false }),
  },
});

// A preset column can also be kept in a constant and shared by several tables.
const intPk = Base.column("intPk");
const createdAt = Base.column("createdAt");

class Employee extends Base.model("employees", {
  id: intPk,
  name: Base.column("str256", { nullable: false }), // the preset plus an option
  email: Base.column("str256", { nullable: false, unique: true }),
  jobTitle: Base.column("str256"), // nullable, as the preset is
  createdAt,
  updatedAt: Base.column("updatedAt"),
}) {
  declare appraisals: Appraisal[];
  static {
    this.relate({ appraisals: relationship(() => Appraisal, { backPopulates: "employee" }) });
  }
}

class Appraisal extends Base.model("appraisals", {
  id: intPk,
  employeeId: mapped(Integer, { nullable: false, foreignKey: "employees.id", init: false }),
  summary: Base.column("str256", { nullable: false }),
  score: mapped(Integer, { nullable: false }),
  createdAt,
}) {
  declare employee: Employee | null;
  static {
    this.relate({ employee: relationship(() => Employee, { backPopulates: "appraisals" }) });
  }
}

// The constructors are typed from the presets:
//   new Employee(values: { name: string; email: string; id?: number; jobTitle?: string | null })
//   (createdAt and updatedAt are init: false: the database makes them)

/** Runs the example on a database URL, or on an engine you pass (left open for you). */
export async function main(target: string | Engine): Promise<void> {
  const engine = typeof target === "string" ? createEngine(target) : target;
  const statements: string[] = [];
  const stopListening = engine.events.on("beforeExecute", (ctx) => void statements.push(ctx.sql));
  await Base.metadata.dropAll(engine, { checkFirst: true }); // a server database may keep them from an earlier run
  statements.length = 0;
  await Base.metadata.createAll(engine);
  try {
    const ddl = statements.find((sql) => /CREATE TABLE\s+[`"]?employees/i.test(sql)) ?? "";
    console.log(`the presets in DDL (${engine.dialect.name}):\n${ddl}`);
    assert.match(ddl, /VARCHAR\(256\) NOT NULL/i);
    assert.match(ddl, /DEFAULT/i);
    const { c } = Employee.table;
    assert.equal(c.name.nullable, false);
    assert.equal(c.jobTitle.nullable, true);
    assert.equal(c.id.primaryKey, true);
    assert.equal((c.email.type as unknown as { length: number }).length, 256);
    assert.equal(Appraisal.table.c.id.primaryKey, true);

    // A name that is not in the type map is refused, and the message lists the presets.
    const typo = (() => {
      try {
        return Base.column("str265" as "str256");
      } catch (error) {
        return error;
      }
    })();
    assert.ok(typo instanceof ArgumentError);
    console.log(`Base.column("str265"): ${typo.message}`);

    await using session = new Session(engine);
    const grace = new Employee({ name: "Grace Hopper", email: "grace@example.com", jobTitle: "Rear Admiral" });
    grace.appraisals.push(Appraisal.create({ summary: "Invented the compiler", score: 5 }));
    session.add(grace);
    await session.flush(); // the database's timestamps come back with the generated keys
    assert.ok(grace.createdAt instanceof Date);
    assert.ok(grace.updatedAt instanceof Date);
    const appraisal = grace.appraisals[0] as Appraisal;
    assert.equal(appraisal.employeeId, grace.id);
    console.log(`after flush: ${grace}`);
    await session.commit();

    // updatedAt's onUpdate sets it on every UPDATE of the row.
    statements.length = 0;
    grace.jobTitle = "Commodore";
    await session.commit();
    const updateSql = statements.find((sql) => /^\s*UPDATE/i.test(sql)) ?? "";
    console.log(`changing jobTitle sent: ${updateSql}`);
    assert.match(updateSql, /updatedAt/);

    const rows = (await session.execute(select(Employee.c.name, Appraisal.c.score).join(Appraisal))).all();
    await session.commit();
    assert.deepEqual(rows, [["Grace Hopper", 5]]);
    console.log(`joined: ${rows.map(([name, score]) => `${name} scored ${score}`).join(", ")}`);
  } finally {
    await Base.metadata.dropAll(engine);
    stopListening();
    if (engine !== target) await engine.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await main(process.argv[2] || process.env.DATABASE_URL || "postgresql+pglite://");
}
