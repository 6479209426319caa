/**
 * The example service (examples/service) started on an ephemeral port and
 * called over HTTP: on PGlite with its in-process job runner, and on
 * PostgreSQL with the rating job on BullMQ when Redis is available.
 */
import { describe, expect, it } from "vitest";
import { createService, type ServiceOptions } from "../../examples/service/service.js";
import { POSTGRES_ENV, redisBackend, uniqueName } from "../support/backends.js";
import { eventually } from "./support.js";

async function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function exercise(options: ServiceOptions): Promise<void> {
  const service = await createService(options);
  try {
    const base = await service.listen(0);
    const name = uniqueName("Ursula");
    const author = await call(base, "POST", "/authors", { name });
    expect(author.status).toBe(201);
    const book = await call(base, "POST", `/authors/${author.json.id}/books`, { title: "A Wizard of Earthsea" });
    expect(book.status).toBe(201);
    expect(book.json).toMatchObject({ title: "A Wizard of Earthsea", reviewCount: 0, rating: null });

    const reviews = await Promise.all([5, 3].map((stars) => call(base, "POST", `/books/${book.json.id}/reviews`, { stars, body: `${stars} stars` })));
    expect(reviews.map((r) => r.status)).toEqual([202, 202]);
    await service.idle(); // the rating job ran (in process, or on BullMQ)

    const detail = await call(base, "GET", `/books/${book.json.id}`);
    expect(detail.json).toMatchObject({ reviewCount: 2, rating: 4, author: { name } });
    expect(detail.json.reviews).toHaveLength(2);
    const withBooks = await call(base, "GET", `/authors/${author.json.id}`);
    expect(withBooks.json.books).toEqual([expect.objectContaining({ title: "A Wizard of Earthsea", reviewCount: 2 })]);
    const list = await fetch(`${base}/books`).then((r) => r.json() as Promise<{ id: unknown }[]>);
    expect(list.map((b) => b.id)).toContain(book.json.id);

    expect((await call(base, "POST", `/books/${book.json.id}/reviews`, { stars: 9, body: "!" })).status).toBe(400);
    expect((await call(base, "GET", "/books/987654")).status).toBe(404);
    const duplicate = await call(base, "POST", "/authors", { name }); // unique name: the failed request rolled back
    expect(duplicate.status).toBe(409);
    expect(JSON.stringify(duplicate.json)).not.toContain("INSERT"); // no SQL sent to the client
    expect((await call(base, "GET", `/authors/${author.json.id}`)).status).toBe(200);
    // Each request's Session is removed once its response is sent, so just after the last one arrived.
    await eventually(() => service.engine.pool.stats().checkedOut === 0, "every request's connection is back");
  } finally {
    await service.close();
  }
}

describe("examples/service", () => {
  it("serves authors, books and reviews on PGlite, with the rating job in process", async () => {
    await exercise({});
  });

  const redis = redisBackend();
  const pgUrl = process.env[POSTGRES_ENV];
  const serverReason = redis.skipReason ?? (pgUrl === undefined ? `set ${POSTGRES_ENV} to run it` : undefined);
  it.skipIf(serverReason !== undefined)(`on PostgreSQL with the rating job on BullMQ${serverReason === undefined ? "" : ` (skipped: ${serverReason})`}`, async () => {
    await exercise({ databaseUrl: pgUrl, redisUrl: redis.url, queueName: uniqueName("ratings") });
  });
});
