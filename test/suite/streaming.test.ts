import { expect, it } from "vitest";
import { InvalidRequestError, text } from "../../src/index.js";
import { ddl, describeEachBackend } from "../support/suite.js";

describeEachBackend("streaming results", (ctx) => {
  it("streams rows in batches with for await, and the connection is free again afterwards", async () => {
    await using conn = await ctx.engine.connect();
    const result = await conn.stream(text(ddl.series(ctx.backend.dialect, 25_000)), undefined, { batchSize: 1000 });
    let total = 0;
    let sum = 0;
    for await (const row of result) {
      total += 1;
      sum += Number(row.n);
    }
    expect(total).toBe(25_000);
    expect(sum).toBe((25_000 * 25_001) / 2);
    expect(result.closed).toBe(true);
    expect(Number((await conn.execute(text("select 1 as one"))).scalar())).toBe(1);
  });

  it("partitions(n) yields lists of n rows", async () => {
    await using conn = await ctx.engine.connect();
    const result = await conn.stream(text(ddl.series(ctx.backend.dialect, 2500)), undefined, { batchSize: 1000 });
    const sizes: number[] = [];
    for await (const part of result.partitions(1000)) sizes.push(part.length);
    expect(sizes).toEqual([1000, 1000, 500]);
  });

  it("refuses other statements while a stream is open, and close() frees the connection early", async () => {
    await using conn = await ctx.engine.connect();
    const result = await conn.stream(text(ddl.series(ctx.backend.dialect, 50_000)), undefined, { batchSize: 500 });
    const iterator = result[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(Number((first.value as { n: unknown }).n)).toBe(1);
    await expect(conn.execute(text("select 2"))).rejects.toThrow(InvalidRequestError);
    await result.close();
    expect(Number((await conn.execute(text("select 2 as two"))).scalar())).toBe(2);
  });

  it("break in for await closes the cursor and frees the connection; scalars() streams one column", async () => {
    await using conn = await ctx.engine.connect();
    const result = await conn.stream(text(ddl.series(ctx.backend.dialect, 10_000)), undefined, { batchSize: 100 });
    let seen = 0;
    for await (const row of result) {
      seen += 1;
      if (Number(row.n) === 250) break; // in the third batch
    }
    expect(seen).toBe(250);
    expect(result.closed).toBe(true);
    expect(Number((await conn.execute(text("select 3 as three"))).scalar())).toBe(3);
    const column = await conn.stream(text(ddl.series(ctx.backend.dialect, 300)), undefined, { batchSize: 128 });
    let sum = 0;
    for await (const n of column.scalars()) sum += Number(n);
    expect(sum).toBe((300 * 301) / 2);
    expect(column.closed).toBe(true);
  });

  it("first() reads one row and closes the cursor", async () => {
    await using conn = await ctx.engine.connect();
    const result = await conn.stream(text(ddl.series(ctx.backend.dialect, 10_000)));
    expect(Number((await result.first())?.n)).toBe(1);
    expect(result.closed).toBe(true);
  });

  it("keeps memory flat over a million rows", async () => {
    if (!ctx.engine.dialect.capabilities.serverSideCursors) return; // PGlite buffers in-process
    await using conn = await ctx.engine.connect();
    const rows = 1_000_000;
    global.gc?.();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    let count = 0;
    const result = await conn.stream(text(ddl.series(ctx.backend.dialect, rows)), undefined, { batchSize: 2000 });
    for await (const batch of result.partitions()) {
      count += batch.length;
      if (count % 100_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    expect(count).toBe(rows);
    // A million buffered rows would take well over 100 MB of heap.
    expect(peak - baseline).toBeLessThan(64 * 1024 * 1024);
  }, 120_000);
});
