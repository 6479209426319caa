/**
 * The ORM: classes mapped to tables, their relationships, and (in later
 * modules) the Session with its unit of work and identity map.
 *
 * @module
 */
export {
  declarativeBase,
  mapped,
  type DeclarativeBase,
  type DeclarativeBaseOptions,
  type RelationshipValues,
  type TypeMap,
  type MappedColumnOptions,
  type ModelAttributes,
  type ModelClass,
  type ModelInit,
  type PolymorphicOptions,
  type RelatedOf,
  type RelationshipsOf,
} from "./declarative.js";
export { Registry, type RegistryOptions } from "./registry.js";
export { Mapper, UnmappedClassError, mapperOf, requireMapper, type MappedClass, type MapperOptions } from "./mapper.js";
export {
  RelationshipProperty,
  relationship,
  type Cascade,
  type ColumnPair,
  type LazyStrategy,
  type RelationshipDirection,
  type RelationshipOptions,
  type RelationshipTarget,
} from "./relationship.js";
export { UnloadedAttributeError, describeInstance } from "./attributes.js";
export { InstrumentedList, type Collection } from "./collections.js";
export {
  ColumnLoadOption,
  LoaderOption,
  containsEager,
  defer,
  joinedload,
  loadOnly,
  undefer,
  noload,
  raiseload,
  selectinload,
  subqueryload,
  type LoaderStrategy,
  type ColumnKey,
  type RelationshipKey,
} from "./loading.js";
export { type IdentityKey, type InstanceStatus } from "./state.js";
export { OrmSelect, delete_, insert, select, update, type JoinTarget, type LoadOptions, type OrmItem, type OrmRow } from "./query.js";
export {
  OrmResult,
  Session,
  inspect,
  inspectInstance,
  sessionmaker,
  type ExecuteOptions,
  type InstanceInspection,
  type PrimaryKeyIdentity,
  type SessionFactory,
  type SessionOptions,
  type SessionTransaction,
  type SynchronizeSession,
} from "./session.js";
