/**
 * `athanor codegen --models`: declarative classes with the relationships the
 * foreign keys imply, for Chinook on SQLite and PGlite. The module passes
 * `tsc --strict`, and its classes work in the Session (eager loading,
 * back-population, inserts through relationships).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { createEngine, type Engine } from "athanor";
import { select, selectinload, sessionmaker, joinedload } from "athanor/orm";
import { chinookSQLiteScript } from "../support/datasets.js";
import { run, typecheck } from "./helpers.js";


describe("codegen --models on Chinook (SQLite)", () => {
  const work = mkdtempSync(path.join(tmpdir(), "athanor-models-"));
  const dbFile = path.join(work, "chinook.db");
  const moduleFile = path.join(work, "chinook-models.ts");
  let engine: Engine;
  let text = "";

  beforeAll(async () => {
    const db = new Database(dbFile);
    db.exec(chinookSQLiteScript());
    db.close();
    const result = await run(["codegen", "--url", `sqlite:///${dbFile}`, "--models", "--out", moduleFile]);
    expect(result.code).toBe(0);
    const { readFileSync } = await import("node:fs");
    text = readFileSync(moduleFile, "utf8");
    engine = createEngine(`sqlite:///${dbFile}`);
  }, 60_000);
  afterAll(() => engine?.dispose());

  it("writes a class per table with typed relationship attributes", () => {
    expect(text).toContain('import { declarativeBase, relationship } from "athanor/orm";');
    expect(text).toContain("export class Album extends Base.mapTable(album) {");
    expect(text).toContain("  declare artist: Artist | null;");
    expect(text).toContain("  declare trackCollection: Track[];");
    expect(text).toContain("playlistCollection: relationship(() => Playlist, { backPopulates: \"trackCollection\", secondary: playlistTrack");
    expect(text).toContain("remoteSide: [employee.c.EmployeeId]");
    expect(text).not.toContain("class PlaylistTrack");
  });

  it("passes tsc --strict", async () => {
    const output = await typecheck(work, [moduleFile]);
    expect(output).toBe("");
  }, 120_000);

  it("gives classes that load and write through the Session", async () => {
    const models = (await import(pathToFileURL(moduleFile).href)) as Record<string, never>;
    const { Album, Artist, Track, Playlist } = models as unknown as Record<string, new (values?: Record<string, unknown>) => Record<string, unknown>>;
    const Session = sessionmaker(engine);
    await using session = Session();
    const albums = (
      await session.scalars(select(Album as never).options(selectinload(Album as never, "trackCollection"), joinedload(Album as never, "artist")))
    ).all() as Record<string, unknown>[];
    expect(albums).toHaveLength(347);
    const tracks = albums.reduce((n, a) => n + (a.trackCollection as unknown[]).length, 0);
    expect(tracks).toBe(3503);
    const playlist = (await session.scalars(select(Playlist as never).options(selectinload(Playlist as never, "trackCollection")))).first() as unknown as Record<string, unknown>;
    expect((playlist.trackCollection as Record<string, unknown>[]).every((t) => t instanceof (Track as never))).toBe(true);
    const nina = new (Artist as new (v: Record<string, unknown>) => Record<string, unknown>)({ Name: "Nina Simone" });
    const record = new (Album as new (v: Record<string, unknown>) => Record<string, unknown>)({ Title: "Pastel Blues" });
    record.artist = nina;
    expect(nina.albumCollection).toEqual([record]);
    session.add(record);
    await session.commit();
    expect(record.ArtistId).toBe(nina.ArtistId);
  });
});
