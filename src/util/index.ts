export { redactSecrets } from "./redact.js";
export { deferred, type Deferred } from "./deferred.js";
export { LRUCache } from "./lru.js";
export { topologicalSort, cycles, type Edge, type TopologicalOrder } from "./topological-sort.js";
export { utcTimestampText, describeUnwritableDate } from "./datetime.js";
export { groupBy } from "./collections.js";
