export { redactSecrets } from "./redact.js";
export { deferred, type Deferred } from "./deferred.js";
export { LRUCache } from "./lru.js";
