import { createCore } from "./athanor.js";
export const create = () => createCore("sqlite", "better-sqlite3");
