/**
 * Extensions on top of the ORM: automap (classes for an existing database),
 * scoped sessions with transaction propagation, and their web and job integrations.
 *
 * @module
 */
export {
  automap,
  automapMetaData,
  classNameForTable,
  nameForCollectionRelationship,
  nameForScalarRelationship,
  type AutomapClass,
  type AutomapInstance,
  type AutomapNaming,
  type AutomapOptions,
  type AutomapReflectOptions,
  type AutomapResult,
  type RelationshipNaming,
} from "./automap.js";
export {
  Propagation,
  scopedSession,
  transactional,
  type OutsideScope,
  type ScopeHandle,
  type ScopedSession,
  type ScopedSessionMethods,
  type ScopedSessionOptions,
  type ScopedSessionProperties,
  type TransactionalOptions,
} from "./scoping.js";
export {
  expressScopedSession,
  fastifyScopedSession,
  honoScopedSession,
  scopedJob,
  type ExpressScopeMiddleware,
  type FastifyHookLike,
  type FastifyLike,
  type FastifyScopePlugin,
  type HonoScopeMiddleware,
  type NodeResponseLike,
  type WebScopeOptions,
} from "./integrations/index.js";
