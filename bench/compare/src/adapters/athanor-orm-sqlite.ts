import { createOrm } from "./athanor.js";
export const create = () => createOrm("sqlite", "better-sqlite3");
