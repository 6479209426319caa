/** The value table on every PostgreSQL driver, in the process's own time zone. */
import { valueTests } from "./value-cases.js";
import { describeEachDriver } from "./support.js";

describeEachDriver("postgresql values", valueTests);
