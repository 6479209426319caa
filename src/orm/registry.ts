/**
 * The registry: a set of mapped classes sharing one {@link MetaData}. It maps
 * classes (imperatively here; declarative models and automap build on it),
 * finds relationship targets by class or name, and configures the
 * relationships once all classes are known.
 *
 * @module
 */
import { ArgumentError } from "../errors/index.js";
import { MetaData, type AnyTable } from "../schema/index.js";
import { Mapper, mapperOf, type MappedClass, type MapperOptions } from "./mapper.js";
import type { RelationshipTarget } from "./relationship.js";

/** The options of a registry. */
export interface RegistryOptions {
  /** The MetaData of the mapped tables (default: a new one). */
  readonly metadata?: MetaData;
}

/**
 * A collection of mappers with one MetaData.
 *
 * @example
 * ```ts
 * class Post { declare id: number; declare title: string }
 * const mapperRegistry = new Registry();
 * const posts = new Table("posts", mapperRegistry.metadata, { id: column(Integer, { primaryKey: true }), title: column(Text) });
 * mapperRegistry.mapImperatively(Post, posts);
 * ```
 */
export class Registry {
  readonly metadata: MetaData;
  readonly #mappers: Mapper[] = [];
  readonly #byName = new Map<string, Mapper[]>();
  #configured = true;

  constructor(options: RegistryOptions = {}) {
    this.metadata = options.metadata ?? new MetaData();
  }

  /** The mappers, in the order the classes were mapped. */
  get mappers(): readonly Mapper[] {
    return this.#mappers;
  }

  /**
   * Maps a plain class onto a table. Every column becomes an attribute
   * (rename or add relationships with `properties`). The class stays an
   * ordinary class; its instances made by loading skip the constructor.
   */
  mapImperatively<T extends object>(cls: MappedClass<T>, table: AnyTable, options: MapperOptions = {}): Mapper<T> {
    if (typeof cls !== "function") throw new ArgumentError(`mapImperatively() expects a class, got ${String(cls)}.`);
    if (table.metadata !== this.metadata) {
      throw new ArgumentError(`Table ${table.name} belongs to another MetaData than this registry's; make it with registry.metadata.`);
    }
    const mapper = new Mapper(this, cls, table, options);
    this._add(mapper as Mapper);
    return mapper;
  }

  /** @internal Adds a mapper made elsewhere (declarative, automap). */
  _add(mapper: Mapper): void {
    this.#mappers.push(mapper);
    const same = this.#byName.get(mapper.name) ?? [];
    same.push(mapper);
    this.#byName.set(mapper.name, same);
    this.#configured = false;
  }

  /** The mapper of a class mapped in this registry, by class or class name. */
  mapperFor(target: MappedClass | string): Mapper {
    if (typeof target === "string") {
      const found = this.#byName.get(target);
      if (found === undefined) throw new ArgumentError(`No class named "${target}" is mapped in this registry.`);
      if (found.length > 1) throw new ArgumentError(`Several classes named "${target}" are mapped in this registry; refer to the class itself.`);
      return found[0] as Mapper;
    }
    const mapper = mapperOf(target);
    if (mapper === undefined || mapper.registry !== this) throw new ArgumentError(`Class ${target.name} is not mapped in this registry.`);
    return mapper;
  }

  #resolve = (argument: RelationshipTarget): Mapper => {
    if (typeof argument === "string") return this.mapperFor(argument);
    // An arrow function (no prototype) is a thunk returning the class; anything else is the class.
    const cls = argument.prototype === undefined ? (argument as () => MappedClass)() : argument;
    if (typeof cls !== "function") throw new ArgumentError(`A relationship target function returned ${String(cls)}, not a class.`);
    return this.mapperFor(cls as MappedClass);
  };

  /**
   * Resolves every relationship: targets, directions, column pairs and
   * `backPopulates` links. Sessions and ORM queries call it; call it yourself
   * to see configuration errors early. Idempotent.
   */
  configure(): void {
    if (this.#configured) return;
    // Resolving a target may map a declarative class on first use, adding a mapper: repeat until none is new.
    const done: Mapper[] = [];
    for (let pending = this.#unconfigured(done); pending.length > 0; pending = this.#unconfigured(done)) {
      for (const mapper of pending) for (const rel of mapper.relationships.values()) rel._configure(this.#resolve);
      done.push(...pending);
    }
    for (const mapper of done) for (const rel of mapper.relationships.values()) rel._linkReverse();
    for (const mapper of done) mapper._configured = true;
    this.#configured = true;
  }

  #unconfigured(done: readonly Mapper[]): Mapper[] {
    return this.#mappers.filter((m) => !m._configured && !done.includes(m));
  }
}
