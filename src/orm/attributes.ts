/**
 * Instrumentation: the mapper puts an accessor on the class prototype for
 * each mapped attribute. Reading goes to the instance's state; writing
 * records the change there, so the unit of work knows what changed without
 * comparing every loaded object at flush time.
 *
 * Values a constructor wrote as own properties (class fields do that) are
 * adopted into the state the first time the ORM sees the object.
 *
 * @module
 */
import { inspect as nodeInspect } from "node:util";
import { ArgumentError, InvalidRequestError } from "../errors/index.js";
import { adoptCollection, setRelationship } from "./collections.js";
import type { Mapper } from "./mapper.js";
import type { RelationshipProperty } from "./relationship.js";
import { attachState, stateOf, type InstanceState } from "./state.js";

/** Raised when an attribute that is not loaded is read: an async ORM never loads implicitly. */
export class UnloadedAttributeError extends InvalidRequestError {}


/** The state of a mapped object, made (and own-property values adopted) on first use. @internal */
export function instanceState(obj: object, mapper: Mapper): InstanceState {
  const state = stateOf(obj) ?? attachState(obj, mapper);
  for (const key of mapper.attributeKeys) {
    if (Object.hasOwn(obj, key)) {
      const value = (obj as Record<string, unknown>)[key];
      delete (obj as Record<string, unknown>)[key];
      // A class field without initializer (`name!: string` rather than `declare name: string`) redefines the
      // attribute as undefined after the constructor set it: keep the constructor's value.
      if (value === undefined && key in state.dict) continue;
      const rel = mapper.relationships.get(key);
      if (rel !== undefined && value !== undefined) setRelationship(state, rel, value);
      else state.set(key, value);
    }
  }
  return state;
}

function unloadedColumn(state: InstanceState, key: string): never {
  const what = state.expired?.has(key) === true ? "is expired" : "was not loaded";
  throw new UnloadedAttributeError(
    `${state.mapper.name}.${key} ${what}, and Athanor never loads implicitly: ` +
      `call await session.refresh(obj${state.expired?.has(key) === true ? "" : `, ["${key}"]`}) first, or load it in the query (undefer / loadOnly).`,
  );
}

function unloadedRelationship(state: InstanceState, key: string): never {
  throw new UnloadedAttributeError(
    `${state.mapper.name}.${key} is not loaded, and Athanor never loads implicitly: load it in the query ` +
      `(selectinload / joinedload), or call await session.load(obj, "${key}").`,
  );
}

function columnAccessor(mapper: Mapper, key: string): PropertyDescriptor {
  return {
    get(this: object) {
      const state = stateOf(this);
      if (state === undefined) return undefined;
      const value = state.dict[key];
      if (value !== undefined || key in state.dict) return value;
      return state.key === undefined ? undefined : unloadedColumn(state, key);
    },
    set(this: object, value: unknown) {
      (stateOf(this) ?? attachState(this, mapper)).set(key, value);
    },
    enumerable: true,
    configurable: true,
  };
}

/**
 * A many-to-one whose target is already in the session needs no query (as
 * SQLAlchemy's lazy loader uses the identity map): a NULL key reads as
 * `null`, a loaded target is returned. `undefined` when a query is needed.
 */
function manyToOneFromIdentityMap(state: InstanceState, rel: RelationshipProperty): object | null | undefined {
  if (rel.direction !== "many-to-one" || state.session === undefined) return undefined;
  const values: unknown[] = [];
  for (const pair of rel.pairs) {
    const attr = state.mapper.attributeOf.get(pair.local) as string;
    if (!(attr in state.dict)) return undefined;
    values.push(state.dict[attr]);
  }
  if (values.every((v) => v === null)) return (state.dict[rel.key] = null);
  // The key must be the target's primary key for an identity-map lookup.
  const target = rel.mapper;
  if (rel.pairs.length !== target.primaryKey.length || !rel.pairs.every((p, i) => p.remote === target.primaryKey[i])) return undefined;
  const found = state.session._lookup(target, values);
  if (found !== undefined) state.dict[rel.key] = found;
  return found;
}

function relationshipAccessor(mapper: Mapper, key: string): PropertyDescriptor {
  return {
    get(this: object) {
      const state = stateOf(this) ?? attachState(this, mapper);
      const dict = state.dict;
      if (key in dict) return dict[key];
      if (state.key !== undefined) {
        const found = manyToOneFromIdentityMap(state, mapper.relationships.get(key) as RelationshipProperty);
        return found === undefined ? unloadedRelationship(state, key) : found;
      }
      // A new object starts with an empty collection or no related object, as in SQLAlchemy.
      if (!mapper._configured) mapper.registry.configure();
      const rel = mapper.relationships.get(key) as RelationshipProperty;
      const empty = rel.uselist ? adoptCollection(state, rel, []) : null;
      dict[key] = empty;
      return empty;
    },
    set(this: object, value: unknown) {
      if (!mapper._configured) mapper.registry.configure();
      setRelationship(stateOf(this) ?? attachState(this, mapper), mapper.relationships.get(key) as RelationshipProperty, value);
    },
    enumerable: true,
    configurable: true,
  };
}

const INSTRUMENTED = Symbol("athanor.instrumented");

/** Puts the accessors for `keys` (default: every mapped attribute) on the class prototype. @internal */
export function instrumentAttributes(mapper: Mapper, keys: readonly string[] = mapper.attributeKeys): void {
  const proto = mapper.class_.prototype as Record<PropertyKey, unknown>;
  for (const key of keys) {
    const existing = Object.getOwnPropertyDescriptor(proto, key);
    if (existing !== undefined && (existing.get as { [INSTRUMENTED]?: boolean } | undefined)?.[INSTRUMENTED] !== true) {
      throw new ArgumentError(`${mapper.name} defines "${key}" itself, which is also a mapped attribute; rename one of them.`);
    }
    const descriptor = mapper.relationships.has(key) ? relationshipAccessor(mapper, key) : columnAccessor(mapper, key);
    (descriptor.get as { [INSTRUMENTED]?: boolean })[INSTRUMENTED] = true;
    Object.defineProperty(proto, key, descriptor);
  }
  installRepr(mapper);
}

/** `User(id=1, name='ada')`: the loaded column values (relationships are left out; expired ones show as `…`). */
export function describeInstance(obj: object, mapper: Mapper): string {
  const state = stateOf(obj);
  const parts: string[] = [];
  for (const key of mapper.columns.keys()) {
    const dict = state?.dict ?? (obj as Record<string, unknown>);
    if (!(key in dict)) continue;
    parts.push(`${key}=${nodeInspect(dict[key], { depth: 0, breakLength: Infinity })}`);
  }
  return `${mapper.name}(${parts.join(", ")})`;
}

/** A readable `toString` and Node inspect output, unless the class defines its own. */
function installRepr(mapper: Mapper): void {
  const proto = mapper.class_.prototype as Record<PropertyKey, unknown>;
  if (!Object.hasOwn(proto, "toString") && proto.toString === Object.prototype.toString) {
    Object.defineProperty(proto, "toString", {
      value(this: object) {
        return describeInstance(this, stateOf(this)?.mapper ?? mapper);
      },
      configurable: true,
      writable: true,
    });
  }
  const custom = nodeInspect.custom;
  if (!(custom in proto)) {
    Object.defineProperty(proto, custom, {
      value(this: object) {
        return describeInstance(this, stateOf(this)?.mapper ?? mapper);
      },
      configurable: true,
      writable: true,
    });
  }
}
