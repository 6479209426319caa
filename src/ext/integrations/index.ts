/**
 * Framework and job-queue integrations of scoped sessions. None imports its
 * framework: each accepts the framework's objects structurally.
 *
 * @module
 */
export { expressScopedSession, type ExpressScopeMiddleware } from "./express.js";
export { fastifyScopedSession, type FastifyHookLike, type FastifyLike, type FastifyScopePlugin } from "./fastify.js";
export { honoScopedSession, type HonoScopeMiddleware } from "./hono.js";
export { scopedJob } from "./jobs.js";
export { type NodeResponseLike, type WebScopeOptions } from "./node-response.js";
