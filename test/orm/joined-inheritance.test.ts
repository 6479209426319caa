/**
 * Joined-table inheritance on every backend: a subclass row is a base row plus
 * a row of the subclass's own table, written in both (base first), updated
 * per table, deleted subclass table first; queries on the base return the
 * right subclasses, and `polymorphicLoad: "selectin"` loads their own columns
 * with one more query per subclass.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { ArgumentError, Integer, InvalidRequestError, String, Text, text } from "athanor";
import { UnloadedAttributeError, declarativeBase, inspect, joinedload, mapped, relationship, select, selectinload, sessionmaker } from "athanor/orm";
import { uniqueName } from "../support/backends.js";
import { describeEachBackend } from "../support/suite.js";

describeEachBackend("joined-table inheritance", (ctx) => {
  const prefix = uniqueName("jti").slice(0, 14);
  const Base = declarativeBase();
  class Company extends Base.model(`${prefix}_companies`, { id: mapped(Integer, { primaryKey: true }), name: mapped(new String(50), { nullable: false }) }) {
    declare staff: Employee[];
    static {
      this.relate({ staff: relationship(() => Employee, { backPopulates: "company", orderBy: () => Employee.c.id }) });
    }
  }
  class Employee extends Base.model(`${prefix}_employees`, {
    id: mapped(Integer, { primaryKey: true }),
    kind: mapped(new String(20), { nullable: false, init: false }),
    name: mapped(new String(50), { nullable: false }),
    companyId: mapped(Integer, { foreignKey: `${prefix}_companies.id` }),
    version: mapped(Integer, { nullable: false, version: true }),
  }) {
    declare company: Company | null;
    static {
      this.polymorphic({ on: "kind", identity: "employee" });
      this.relate({ company: relationship(() => Company, { backPopulates: "staff" }) });
    }
  }
  class Engineer extends Employee.joined(`${prefix}_engineers`, {
    id: mapped(Integer, { primaryKey: true, foreignKey: `${prefix}_employees.id` }),
    language: mapped(new String(20), { nullable: false }),
    level: mapped(Integer, { nullable: false, default: 1 }),
  }) {
    static {
      this.inherit({ identity: "engineer", polymorphicLoad: "selectin" });
    }
    title(): string {
      return `${this.name} (${this.language} L${this.level})`;
    }
  }
  class Manager extends Employee.joined(`${prefix}_managers`, {
    id: mapped(Integer, { primaryKey: true, foreignKey: `${prefix}_employees.id` }),
    reports: mapped(Integer, { nullable: false }),
  }) {
    static {
      this.inherit({ identity: "manager" }); // no polymorphicLoad: its own columns load only when asked
    }
  }
  class Principal extends Engineer.joined(`${prefix}_principals`, {
    id: mapped(Integer, { primaryKey: true, foreignKey: `${prefix}_engineers.id` }),
    area: mapped(Text),
  }) {
    static {
      this.inherit({ identity: "principal", polymorphicLoad: "selectin" });
    }
  }

  const statements: string[] = [];
  const count = async (table: string) =>
    Number((await ctx.engine.connect((c) => c.execute(text(`SELECT count(*) AS n FROM ${prefix}_${table}`)))).one().n);

  beforeAll(async () => {
    await Base.metadata.createAll(ctx.engine);
    ctx.engine.events.on("beforeExecute", (e) => {
      statements.push(e.sql);
    });
  });
  afterAll(() => Base.metadata.dropAll(ctx.engine));
  beforeEach(async () => {
    await ctx.engine.begin(async (c) => {
      for (const t of ["principals", "managers", "engineers", "employees", "companies"]) await c.execute(text(`DELETE FROM ${prefix}_${t}`));
    });
    statements.length = 0;
  });

  async function seed() {
    await sessionmaker(ctx.engine).begin(async (session) => {
      const acme = new Company({ name: "acme" });
      acme.staff.push(
        new Employee({ name: "eve" }),
        new Manager({ name: "mia", reports: 3 }),
        new Engineer({ name: "ed", language: "ts" }),
        new Principal({ name: "pat", language: "rust", level: 5, area: "storage" }),
      );
      session.add(acme);
    });
    statements.length = 0;
  }

  it("writes a subclass object into its tables, base first, with the generated key copied to each", async () => {
    await using session = sessionmaker(ctx.engine)();
    const pat = new Principal({ name: "pat", language: "rust", area: "storage" });
    session.add(pat);
    await session.commit();
    expect(typeof pat.id).toBe("number");
    expect(pat.level).toBe(1); // the client default of the engineers table
    expect(pat.kind).toBe("principal");
    const inserts = statements.filter((s) => s.startsWith("INSERT"));
    expect(inserts.map((s) => (/INTO\s+\S*?(employees|engineers|principals)/.exec(s) ?? [])[1])).toEqual(["employees", "engineers", "principals"]);
    const row = (
      await ctx.engine.connect((c) =>
        c.execute(
          text(
            `SELECT e.name, g.language, p.area FROM ${prefix}_employees e JOIN ${prefix}_engineers g ON g.id = e.id JOIN ${prefix}_principals p ON p.id = g.id WHERE e.id = :id`,
          ),
          { id: pat.id },
        ),
      )
    ).one();
    expect([row.name, row.language, row.area]).toEqual(["pat", "rust", "storage"]);
  });

  it("returns the right subclass for each row of a base query, loading selectin subclasses' own columns with one query each", async () => {
    await seed();
    await using session = sessionmaker(ctx.engine)();
    const all = (await session.scalars(select(Employee).orderBy(Employee.c.name))).all();
    expect(all.map((e) => e.constructor.name)).toEqual(["Engineer", "Employee", "Manager", "Principal"]);
    // one query for the base rows, one for Engineer's own columns, one for Principal's
    expect(statements.filter((s) => s.startsWith("SELECT"))).toHaveLength(3);
    const [ed, , mia, pat] = all as [Engineer, Employee, Manager, Principal];
    expect(ed.title()).toBe("ed (ts L1)");
    expect([pat.language, pat.level, pat.area]).toEqual(["rust", 5, "storage"]);
    // Manager has no polymorphicLoad: its own column is not loaded, and reading it says how to load it.
    expect(() => mia.reports).toThrow(UnloadedAttributeError);
    await session.refresh(mia);
    expect(mia.reports).toBe(3);
  });

  it("queries a subclass through its joined tables, with filters on any of them", async () => {
    await seed();
    await using session = sessionmaker(ctx.engine)();
    const engineers = (await session.scalars(select(Engineer).where(Engineer.c.level.gt(0)).orderBy(Engineer.c.name))).all();
    expect(engineers.map((e) => `${e.constructor.name}:${e.name}`)).toEqual(["Engineer:ed", "Principal:pat"]);
    const sql = statements.find((s) => s.startsWith("SELECT")) as string;
    expect(sql).toMatch(/JOIN/);
    const rust = (await session.scalars(select(Engineer).filterBy({ language: "rust", name: "pat" }))).one();
    expect(rust).toBe(engineers[1]); // identity map
    const managers = (await session.scalars(select(Manager))).all();
    expect(managers.map((m) => [m.name, m.reports])).toEqual([["mia", 3]]);
    expect(await session.get(Engineer, engineers[0]?.id as number)).toBe(engineers[0]);
    await session.close();
    await using other = sessionmaker(ctx.engine)();
    const byKey = await other.get(Principal, (engineers[1] as Principal).id);
    expect(byKey?.area).toBe("storage");
  });

  it("updates only the tables whose columns changed, and checks the version in the base table", async () => {
    await seed();
    await using session = sessionmaker(ctx.engine)();
    const pat = (await session.scalars(select(Principal))).one();
    expect(pat.version).toBe(1);
    statements.length = 0;
    pat.area = "compute";
    await session.flush();
    const updates = statements.filter((s) => s.startsWith("UPDATE"));
    // the version lives in the base table: it is bumped (and checked) there, then the principals row changes
    expect(updates).toHaveLength(2);
    expect(updates[0]).toContain(`${prefix}_employees`);
    expect(updates[1]).toContain(`${prefix}_principals`);
    expect(pat.version).toBe(2);
    statements.length = 0;
    pat.language = "zig";
    pat.name = "patricia";
    await session.commit();
    expect(statements.filter((s) => s.startsWith("UPDATE"))).toHaveLength(2); // employees (name, version), engineers (language)
    await session.close();
    await using other = sessionmaker(ctx.engine)();
    const fresh = await other.get(Principal, pat.id);
    expect([fresh?.name, fresh?.language, fresh?.area, fresh?.version]).toEqual(["patricia", "zig", "compute", 3]);
  });

  it("deletes the subclass rows before the rows they extend", async () => {
    await seed();
    await using session = sessionmaker(ctx.engine)();
    const pat = (await session.scalars(select(Principal))).one();
    session.delete(pat);
    await session.commit();
    const deletes = statements.filter((s) => s.startsWith("DELETE"));
    expect(deletes.map((s) => (/FROM\s+\S*?(employees|engineers|principals)/.exec(s) ?? [])[1])).toEqual(["principals", "engineers", "employees"]);
    expect([await count("employees"), await count("engineers"), await count("principals")]).toEqual([3, 1, 0]);
    expect(inspect(pat).detached).toBe(true);
  });

  it("loads a relationship to the base with subclasses, and a failed flush leaves no half-written object", async () => {
    await seed();
    await using session = sessionmaker(ctx.engine)();
    const acme = (await session.scalars(select(Company).options(selectinload(Company, "staff")))).one();
    expect(acme.staff.map((e) => `${e.constructor.name}:${e.name}`).sort()).toEqual(["Employee:eve", "Engineer:ed", "Manager:mia", "Principal:pat"]);
    expect((acme.staff.find((e) => e.name === "pat") as Principal).area).toBe("storage");
    await expect(session.scalars(select(Company).options(joinedload(Company, "staff")))).resolves.toBeDefined(); // the base is one table
    // A NOT NULL violation in the subclass table rolls back the base row written before it.
    const bad = new Engineer({ name: "nolang", language: null as unknown as string });
    acme.staff.push(bad);
    await expect(session.commit()).rejects.toThrow();
    expect(bad.id).toBeUndefined();
    await session.rollback();
    expect(await count("employees")).toBe(4);
  });

  it("refuses a subclass table whose key does not refer to the parent, and joinedload of a joined subclass", async () => {
    const Other = declarativeBase();
    class Animal extends Other.model(`${prefix}_animals`, { id: mapped(Integer, { primaryKey: true }), kind: mapped(new String(10), { nullable: false }) }) {
      static {
        this.polymorphic({ on: "kind", identity: "animal" });
      }
    }
    expect(() => {
      class Dog extends Animal.joined(`${prefix}_dogs`, { dogId: mapped(Integer, { primaryKey: true }) }) {
        static {
          this.inherit({ identity: "dog" });
        }
      }
      return Dog;
    }).toThrow(ArgumentError);
    class Zoo extends Other.model(`${prefix}_zoos`, { id: mapped(Integer, { primaryKey: true }) }) {
      declare cats: Cat[];
      static {
        this.relate({ cats: relationship(() => Cat) });
      }
    }
    class Cat extends Animal.joined(`${prefix}_cats`, {
      id: mapped(Integer, { primaryKey: true, foreignKey: `${prefix}_animals.id` }),
      zooId: mapped(Integer, { foreignKey: `${prefix}_zoos.id` }),
    }) {
      static {
        this.inherit({ identity: "cat" });
      }
    }
    expect(() => select(Zoo).options(joinedload(Zoo, "cats"))).not.toThrow();
    await using session = sessionmaker(ctx.engine)();
    await expect(session.execute(select(Zoo).options(joinedload(Zoo, "cats")))).rejects.toThrow(InvalidRequestError);
  });
});
