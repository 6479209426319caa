/**
 * Orders tables so that every table comes after the tables its foreign keys
 * refer to. Foreign keys that form a cycle cannot be honoured by any order:
 * they are set apart, to be added with `ALTER TABLE` once every table exists.
 *
 * @module
 */
import { cycles, topologicalSort, type Edge } from "../util/index.js";
import type { ForeignKeyConstraint } from "./constraints.js";
import type { AnyTable } from "./table.js";

/** The result of {@link sortTablesAndConstraints}. */
export interface TableOrder {
  /** Referred tables first. */
  readonly tables: AnyTable[];
  /**
   * Foreign keys left out of the order: those in a cycle of tables and those
   * marked `useAlter`. They are added after the tables are created (and dropped
   * before the tables are dropped).
   */
  readonly deferred: ForeignKeyConstraint[];
}

function referredTable(constraint: ForeignKeyConstraint): AnyTable | undefined {
  try {
    return constraint.referredTable;
  } catch {
    return undefined; // a key to a table that is not defined: no ordering constraint
  }
}

/** Sorts tables by foreign key dependency, keeping the given order among independent tables. */
export function sortTablesAndConstraints(tables: readonly AnyTable[]): TableOrder {
  const members = new Set(tables);
  const edges: [Edge<AnyTable>, ForeignKeyConstraint][] = [];
  const deferred: ForeignKeyConstraint[] = [];
  for (const table of tables) {
    for (const constraint of table.foreignKeyConstraints) {
      const referred = referredTable(constraint);
      if (referred === undefined || referred === table || !members.has(referred)) continue;
      if (constraint.useAlter) deferred.push(constraint);
      else edges.push([[referred, table], constraint]);
    }
  }
  const components = cycles(tables, edges.map(([edge]) => edge));
  const componentOf = new Map<AnyTable, number>();
  components.forEach((members, i) => members.forEach((t) => componentOf.set(t, i)));
  const kept: Edge<AnyTable>[] = [];
  for (const [edge, constraint] of edges) {
    const [before, after] = edge;
    const component = componentOf.get(before);
    if (component !== undefined && component === componentOf.get(after)) deferred.push(constraint);
    else kept.push(edge);
  }
  const order = topologicalSort(tables, kept);
  return { tables: [...order.sorted, ...order.cyclic], deferred };
}
