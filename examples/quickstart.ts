/**
 * Quickstart: an engine on PGlite (PostgreSQL in-process, in memory), a table,
 * inserts in a transaction, a query, a savepoint and a streamed result.
 *
 *   npm run quickstart                       # PGlite in memory
 *   npm run quickstart -- sqlite:///demo.db  # or any database URL
 */
import { Integer, createEngine, text } from "athanor";

const url = process.argv[2] || process.env.DATABASE_URL || "postgresql+pglite://";
const engine = createEngine(url, { echo: true });
console.log(`Engine: ${engine}`);

// engine.begin(fn) commits when the function resolves and rolls back if it throws.
await engine.begin(async (conn) => {
  await conn.execute(text("create table if not exists greeting (id integer primary key, lang varchar(8) not null, message text not null)"));
  await conn.execute(text("delete from greeting"));
  // A list of parameter sets runs the statement as a batch (executemany).
  await conn.execute(text("insert into greeting (id, lang, message) values (:id, :lang, :message)"), [
    { id: 1, lang: "en", message: "Hello" },
    { id: 2, lang: "fr", message: "Bonjour" },
    { id: 3, lang: "de", message: "Hallo" },
  ]);
});

await engine.connect(async (conn) => {
  // Rows are typed from the declared columns, and readable by name or position.
  const rows = (await conn.execute(text("select id, lang, message from greeting where id >= :min order by id"), { min: 2 })).all();
  for (const row of rows) console.log(`row ${row.id}: [${row.lang}] ${row.message}`);

  // A savepoint keeps the outer transaction when an expected failure happens inside.
  const failed = await conn
    .beginNested(() => conn.execute(text("insert into greeting (id, lang, message) values (1, 'xx', 'duplicate')")))
    .catch((error: Error) => error.name);
  console.log(`duplicate insert inside a savepoint failed with ${String(failed)}; the outer transaction goes on`);
  await conn.execute(text("insert into greeting (id, lang, message) values (4, 'es', 'Hola')"));
  await conn.commit();

  // Large results stream through a server-side cursor where the driver has one.
  const count = (await conn.execute(text("select count(*) as n from greeting").columns({ n: new Integer() }))).scalarOne();
  const streamed: string[] = [];
  for await (const row of await conn.stream(text("select message from greeting order by id"))) streamed.push(String(row.message));
  console.log(`${count} greetings: ${streamed.join(", ")}`);
});

console.log(`Pool: ${engine.pool.status()}`);
await engine.dispose();
console.log("Done: the engine is disposed.");
