/** The LRU map behind the statement cache: capacity, eviction order, and repeated reads of the newest key. */
import { describe, expect, it } from "vitest";
import { LRUCache } from "../../../src/util/lru.js";

describe("LRUCache", () => {
  it("drops the least recently used entry past its capacity; a read makes an entry recent", () => {
    const cache = new LRUCache<string, number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.get("a")).toBe(1);
    cache.set("c", 3);
    expect([cache.get("a"), cache.get("b"), cache.get("c")]).toEqual([1, undefined, 3]);
  });

  it("repeated reads of one key keep it recent, and order still follows the reads that moved it", () => {
    const cache = new LRUCache<string, number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    cache.get("b");
    cache.get("b");
    cache.get("a");
    cache.get("a");
    cache.set("c", 3);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe(1);
    cache.set("d", 4);
    expect(cache.get("c")).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it("after clear() nothing is kept and a capacity of 0 keeps nothing", () => {
    const cache = new LRUCache<string, number>(2);
    cache.set("a", 1);
    cache.clear();
    expect(cache.get("a")).toBeUndefined();
    const none = new LRUCache<string, number>(0);
    none.set("a", 1);
    expect(none.get("a")).toBeUndefined();
  });
});

describe("LRUCache under alternating reads", () => {
  it("evicts the entry read longest ago, whatever the insertion order", () => {
    const cache = new LRUCache<string, number>(3);
    cache.set("begin", 1);
    cache.set("select", 2);
    cache.set("rollback", 3);
    for (let i = 0; i < 3; i++) {
      cache.get("begin");
      cache.get("rollback");
    }
    cache.set("update", 4);
    expect(cache.get("select")).toBeUndefined();
    expect([cache.get("begin"), cache.get("rollback"), cache.get("update")]).toEqual([1, 3, 4]);
    cache.set("begin", 10);
    cache.set("insert", 5);
    expect(cache.get("rollback")).toBeUndefined();
    expect([cache.get("begin"), cache.get("update"), cache.get("insert"), cache.size]).toEqual([10, 4, 5, 3]);
  });
});
