import { createOrm } from "./athanor.js";
export const create = () => createOrm("pg", "postgres");
