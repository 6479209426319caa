/** Every adapter: id (its module under adapters/), label, backend, packages whose versions are reported. */
import type { Backend } from "./common.js";

export interface Entry {
  id: string;
  label: string;
  backend: Backend;
  packages: readonly string[];
  /** the raw-driver baseline of its backend */
  baseline?: boolean;
  /** for the Athanor targets: "core" (vs its driver) or "orm" (vs raw pg) and the driver's raw adapter */
  athanor?: { kind: "core" | "orm"; driver: string };
}

export const ADAPTERS: readonly Entry[] = [
  { id: "raw-pg", label: "raw pg", backend: "pg", packages: ["pg", "pg-cursor"], baseline: true },
  { id: "raw-postgres", label: "raw postgres.js", backend: "pg", packages: ["postgres"] },
  { id: "athanor-core-pg", label: "Athanor Core (pg)", backend: "pg", packages: ["athanor"], athanor: { kind: "core", driver: "raw-pg" } },
  { id: "athanor-core-postgres", label: "Athanor Core (postgres.js)", backend: "pg", packages: ["athanor"], athanor: { kind: "core", driver: "raw-postgres" } },
  { id: "athanor-orm-pg", label: "Athanor ORM (pg)", backend: "pg", packages: ["athanor"], athanor: { kind: "orm", driver: "raw-pg" } },
  { id: "athanor-orm-postgres", label: "Athanor ORM (postgres.js)", backend: "pg", packages: ["athanor"], athanor: { kind: "orm", driver: "raw-postgres" } },
  { id: "drizzle-pg", label: "Drizzle (pg)", backend: "pg", packages: ["drizzle-orm"] },
  { id: "kysely-pg", label: "Kysely (pg)", backend: "pg", packages: ["kysely"] },
  { id: "typeorm", label: "TypeORM (pg)", backend: "pg", packages: ["typeorm", "pg-query-stream"] },
  { id: "mikroorm", label: "MikroORM (pg)", backend: "pg", packages: ["@mikro-orm/core", "@mikro-orm/postgresql"] },
  { id: "sequelize", label: "Sequelize (pg)", backend: "pg", packages: ["sequelize"] },
  { id: "raw-sqlite", label: "raw better-sqlite3", backend: "sqlite", packages: ["better-sqlite3"], baseline: true },
  { id: "athanor-core-sqlite", label: "Athanor Core (better-sqlite3)", backend: "sqlite", packages: ["athanor"], athanor: { kind: "core", driver: "raw-sqlite" } },
  { id: "athanor-orm-sqlite", label: "Athanor ORM (better-sqlite3)", backend: "sqlite", packages: ["athanor"], athanor: { kind: "orm", driver: "raw-sqlite" } },
  { id: "drizzle-sqlite", label: "Drizzle (better-sqlite3)", backend: "sqlite", packages: ["drizzle-orm"] },
  { id: "kysely-sqlite", label: "Kysely (better-sqlite3)", backend: "sqlite", packages: ["kysely"] },
];
