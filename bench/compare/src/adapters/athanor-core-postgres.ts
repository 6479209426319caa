import { createCore } from "./athanor.js";
export const create = () => createCore("pg", "postgres");
