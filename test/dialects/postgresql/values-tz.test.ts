/**
 * The value table again with the process in America/Los_Angeles (UTC-8/-7,
 * with a DST gap on 2024-03-10 02:00-03:00). Node applies a TZ assigned at run
 * time to every later Date operation; vitest runs each test file in its own
 * worker process, and the previous value is restored after the file anyway.
 * (Running the whole folder with `TZ=America/Los_Angeles npx vitest run ...`
 * works as well.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { valueTests } from "./value-cases.js";
import { describeEachDriver } from "./support.js";

const previousTz = process.env.TZ;
process.env.TZ = "America/Los_Angeles";

afterAll(() => {
  // In case the worker process is reused for another file.
  if (previousTz === undefined) delete process.env.TZ;
  else process.env.TZ = previousTz;
});

describe("process time zone", () => {
  beforeAll(() => {
    process.env.TZ = "America/Los_Angeles";
  });
  it("is America/Los_Angeles in this file", () => {
    expect(new Date(Date.UTC(2024, 0, 1)).getTimezoneOffset()).toBe(480);
    expect(new Date(Date.UTC(2024, 6, 1)).getTimezoneOffset()).toBe(420);
  });
});

describeEachDriver("postgresql values (TZ=America/Los_Angeles)", valueTests);
