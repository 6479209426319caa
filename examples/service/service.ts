/**
 * The example service: a small REST API over authors, books and reviews,
 * built with Fastify and a scoped session (one Session per request, removed
 * when the response is sent), plus a rating job that recomputes a book's
 * rating after each review, run by a BullMQ worker when a Redis URL is given
 * and in process otherwise. `main.ts` starts it; the tests start it on an
 * ephemeral port.
 */
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { IntegrityError, createEngine, type Engine } from "athanor";
import { select, selectinload, sessionmaker } from "athanor/orm";
import { fastifyScopedSession, scopedJob, scopedSession, type ScopedSession } from "athanor/ext";
import { Author, Base, Book, Review } from "./models.js";

/** Where the service keeps its data and runs its jobs. */
export interface ServiceOptions {
  /** A database URL; default PGlite in memory (`postgresql+pglite://`). */
  readonly databaseUrl?: string;
  /** A Redis URL (`redis://127.0.0.1:6379`) to run the rating job on BullMQ; without it the job runs in process. */
  readonly redisUrl?: string;
  /** The BullMQ queue name (default `"ratings"`). */
  readonly queueName?: string;
}

/** A running service: its Fastify app, engine and scoped session, and a way to stop it all. */
export interface Service {
  readonly app: FastifyInstance;
  readonly engine: Engine;
  readonly Scoped: ScopedSession;
  /** Resolves when every rating job enqueued so far has run (for tests and shutdown). */
  idle(): Promise<void>;
  /** Starts listening; resolves to the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops the HTTP server, the worker and the queue, and disposes of the engine. */
  close(): Promise<void>;
}

interface RatingJob {
  readonly bookId: number;
}

type Json = Record<string, unknown>;

const authorJson = (a: Author): Json => ({ id: a.id, name: a.name, bio: a.bio, createdAt: a.createdAt });
const reviewJson = (r: Review): Json => ({ id: r.id, stars: r.stars, body: r.body, createdAt: r.createdAt });
const bookJson = (b: Book, related: { author?: boolean; reviews?: boolean } = {}): Json => ({
  id: b.id,
  title: b.title,
  authorId: b.authorId,
  reviewCount: b.reviewCount,
  rating: b.rating,
  ...(related.author === true && b.author !== null ? { author: authorJson(b.author) } : {}),
  ...(related.reviews === true ? { reviews: b.reviews.map(reviewJson) } : {}),
});

function badRequest(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(400).send({ error: message });
}

function notFound(reply: FastifyReply, what: string): FastifyReply {
  return reply.code(404).send({ error: `${what} not found` });
}

/** Builds the service (tables created if missing) without listening yet. */
export async function createService(options: ServiceOptions = {}): Promise<Service> {
  const engine = createEngine(options.databaseUrl ?? "postgresql+pglite://", { poolSize: 5 });
  await Base.metadata.createAll(engine, { checkFirst: true });
  const Scoped = scopedSession(sessionmaker(engine));

  // The job: reads the committed reviews of one book and stores their count and average.
  const recomputeRating = scopedJob(Scoped, async ({ bookId }: RatingJob): Promise<void> => {
    const book = await Scoped.get(Book, bookId);
    if (book === null) return;
    const reviews = (await Scoped.scalars(select(Review).where(Review.c.bookId.eq(bookId)))).all();
    book.reviewCount = reviews.length;
    book.rating = reviews.length === 0 ? null : reviews.reduce((sum, r) => sum + r.stars, 0) / reviews.length;
    await Scoped.commit();
  });

  const { enqueue, idle, stopJobs } = options.redisUrl === undefined ? inProcessJobs(recomputeRating) : bullmqJobs(options, recomputeRating);

  const app = Fastify({ forceCloseConnections: true });
  await app.register(fastifyScopedSession(Scoped));
  // Database errors carry their SQL and parameters: log them, never send them to the client.
  app.setErrorHandler((error, req, reply) => {
    if (error instanceof IntegrityError) return reply.code(409).send({ error: "conflict", constraint: error.constraint ?? null });
    req.log.error(error);
    const status = (error as { statusCode?: number }).statusCode; // Fastify's own errors (a bad JSON body) say what they are
    return reply.code(status ?? 500).send({ error: status === undefined ? "internal error" : (error as Error).message });
  });

  app.post<{ Body: { name?: unknown; bio?: unknown } }>("/authors", async (req, reply) => {
    const { name, bio } = req.body ?? {};
    if (typeof name !== "string" || name === "") return badRequest(reply, "name is required");
    const author = new Author({ name, bio: typeof bio === "string" ? bio : null });
    Scoped.add(author);
    await Scoped.commit();
    return reply.code(201).send(authorJson(author));
  });

  app.get<{ Params: { id: string } }>("/authors/:id", async (req, reply) => {
    const author = await Scoped.scalar(select(Author).where(Author.c.id.eq(Number(req.params.id))).options(selectinload(Author, "books")));
    if (author === null) return notFound(reply, "author");
    return { ...authorJson(author), books: author.books.map((b) => bookJson(b)) };
  });

  app.post<{ Params: { id: string }; Body: { title?: unknown } }>("/authors/:id/books", async (req, reply) => {
    const { title } = req.body ?? {};
    if (typeof title !== "string" || title === "") return badRequest(reply, "title is required");
    const author = await Scoped.get(Author, Number(req.params.id));
    if (author === null) return notFound(reply, "author");
    const book = new Book({ title, rating: null });
    book.author = author;
    Scoped.add(book);
    await Scoped.commit();
    return reply.code(201).send(bookJson(book));
  });

  app.get("/books", async () => {
    const books = await Scoped.scalars(select(Book).orderBy(Book.c.id).options(selectinload(Book, "author"), selectinload(Book, "reviews")));
    return books.all().map((b) => bookJson(b, { author: true, reviews: true }));
  });

  app.get<{ Params: { id: string } }>("/books/:id", async (req, reply) => {
    const query = select(Book).where(Book.c.id.eq(Number(req.params.id))).options(selectinload(Book, "author"), selectinload(Book, "reviews"));
    const book = await Scoped.scalar(query);
    if (book === null) return notFound(reply, "book");
    return bookJson(book, { author: true, reviews: true });
  });

  app.post<{ Params: { id: string }; Body: { stars?: unknown; body?: unknown } }>("/books/:id/reviews", async (req, reply) => {
    const { stars, body } = req.body ?? {};
    if (typeof stars !== "number" || !Number.isInteger(stars) || stars < 1 || stars > 5) return badRequest(reply, "stars must be an integer from 1 to 5");
    if (typeof body !== "string") return badRequest(reply, "body is required");
    const book = await Scoped.get(Book, Number(req.params.id));
    if (book === null) return notFound(reply, "book");
    const review = new Review({ stars, body });
    review.book = book;
    Scoped.add(review);
    await Scoped.commit();
    await enqueue({ bookId: book.id }); // after the commit: the job must see the review
    return reply.code(202).send(reviewJson(review));
  });

  return {
    app,
    engine,
    Scoped,
    idle,
    async listen(port = 0, host = "127.0.0.1") {
      await app.listen({ port, host });
      const address = app.server.address();
      return `http://${host}:${typeof address === "object" && address !== null ? address.port : port}`;
    },
    async close() {
      await app.close();
      await stopJobs();
      await engine.dispose();
    },
  };
}

interface Jobs {
  enqueue(job: RatingJob): Promise<void>;
  idle(): Promise<void>;
  stopJobs(): Promise<void>;
}

/** Without Redis: jobs run one after the other in this process, each in its own scope. */
function inProcessJobs(run: (job: RatingJob) => Promise<void>): Jobs {
  let chain: Promise<void> = Promise.resolve();
  return {
    async enqueue(job) {
      chain = chain.then(() => run(job)).catch((error: unknown) => console.error("rating job failed:", error));
    },
    idle: () => chain,
    stopJobs: () => chain,
  };
}

/** With Redis: a BullMQ queue and a worker in this process (one job at a time, so ratings never race). */
function bullmqJobs(options: ServiceOptions, run: (job: RatingJob) => Promise<void>): Jobs {
  const clients: Redis[] = [];
  const connection = () => {
    const client = new Redis(options.redisUrl as string, { maxRetriesPerRequest: null });
    clients.push(client);
    return client;
  };
  const name = options.queueName ?? "ratings";
  const queue = new Queue<RatingJob>(name, { connection: connection(), defaultJobOptions: { removeOnComplete: true, removeOnFail: 100 } });
  const worker = new Worker<RatingJob>(name, (job) => run(job.data), { connection: connection(), concurrency: 1 });
  worker.on("failed", (job, error) => console.error(`rating job ${job?.id ?? "?"} failed:`, error.message));
  return {
    async enqueue(job) {
      await queue.add("recompute-rating", job);
    },
    async idle() {
      for (;;) {
        const counts = await queue.getJobCounts("waiting", "active", "delayed", "prioritized");
        if (Object.values(counts).every((n) => n === 0)) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stopJobs() {
      await worker.close();
      await queue.close();
      await Promise.all(clients.map((client) => client.quit()));
    },
  };
}
