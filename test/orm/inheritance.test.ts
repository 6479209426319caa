/** Single-table inheritance on every backend: a discriminator column, polymorphic loading, subclass queries, relationships to the base. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { ArgumentError, Integer, String, Text } from "athanor";
import { declarativeBase, inspect, mapped, relationship, select, selectinload, sessionmaker } from "athanor/orm";
import { uniqueName } from "../support/backends.js";
import { describeEachBackend } from "../support/suite.js";

describeEachBackend("single-table inheritance", (ctx) => {
  const prefix = uniqueName("inh").slice(0, 14);
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
    reports: mapped(Integer), // managers only
    language: mapped(Text), // engineers only
  }) {
    declare company: Company | null;
    static {
      this.polymorphic({ on: "kind", identity: "employee" });
      this.relate({ company: relationship(() => Company, { backPopulates: "staff" }) });
    }
    describe(): string {
      return `${this.name} (${this.kind})`;
    }
  }
  class Manager extends Employee {
    static {
      this.inherit({ identity: "manager" });
    }
    override describe(): string {
      return `${super.describe()} with ${this.reports ?? 0} reports`;
    }
  }
  class Engineer extends Employee {
    static {
      this.inherit({ identity: "engineer" });
    }
  }
  class Principal extends Engineer {
    static {
      this.inherit({ identity: "principal" });
    }
  }

  beforeAll(async () => {
    await Base.metadata.createAll(ctx.engine);
    await sessionmaker(ctx.engine).begin(async (session) => {
      const acme = new Company({ name: "acme" });
      acme.staff.push(
        new Employee({ name: "eve" }),
        new Manager({ name: "mia", reports: 3 }),
        new Engineer({ name: "ed", language: "ts" }),
        new Principal({ name: "pat", language: "rust" }),
      );
      session.add(acme);
    });
  });
  afterAll(() => Base.metadata.dropAll(ctx.engine));

  it("sets the discriminator at construction and writes it", () => {
    expect(new Manager({ name: "x" }).kind).toBe("manager");
    expect(new Employee({ name: "y" }).kind).toBe("employee");
  });

  it("loads the right subclass for each row from a query on the base", async () => {
    await using session = sessionmaker(ctx.engine)();
    const all = (await session.scalars(select(Employee).orderBy(Employee.c.id))).all();
    expect(all.map((e) => e.constructor.name)).toEqual(["Employee", "Manager", "Engineer", "Principal"]);
    expect(all[1]?.describe()).toBe("mia (manager) with 3 reports");
    expect(`${all[1]}`).toMatch(/^Manager\(/);
    expect(inspect(all[1] as object).mapper.name).toBe("Manager");
  });

  it("queries a subclass (and its subclasses) by discriminator, and gets by key within the hierarchy", async () => {
    await using session = sessionmaker(ctx.engine)();
    const engineers = (await session.scalars(select(Engineer).orderBy(Engineer.c.id))).all();
    expect(engineers.map((e) => e.name)).toEqual(["ed", "pat"]);
    expect(engineers[1]).toBeInstanceOf(Principal);
    const managers = (await session.scalars(select(Manager))).all();
    expect(managers.map((m) => m.name)).toEqual(["mia"]);
    const mia = managers[0] as Manager;
    expect(await session.get(Employee, mia.id)).toBe(mia); // one identity map for the hierarchy
    expect(await session.get(Engineer, mia.id)).toBeNull(); // that key is a Manager
  });

  it("loads relationships to the base class polymorphically", async () => {
    await using session = sessionmaker(ctx.engine)();
    const acme = (await session.scalars(select(Company).options(selectinload(Company, "staff")))).one();
    expect(acme.staff.map((e) => e.constructor.name)).toEqual(["Employee", "Manager", "Engineer", "Principal"]);
    expect(acme.staff.every((e) => e.company === acme)).toBe(true);
  });

  it("rejects inherit() under a class that is not polymorphic", () => {
    const Other = declarativeBase();
    class Plain extends Other.model(`${prefix}_plain`, { id: mapped(Integer, { primaryKey: true }) }) {}
    expect(() => {
      class Sub extends Plain {
        static {
          this.inherit({ identity: "sub" });
        }
      }
      return Sub;
    }).toThrow(ArgumentError);
  });
});
