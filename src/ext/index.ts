/**
 * Extensions on top of the ORM: automap (classes for an existing database).
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
