/**
 * The unit of work: what a flush sends, in which order. Pending objects are
 * INSERTed, changed ones UPDATEd (only their changed columns) and deleted
 * ones DELETEd, ordered by the tables' foreign-key dependencies (parents
 * first for inserts, children first for deletes), with self-referential rows
 * ordered among themselves. Rows of one class with the same columns go in one
 * multi-row INSERT (with RETURNING where the database has it) or one batched
 * UPDATE. Foreign keys are copied from related objects just before their row
 * is written.
 *
 * The flush changes object states as it goes (generated keys are needed by
 * the rows that follow). Writes into new objects go through a
 * {@link FlushJournal}, which undoes them if any statement fails; the Session
 * snapshots the (usually few) persistent objects it changes instead, so a
 * flush of many new objects copies none of them.
 *
 * @module
 */
import type { Connection } from "../engine/index.js";
import { CompileError, StaleDataError } from "../errors/index.js";
import type { AnySchemaColumn as AnyColumn, AnyTable } from "../schema/index.js";
import {
  ClauseElement,
  Insert,
  and,
  bindparam,
  column,
  delete_,
  insert,
  select as coreSelect,
  update,
  values,
  type AnyColumnClause,
  type ColumnElement,
  type CompiledSQL,
  type Update,
} from "../sql/index.js";
import { groupBy, topologicalSort } from "../util/index.js";
import type { Mapper, TablePart } from "./mapper.js";
import type { RelationshipProperty } from "./relationship.js";
import { NO_VALUE, relatedObjects, stateOf, type InstanceState } from "./state.js";

/**
 * The values a flush wrote into new (pending) objects (generated keys, copied
 * foreign keys, defaults), so that a failed flush puts every object back as it
 * was without having copied any of them first. Parallel arrays of one kind of
 * value each: measured, pushing (state, key, value) triples into one array was
 * several times slower. @internal
 */
export class FlushJournal {
  readonly #states: InstanceState[] = [];
  readonly #keys: string[] = [];
  readonly #previous: unknown[] = [];
  readonly #generatedStates: InstanceState[] = [];
  readonly #generatedPrevious: (readonly string[] | undefined)[] = [];

  /**
   * @param beforeWrite Called before the flush first writes into a persistent
   * object (a synced foreign key, an onUpdate or version value, a value the
   * database computed), so its owner can keep that object's state to restore
   * if the flush fails. Objects the flush never writes into cost nothing.
   */
  constructor(private readonly beforeWrite?: (state: InstanceState) => void) {}

  /** Announces a write into a persistent object (see the constructor). */
  touch(state: InstanceState): void {
    this.beforeWrite?.(state);
  }

  /** Sets `key` of a new object to `value`, remembering what was there. */
  write(state: InstanceState, key: string, value: unknown): void {
    const dict = state.dict;
    this.#states.push(state);
    this.#keys.push(key);
    this.#previous.push(key in dict ? dict[key] : NO_VALUE);
    dict[key] = value;
  }

  /** Records that the database made `keys` of a new object (shared, never mutated: many states hold the same array). */
  generated(state: InstanceState, keys: readonly string[]): void {
    const previous = state.generated;
    this.#generatedStates.push(state);
    this.#generatedPrevious.push(previous);
    state.generated = previous === undefined ? keys : [...previous, ...keys];
  }

  /** Undoes every write, newest first. */
  undo(): void {
    for (let i = this.#states.length - 1; i >= 0; i--) {
      const dict = (this.#states[i] as InstanceState).dict;
      const key = this.#keys[i] as string;
      const previous = this.#previous[i];
      if (previous === NO_VALUE) delete dict[key];
      else dict[key] = previous;
    }
    for (let i = this.#generatedStates.length - 1; i >= 0; i--) (this.#generatedStates[i] as InstanceState).generated = this.#generatedPrevious[i];
    this.#states.length = this.#keys.length = this.#previous.length = 0;
    this.#generatedStates.length = this.#generatedPrevious.length = 0;
  }
}

/** A many-to-many link to add or remove: a row of the secondary table. @internal */
export interface LinkChange {
  readonly rel: RelationshipProperty;
  readonly parent: InstanceState;
  readonly child: InstanceState;
  readonly add: boolean;
}

/** The work of one flush. @internal */
export interface FlushWork {
  readonly inserts: readonly InstanceState[];
  readonly updates: readonly InstanceState[];
  readonly deletes: readonly InstanceState[];
  /** Rows of secondary tables to insert or delete. */
  readonly links?: readonly LinkChange[];
}

/** What the dialect can do, as the flush needs it. @internal */
export interface FlushCapabilities {
  readonly returning: boolean;
}

type ColumnOptionsView = {
  readonly default?: unknown;
  readonly serverDefault?: unknown;
  readonly onUpdate?: unknown;
  readonly serverOnUpdate?: unknown;
  readonly identity?: unknown;
};

function optionsOf(col: AnyColumn): ColumnOptionsView {
  return col.definition.options as ColumnOptionsView;
}

/** Which columns a new row sets, as a number (bit i: column i) or, past 30 columns, a string. */
function presentSignature(mapper: Mapper, state: InstanceState): number | string {
  const keys = mapper._columnKeys;
  const dict = state.dict;
  if (keys.length > 30) return keys.map((k) => (dict[k] === undefined ? "0" : "1")).join("");
  let bits = 0;
  for (let i = 0; i < keys.length; i++) if (dict[keys[i] as string] !== undefined) bits |= 1 << i;
  return bits;
}

/** Splits `items` into runs of neighbours with the same key. */
function consecutiveRuns<T, K>(items: readonly T[], key: (item: T) => K): T[][] {
  const runs: T[][] = [];
  let last: K | undefined;
  for (const item of items) {
    const k = key(item);
    if (k === last && runs.length > 0) (runs[runs.length - 1] as T[]).push(item);
    else runs.push([item]);
    last = k;
  }
  return runs;
}

/** The tables `table`'s foreign keys refer to (those that resolve). */
function referredTables(table: AnyTable): AnyTable[] {
  const out: AnyTable[] = [];
  for (const fk of table.foreignKeyConstraints) {
    try {
      out.push(fk.referredTable);
    } catch {
      // a target outside the MetaData orders nothing here
    }
  }
  return out;
}

/**
 * The order of mappers: a mapper whose tables refer to another mapper's
 * tables comes after it (a joined-table subclass spans several tables), ties
 * kept in the MetaData's table order.
 */
function mapperOrder(states: readonly InstanceState[]): Mapper[] {
  const mappers = [...new Set(states.map((s) => s.mapper))];
  const metadata = mappers[0]?.table.metadata;
  if (metadata === undefined || mappers.length === 1) return mappers;
  const position = new Map(metadata.sortedTables.map((t, i) => [t, i]));
  const last = (m: Mapper) => Math.max(...m._parts.map((p) => position.get(p.table) ?? 0));
  mappers.sort((a, b) => last(a) - last(b));
  const edges: [Mapper, Mapper][] = [];
  for (const after of mappers) {
    const own = new Set(after._parts.map((p) => p.table));
    const referenced = new Set(after._parts.flatMap((p) => referredTables(p.table)).filter((t) => !own.has(t)));
    for (const before of mappers) if (before !== after && before._parts.some((p) => referenced.has(p.table as never))) edges.push([before, after]);
  }
  const { sorted, cyclic } = topologicalSort(mappers, edges);
  return [...sorted, ...cyclic];
}

/** Copies the key values of related objects into foreign-key attributes, just before a row is written. */
class ForeignKeySync {
  /** Child state → the parents whose loaded collections hold it (one-to-many). */
  readonly #parents = new Map<InstanceState, [InstanceState, RelationshipProperty][]>();
  readonly #journal: FlushJournal;

  constructor(states: Iterable<InstanceState>, journal: FlushJournal) {
    this.#journal = journal;
    for (const state of states) {
      for (const rel of state.mapper.relationships.values()) {
        if (rel.direction !== "one-to-many" || rel.options.viewonly === true || !(rel.key in state.dict)) continue;
        const value = state.dict[rel.key];
        const children = relatedObjects(value);
        for (const child of children) {
          const childState = stateOf(child);
          if (childState === undefined) continue;
          const list = this.#parents.get(childState) ?? [];
          list.push([state, rel]);
          this.#parents.set(childState, list);
        }
      }
    }
  }

  /** Sets `state`'s foreign keys from its many-to-one targets and from the parents holding it in a collection. */
  apply(state: InstanceState): void {
    if (state.mapper.relationships.size === 0 && (this.#parents.size === 0 || !this.#parents.has(state))) return;
    for (const rel of state.mapper.relationships.values()) {
      if (rel.direction !== "many-to-one" || rel.options.viewonly === true || !(rel.key in state.dict)) continue;
      // A persistent row keeps its key unless the relationship itself was changed.
      const changed = state.key === undefined || state.committed?.has(rel.key) === true;
      if (!changed) continue;
      const target = state.dict[rel.key] as object | null;
      if (target === null) {
        for (const pair of rel.pairs) this.#set(state, pair.local, null);
        continue;
      }
      const targetState = stateOf(target);
      if (targetState === undefined) continue;
      for (const pair of rel.pairs) this.#set(state, pair.local, targetState.dict[rel.mapper.attributeOf.get(pair.remote) as string]);
    }
    for (const [parent, rel] of this.#parents.get(state) ?? []) {
      for (const pair of rel.pairs) this.#set(state, pair.remote, parent.dict[parent.mapper.attributeOf.get(pair.local) as string]);
    }
  }

  #set(state: InstanceState, col: AnyColumn, value: unknown): void {
    const key = state.mapper.attributeOf.get(col);
    if (key === undefined || value === undefined) return;
    if (state.key === undefined) this.#journal.write(state, key, value);
    else if (state.dict[key] !== value) {
      this.#journal.touch(state);
      state.set(key, value);
    }
  }
}

/** Self-referential pending rows in batches: each batch only refers to rows of earlier batches. */
function dependencyBatches(mapper: Mapper, states: readonly InstanceState[]): InstanceState[][] {
  const selfRefs = [...mapper.relationships.values()].filter((r) => r.direction === "many-to-one" && r.mapper === mapper);
  if (selfRefs.length === 0) return [states as InstanceState[]];
  const remaining = new Set(states);
  const batches: InstanceState[][] = [];
  while (remaining.size > 0) {
    const ready = [...remaining].filter((state) =>
      selfRefs.every((rel) => {
        const target = state.dict[rel.key];
        const targetState = target === null || target === undefined ? undefined : stateOf(target as object);
        return targetState === undefined || targetState === state || !remaining.has(targetState);
      }),
    );
    // A cycle among new rows cannot be ordered; write the rest together and let the database decide.
    const batch = ready.length === 0 ? [...remaining] : ready;
    for (const state of batch) remaining.delete(state);
    batches.push(batch);
  }
  return batches;
}

/** Client-side defaults a Python-side dataclass would apply: values and functions (SQL expressions are left to the database). */
const insertDefaults = new WeakMap<Mapper, readonly (readonly [string, unknown])[]>();

/** The client-side defaults of a mapper's columns (values and functions), computed once. */
function defaultsOf(mapper: Mapper): readonly (readonly [string, unknown])[] {
  let found = insertDefaults.get(mapper);
  if (found === undefined) {
    found = [...mapper.columns]
      .map(([key, col]) => [key, optionsOf(col).default] as const)
      .filter(([, fallback]) => fallback !== undefined && !(fallback instanceof ClauseElement));
    insertDefaults.set(mapper, found);
  }
  return found;
}

function applyInsertDefaults(state: InstanceState, journal: FlushJournal): void {
  const dict = state.dict;
  const defaults = defaultsOf(state.mapper);
  for (let i = 0; i < defaults.length; i++) {
    const [key, fallback] = defaults[i] as readonly [string, unknown];
    if (dict[key] === undefined) journal.write(state, key, typeof fallback === "function" ? (fallback as () => unknown)() : fallback);
  }
  const version = state.mapper.versionAttribute;
  if (version !== undefined && dict[version] === undefined) journal.write(state, version, 1);
  const discriminator = state.mapper.polymorphicOn;
  if (discriminator !== undefined && dict[discriminator] === undefined && state.mapper.polymorphicIdentity !== undefined) {
    journal.write(state, discriminator, state.mapper.polymorphicIdentity);
  }
}

/** Columns whose value the database makes when the INSERT leaves them out. */
function generatedOnInsert(col: AnyColumn, autoincrement: AnyColumn | undefined): boolean {
  const options = optionsOf(col);
  return col === autoincrement || options.serverDefault !== undefined || options.default instanceof ClauseElement || options.identity !== undefined;
}

/** A multi-row INSERT compiled once for a shape (columns, generated columns, row count) and reused by every flush. */
interface PreparedInsert {
  readonly compiled: CompiledSQL;
  /** For each placeholder: the row and the attribute it takes its value from. */
  readonly rowOf: Int32Array;
  readonly keyOf: readonly string[];
}

const PREPARED_PER_TABLE = 64;
const prepared = new WeakMap<object, WeakMap<TablePart, Map<string, PreparedInsert>>>();

/** The compiled INSERT of `rows` rows setting `present` and returning `fetch`, from the cache of this dialect and table of a mapping. */
function prepareInsert(conn: Connection, part: TablePart, present: readonly string[], fetch: readonly string[], rows: number): PreparedInsert | undefined {
  const byDialect = prepared.get(conn.engine.dialect) ?? new WeakMap<TablePart, Map<string, PreparedInsert>>();
  prepared.set(conn.engine.dialect, byDialect);
  const cache = byDialect.get(part) ?? new Map<string, PreparedInsert>();
  byDialect.set(part, cache);
  const signature = `${present.join(",")}|${fetch.join(",")}|${rows}`;
  const hit = cache.get(signature);
  if (hit !== undefined) return hit;
  const columns = present.map((key) => part.columns.get(key) as AnyColumn);
  const values = Array.from({ length: rows }, (_, r) => {
    const row: Record<string, unknown> = {};
    columns.forEach((col, c) => (row[col.name] = bindparam(`v${r}_${c}`, col.type)));
    return row;
  });
  let stmt = insert(part.table).values((present.length === 0 ? values.map(() => ({})) : values) as never);
  if (fetch.length > 0) stmt = stmt.returning(...(fetch.map((key) => part.columns.get(key)) as [AnyColumn])) as never;
  const compiled = conn.engine.compile(stmt);
  // Client-side defaults computed per execution would need their own values: such a table takes the general path.
  if (compiled.generated !== undefined && Object.keys(compiled.generated).length > 0) return undefined;
  const rowOf = new Int32Array(compiled.bindNames.length);
  const keyOf: string[] = [];
  for (let i = 0; i < compiled.bindNames.length; i++) {
    const match = /^v(\d+)_(\d+)$/.exec(compiled.bindNames[i] as string);
    if (match === null) return undefined;
    rowOf[i] = Number(match[1]);
    keyOf.push(present[Number(match[2])] as string);
  }
  if (cache.size >= PREPARED_PER_TABLE) cache.delete(cache.keys().next().value as string);
  const entry = { compiled, rowOf, keyOf };
  cache.set(signature, entry);
  return entry;
}

/** Inserts the rows of `states` (same columns set) into every table of their mapping, base table first. */
async function insertGroup(conn: Connection, mapper: Mapper, states: readonly InstanceState[], caps: FlushCapabilities, journal: FlushJournal): Promise<void> {
  for (const part of mapper._parts) await insertRows(conn, mapper, part, states, caps, journal);
}

async function insertRows(conn: Connection, mapper: Mapper, part: TablePart, states: readonly InstanceState[], caps: FlushCapabilities, journal: FlushJournal): Promise<void> {
  const table = part.table;
  const first = states[0] as InstanceState;
  const present = part.keys.filter((key) => first.dict[key] !== undefined);
  const autoincrement = table.autoincrementColumn;
  const fetch = part.keys.filter((key) => first.dict[key] === undefined && generatedOnInsert(part.columns.get(key) as AnyColumn, autoincrement));
  const rowOf = (state: InstanceState) => {
    const row: Record<string, unknown> = {};
    for (const key of present) row[(part.columns.get(key) as AnyColumn).name] = state.dict[key];
    return row;
  };
  const fetchColumns = fetch.map((key) => part.columns.get(key) as AnyColumn);
  const perStatement = Insert._rowsPerStatement(present.length);
  if (present.length > 0 && states.some((state) => holdsExpression(state, present))) {
    // Rows given SQL expressions go one by one, in order, between runs of plain rows.
    for (const run of consecutiveRuns(states, (state) => holdsExpression(state, present))) {
      if (!holdsExpression(run[0] as InstanceState, present)) await insertRows(conn, mapper, part, run, caps, journal);
      else for (const state of run) await insertWithExpressions(conn, mapper, part, state, rowOf(state), present, fetch, caps, journal);
    }
    return;
  }

  if (present.length === 0 && (caps.returning || fetch.length === 0)) {
    // Nothing of its own to insert: INSERT ... DEFAULT VALUES, one row per statement.
    for (const state of states) {
      const stmt = insert(table);
      if (fetch.length === 0) {
        await conn.execute(stmt);
        continue;
      }
      const values = (await conn.execute(stmt.returning(...(fetchColumns as [AnyColumn]))))._takeRows()[0] as unknown[];
      fetch.forEach((key, k) => journal.write(state, key, values[k]));
      journal.generated(state, fetch);
    }
    return;
  }
  if (caps.returning || fetch.length === 0) {
    for (let i = 0; i < states.length; i += perStatement) {
      const chunk = states.slice(i, i + perStatement);
      const ready = prepareInsert(conn, part, present, fetch, chunk.length);
      let rows: unknown[][];
      if (ready !== undefined) {
        const values = new Array<unknown>(ready.rowOf.length);
        for (let p = 0; p < values.length; p++) values[p] = (chunk[ready.rowOf[p] as number] as InstanceState).dict[ready.keyOf[p] as string];
        rows = (await conn._executeCompiled(ready.compiled, values))._takeRows();
      } else {
        const base = insert(table).values((present.length === 0 ? chunk.map(() => ({})) : chunk.map(rowOf)) as never);
        rows = fetch.length === 0 ? [] : (await conn.execute(base.returning(...(fetchColumns as [AnyColumn]))))._takeRows();
        if (fetch.length === 0) await conn.execute(base);
      }
      if (fetch.length === 0) continue;
      // Rows come back in VALUES order from one multi-row INSERT on PostgreSQL, SQLite and MariaDB.
      for (let j = 0; j < rows.length; j++) {
        const values = rows[j] as unknown[];
        const state = chunk[j] as InstanceState;
        for (let k = 0; k < fetch.length; k++) journal.write(state, fetch[k] as string, values[k]);
        journal.generated(state, fetch);
      }
    }
    return;
  }
  // No RETURNING (MySQL): one row per INSERT for its generated key, then one SELECT for other generated columns.
  const keyAttr = autoincrement === undefined ? undefined : mapper.attributeOf.get(autoincrement);
  for (const state of states) writeInsertedKey(state, await conn.execute(insert(table).values(rowOf(state) as never)), autoincrement, keyAttr, journal);
  const rest = fetch.filter((key) => key !== keyAttr);
  if (rest.length > 0) await fetchByKey(conn, part, states, rest, journal);
}

/** Without RETURNING: the key the database generated for a new object's row, from the driver's last insert id. */
function writeInsertedKey(state: InstanceState, result: { readonly lastInsertId?: number | bigint | undefined }, autoincrement: AnyColumn | undefined, keyAttr: string | undefined, journal: FlushJournal): void {
  if (keyAttr === undefined || state.dict[keyAttr] !== undefined || result.lastInsertId === undefined) return;
  const id = result.lastInsertId;
  journal.write(state, keyAttr, typeof id === "bigint" && autoincrement?.type.visitName !== "big_integer" ? Number(id) : id);
  journal.generated(state, [keyAttr]);
}

/** Whether any of `keys` of the object holds a SQL expression rather than a value. */
function holdsExpression(state: InstanceState, keys: readonly string[]): boolean {
  for (const key of keys) if (state.dict[key] instanceof ClauseElement) return true;
  return false;
}

/**
 * The INSERT of one new object some of whose values are SQL expressions,
 * rendered in VALUES as given. The database computes them: they are read
 * back with the generated columns (RETURNING, or a SELECT by key on MySQL and
 * MariaDB), through the journal, so a failed flush puts the expressions back.
 */
async function insertWithExpressions(
  conn: Connection,
  mapper: Mapper,
  part: TablePart,
  state: InstanceState,
  row: Record<string, unknown>,
  present: readonly string[],
  fetch: readonly string[],
  caps: FlushCapabilities,
  journal: FlushJournal,
): Promise<void> {
  const table = part.table;
  const computed = present.filter((key) => state.dict[key] instanceof ClauseElement);
  const back = [...fetch, ...computed];
  const stmt = insert(table).values(row as never);
  if (caps.returning) {
    const values = (await conn.execute(stmt.returning(...(back.map((key) => part.columns.get(key)) as [AnyColumn]))))._takeRows()[0] as unknown[];
    back.forEach((key, k) => journal.write(state, key, values[k]));
    journal.generated(state, back);
    return;
  }
  const autoincrement = table.autoincrementColumn;
  const keyAttr = autoincrement === undefined ? undefined : mapper.attributeOf.get(autoincrement);
  writeInsertedKey(state, await conn.execute(stmt), autoincrement, keyAttr, journal);
  await fetchByKey(conn, part, [state], back.filter((key) => key !== keyAttr), journal);
}

/** Reads `keys` of `states` from one table of their mapping by primary key (for databases without RETURNING). */
async function fetchByKey(conn: Connection, part: TablePart, states: readonly InstanceState[], keys: readonly string[], journal: FlushJournal): Promise<void> {
  for (const state of states) {
    const where = and(...part.primaryKey.map((col, i) => col.eq(state.dict[part.primaryKeyAttributes[i] as string] as never)));
    const row = (await conn.execute(coreSelect(...(keys.map((k) => part.columns.get(k)) as [AnyColumn])).where(where))).first();
    if (row === null) continue;
    const values = row._tuple() as unknown[];
    keys.forEach((key, k) => journal.write(state, key, values[k]));
    journal.generated(state, keys);
  }
}

/** The WHERE of one row of a table by key (and version, in the table that holds it): `pk = :pk_0 AND ...`, with the old values bound per row. */
function rowWhere(mapper: Mapper, part: TablePart): ColumnElement<boolean> {
  const conditions = part.primaryKey.map((col, i) => col.eq(bindparam(`pk_${mapper.primaryKeyAttributes.indexOf(part.primaryKeyAttributes[i] as string)}`, col.type) as never));
  const version = mapper.versionAttribute;
  if (version !== undefined && part.columns.has(version)) {
    const col = part.columns.get(version) as AnyColumn;
    conditions.push(col.eq(bindparam("version_old", col.type) as never));
  }
  return and(...conditions);
}

function whereParams(state: InstanceState, params: Record<string, unknown>): void {
  const keyValues = (state.key as readonly [Mapper, readonly unknown[]])[1];
  keyValues.forEach((value, i) => (params[`pk_${i}`] = value));
  const version = state.mapper.versionAttribute;
  if (version !== undefined) params.version_old = state.committed?.has(version) === true ? state.committed.get(version) : state.dict[version];
}

function changedColumns(state: InstanceState): string[] {
  if (state.committed === undefined) return [];
  return [...state.committed.keys()].filter((key) => state.mapper.columns.has(key));
}

async function updateStates(conn: Connection, mapper: Mapper, states: readonly InstanceState[], caps: FlushCapabilities, journal: FlushJournal): Promise<void> {
  const version = mapper.versionAttribute;
  const work: [InstanceState, string[]][] = [];
  for (const state of states) {
    const changed = changedColumns(state);
    if (changed.length === 0) continue;
    for (const [key, col] of mapper.columns) {
      const onUpdate = optionsOf(col).onUpdate;
      if (onUpdate === undefined || onUpdate instanceof ClauseElement || changed.includes(key)) continue;
      journal.touch(state);
      state.set(key, typeof onUpdate === "function" ? (onUpdate as () => unknown)() : onUpdate);
      changed.push(key);
    }
    if (version !== undefined && !changed.includes(version)) {
      journal.touch(state);
      state.set(version, (Number(state.dict[version] ?? 0) + 1) as never);
      changed.push(version);
    }
    work.push([state, changed]);
  }
  for (const group of groupBy(work, ([, changed]) => changed.join("\u0000")).values()) {
    const changed = (group[0] as [InstanceState, string[]])[1];
    // Joined-table inheritance: one UPDATE per table that holds a changed column, base table first.
    for (const part of mapper._parts) {
      const here = changed.filter((key) => part.columns.has(key));
      if (here.length === 0) continue;
      await updateRows(conn, mapper, part, group, here, caps, journal);
    }
  }
}

/**
 * Updates the rows of one table of a mapping that changed the same columns.
 * Two rows or more go in one `UPDATE ... FROM (VALUES ...)` per chunk (one
 * round trip, where the drivers' executemany sends one statement per row);
 * a single row, or values the batched form cannot carry, one statement per row.
 */
async function updateRows(conn: Connection, mapper: Mapper, part: TablePart, group: readonly [InstanceState, string[]][], changed: readonly string[], caps: FlushCapabilities, journal: FlushJournal): Promise<void> {
  const version = mapper.versionAttribute;
  const states = group.map(([state]) => state);
  const matched = (states.length > 1 ? await updateRowsBatched(conn, mapper, part, states, changed) : undefined) ?? (await updateRowsOneByOne(conn, mapper, part, states, changed, caps, journal));
  // A SQL-expression onUpdate (added by Core) or a server one made a value the object does not know: expire it.
  const unknownNow = [...part.columns].filter(([key, col]) => !changed.includes(key) && (optionsOf(col).onUpdate instanceof ClauseElement || optionsOf(col).serverOnUpdate !== undefined));
  for (const state of states) {
    if (unknownNow.length > 0) journal.touch(state);
    for (const [key] of unknownNow) state.expire(key);
  }
  if (matched !== states.length) {
    throw new StaleDataError(
      `UPDATE statement on table '${part.table.name}' expected to update ${states.length} row(s); ${matched} were matched.` +
        (version === undefined ? "" : " The row was changed or deleted by another transaction since it was loaded (version check)."),
    );
  }
}

/**
 * One UPDATE per row (executemany): `SET col = :set_col WHERE pk = :pk_0 [AND version = :version_old]`.
 * A row whose object was given a SQL expression (`obj.n = Counter.c.n.add(1)`) gets its own
 * statement with the expression in SET (see {@link updateWithExpressions}). Returns the rows matched.
 */
async function updateRowsOneByOne(conn: Connection, mapper: Mapper, part: TablePart, states: readonly InstanceState[], changed: readonly string[], caps: FlushCapabilities, journal: FlushJournal): Promise<number> {
  let matched = 0;
  const plain: InstanceState[] = [];
  for (const state of states) {
    if (holdsExpression(state, changed)) matched += await updateWithExpressions(conn, mapper, part, state, changed, caps, journal);
    else plain.push(state);
  }
  return plain.length === 0 ? matched : matched + (await updatePlainRows(conn, mapper, part, plain, changed));
}

/**
 * The UPDATE of one row whose new values include SQL expressions, rendered
 * in SET as given (SQLAlchemy's "embedded SQL expression" assignment). The
 * database computes those values, so the object cannot know them: with
 * RETURNING they are read back into the object; without it (MySQL, MariaDB)
 * they are expired, and `session.refresh(obj)` reads them.
 */
async function updateWithExpressions(conn: Connection, mapper: Mapper, part: TablePart, state: InstanceState, changed: readonly string[], caps: FlushCapabilities, journal: FlushJournal): Promise<number> {
  const values: Record<string, unknown> = {};
  const params: Record<string, unknown> = {};
  const computed: [string, AnyColumn][] = [];
  for (const key of changed) {
    const col = part.columns.get(key) as AnyColumn;
    const value = state.dict[key];
    if (value instanceof ClauseElement) {
      values[col.name] = value;
      computed.push([key, col]);
    } else {
      values[col.name] = bindparam(`set_${col.name}`, col.type);
      params[`set_${col.name}`] = value;
    }
  }
  whereParams(state, params);
  const stmt = update(part.table).where(rowWhere(mapper, part)).values(values as never);
  journal.touch(state);
  if (!caps.returning) {
    const { rowcount } = await conn.execute(stmt, params);
    for (const [key] of computed) state.expire(key);
    return rowcount;
  }
  const rows = (await conn.execute(stmt.returning(...(computed.map(([, col]) => col) as [AnyColumn])), params))._takeRows();
  const row = rows[0];
  if (row !== undefined) computed.forEach(([key], i) => (state.dict[key] = row[i]));
  return rows.length;
}

/** The executemany form of {@link updateRowsOneByOne} for rows holding plain values only. */
async function updatePlainRows(conn: Connection, mapper: Mapper, part: TablePart, states: readonly InstanceState[], changed: readonly string[]): Promise<number> {
  const values: Record<string, unknown> = {};
  for (const key of changed) {
    const col = part.columns.get(key) as AnyColumn;
    values[col.name] = bindparam(`set_${col.name}`, col.type);
  }
  const stmt = update(part.table).where(rowWhere(mapper, part)).values(values as never);
  const paramSets = states.map((state) => {
    const params: Record<string, unknown> = {};
    for (const key of changed) params[`set_${(part.columns.get(key) as AnyColumn).name}`] = state.dict[key];
    whereParams(state, params);
    return params;
  });
  return (await conn.execute(stmt, paramSets.length === 1 ? (paramSets[0] as Record<string, unknown>) : paramSets)).rowcount;
}

/**
 * Parameters per batched UPDATE: PostgreSQL and MySQL take at most 65,535 per
 * statement and SQLite 32,766; staying far below keeps each statement's text
 * and the server's planning small too.
 */
const MAX_PARAMS_PER_BATCHED_UPDATE = 10_000;

/**
 * The batched form, chunk by chunk: `UPDATE t SET a = v.s_a FROM (VALUES ...) AS v (k_id, s_a)
 * WHERE t.id = v.k_id`, the VALUES list carrying each row's key (and old
 * version) and new values. Returns the rows matched, or `undefined` when the
 * batched form cannot carry these rows (a value that is a SQL expression, a
 * type this dialect cannot name in VALUES): nothing was sent then.
 */
async function updateRowsBatched(conn: Connection, mapper: Mapper, part: TablePart, states: readonly InstanceState[], changed: readonly string[]): Promise<number | undefined> {
  if (states.some((state) => holdsExpression(state, changed))) return undefined;
  const shape = batchedUpdateShape(mapper, part, changed);
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS_PER_BATCHED_UPDATE / shape.width));
  let matched = 0;
  for (let i = 0; i < states.length; i += perStatement) {
    const stmt = shape.statement(states.slice(i, i + perStatement));
    try {
      matched += (await conn.execute(stmt)).rowcount;
    } catch (error) {
      // A compile error is raised before anything is sent, and the shape is the same for every chunk: only the first can fail so.
      if (error instanceof CompileError && i === 0) return undefined;
      throw error;
    }
  }
  return matched;
}

/** The VALUES columns of a batched UPDATE of one table, and how to build the statement for a chunk of rows. */
function batchedUpdateShape(mapper: Mapper, part: TablePart, changed: readonly string[]): { width: number; statement: (states: readonly InstanceState[]) => Update } {
  const table = part.table;
  const versionKey = mapper.versionAttribute !== undefined && part.columns.has(mapper.versionAttribute) ? mapper.versionAttribute : undefined;
  // `k_` columns find the row (its key as loaded, and its version before this flush); `s_` columns hold the new values.
  const matchColumns = [...part.primaryKey, ...(versionKey === undefined ? [] : [part.columns.get(versionKey) as AnyColumn])];
  const setColumns = changed.map((key) => part.columns.get(key) as AnyColumn);
  const definitions = [...matchColumns.map((col) => column(`k_${col.name}`, col.type)), ...setColumns.map((col) => column(`s_${col.name}`, col.type))];
  const keyIndexes = part.primaryKeyAttributes.map((attribute) => mapper.primaryKeyAttributes.indexOf(attribute));
  const rowOf = (state: InstanceState): unknown[] => {
    const keyValues = (state.key as readonly [Mapper, readonly unknown[]])[1];
    const row = keyIndexes.map((index) => keyValues[index]);
    if (versionKey !== undefined) row.push(state.committed?.has(versionKey) === true ? state.committed.get(versionKey) : state.dict[versionKey]);
    for (const key of changed) row.push(state.dict[key]);
    return row;
  };
  const aliasName = table.name === "v" ? "v_batch" : "v";
  return {
    width: definitions.length,
    statement: (states) => {
      const v = values(...definitions).data(states.map(rowOf) as never).alias(aliasName);
      const source = v.c as Readonly<Record<string, AnyColumnClause>>;
      const set: Record<string, unknown> = {};
      for (const col of setColumns) set[col.name] = source[`s_${col.name}`];
      const where = and(...matchColumns.map((col) => col.eq(source[`k_${col.name}`] as never)));
      return update(table).values(set as never).where(where) as unknown as Update;
    },
  };
}

async function deleteStates(conn: Connection, mapper: Mapper, states: readonly InstanceState[]): Promise<void> {
  const selfReferential = [...mapper.relationships.values()].some((r) => r.direction === "many-to-one" && r.mapper === mapper);
  // Children of a self-referential table go first: reverse the insert batches.
  const ordered = selfReferential ? dependencyBatches(mapper, states).reverse().flat() : states;
  const paramSets = ordered.map((state) => {
    const params: Record<string, unknown> = {};
    whereParams(state, params);
    return params;
  });
  const batches = selfReferential ? paramSets.map((p) => [p]) : [paramSets];
  // Joined-table inheritance: the subclass's rows go before the rows they extend.
  const parts = [...mapper._parts].reverse();
  for (const part of parts) {
    const stmt = delete_(part.table).where(rowWhere(mapper, part));
    let matched = 0;
    for (const batch of batches) {
      const result = await conn.execute(stmt, batch.length === 1 ? (batch[0] as Record<string, unknown>) : batch);
      matched += result.rowcount;
    }
    if (matched !== states.length) {
      throw new StaleDataError(`DELETE statement on table '${part.table.name}' expected to delete ${states.length} row(s); only ${matched} were matched.`);
    }
  }
}

/**
 * Runs one flush. States are changed in place (keys filled in): writes into
 * new objects are recorded in `journal` (undo it on failure); the caller
 * restores persistent objects itself. @internal
 */
export async function executeFlush(conn: Connection, work: FlushWork, caps: FlushCapabilities, journal: FlushJournal): Promise<void> {
  const sync = new ForeignKeySync([...work.inserts, ...work.updates], journal);
  const writes = [...work.inserts, ...work.updates];
  const mappers = mapperOrder(writes);
  for (const mapper of mappers) {
    const inserts = mappers.length === 1 ? work.inserts : work.inserts.filter((s) => s.mapper === mapper);
    for (const batch of dependencyBatches(mapper, inserts)) {
      for (const state of batch) {
        sync.apply(state);
        applyInsertDefaults(state, journal);
      }
      // Rows keep the order they were added in: only neighbours with the same columns share a statement.
      for (const run of consecutiveRuns(batch, (s) => presentSignature(mapper, s))) {
        await insertGroup(conn, mapper, run, caps, journal);
      }
    }
    const updates = mappers.length === 1 ? work.updates : work.updates.filter((s) => s.mapper === mapper);
    for (const state of updates) sync.apply(state);
    await updateStates(conn, mapper, updates, caps, journal);
  }
  await writeLinks(conn, work.links ?? []);
  await unlinkDeleted(conn, work.deletes);
  for (const mapper of mapperOrder(work.deletes).reverse()) {
    await deleteStates(
      conn,
      mapper,
      work.deletes.filter((s) => s.mapper === mapper),
    );
  }
}

/** The secondary-table row of a link: the parent's key columns and the child's. */
function linkRow(change: LinkChange): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  const { rel, parent, child } = change;
  for (const pair of rel.pairs) row[pair.remote.name] = parent.dict[parent.mapper.attributeOf.get(pair.local) as string];
  for (const pair of rel.secondaryPairs) row[pair.remote.name] = child.dict[child.mapper.attributeOf.get(pair.local) as string];
  return row;
}

/** Inserts and deletes rows of secondary tables for many-to-many changes (after both sides' rows exist). */
async function writeLinks(conn: Connection, links: readonly LinkChange[]): Promise<void> {
  for (const group of groupBy(links, (l) => `${l.rel.secondary?.fullName ?? ""}|${l.add ? "+" : "-"}`).values()) {
    const first = group[0] as LinkChange;
    const secondary = first.rel.secondary;
    if (secondary === undefined) continue;
    const rows = group.map(linkRow);
    if (first.add) {
      const perStatement = Insert._rowsPerStatement(Object.keys(rows[0] as object).length);
      for (let i = 0; i < rows.length; i += perStatement) await conn.execute(insert(secondary).values(rows.slice(i, i + perStatement) as never));
      continue;
    }
    const cols = Object.keys(rows[0] as object).map((name) => (secondary.c as Record<string, AnyColumn>)[name] as AnyColumn);
    const stmt = delete_(secondary).where(and(...cols.map((col) => col.eq(bindparam(`k_${col.name}`, col.type) as never))));
    const params = rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [`k_${k}`, v])));
    await conn.execute(stmt, params.length === 1 ? (params[0] as Record<string, unknown>) : params);
  }
}

/** Removes the secondary-table rows of objects being deleted, for every many-to-many relationship of their class. */
async function unlinkDeleted(conn: Connection, deletes: readonly InstanceState[]): Promise<void> {
  for (const state of deletes) {
    for (const rel of state.mapper.relationships.values()) {
      if (rel.direction !== "many-to-many" || rel.options.viewonly === true || rel.options.passiveDeletes === true) continue;
      const where = and(...rel.pairs.map((p) => p.remote.eq(state.dict[state.mapper.attributeOf.get(p.local) as string] as never)));
      await conn.execute(delete_(rel.secondary as never).where(where));
    }
  }
}
