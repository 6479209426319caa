/**
 * Dependency ordering: a stable topological sort and strongly connected
 * components (the cycles), for sorting tables by foreign key and similar work.
 *
 * @module
 */

/** An edge `[before, after]`: `before` must come first. */
export type Edge<T> = readonly [T, T];

/** The result of {@link topologicalSort}. */
export interface TopologicalOrder<T> {
  /** The nodes in dependency order; among independent nodes, the input order is kept. */
  readonly sorted: T[];
  /** Nodes left out because they sit on or after a cycle, in input order; empty when there is none. */
  readonly cyclic: T[];
}

/**
 * Sorts `nodes` so that for every edge `[a, b]` a comes before b (Kahn's
 * algorithm, always taking the earliest ready node in input order, so the
 * result is deterministic). Self edges and edges to unknown nodes are ignored.
 */
export function topologicalSort<T>(nodes: readonly T[], edges: readonly Edge<T>[]): TopologicalOrder<T> {
  const position = new Map<T, number>(nodes.map((n, i) => [n, i]));
  const pending = new Array<number>(nodes.length).fill(0);
  const next: number[][] = nodes.map(() => []);
  for (const [before, after] of edges) {
    const a = position.get(before);
    const b = position.get(after);
    if (a === undefined || b === undefined || a === b) continue;
    (next[a] as number[]).push(b);
    pending[b] = (pending[b] as number) + 1;
  }
  // The ready set is small in practice; a sorted array keeps the order stable.
  const ready: number[] = [];
  pending.forEach((count, i) => count === 0 && ready.push(i));
  const sorted: T[] = [];
  while (ready.length > 0) {
    const i = ready.shift() as number;
    sorted.push(nodes[i] as T);
    for (const j of next[i] as number[]) {
      pending[j] = (pending[j] as number) - 1;
      if (pending[j] === 0) insertSorted(ready, j);
    }
  }
  const cyclic = nodes.filter((_n, i) => (pending[i] as number) > 0);
  return { sorted, cyclic };
}

function insertSorted(list: number[], value: number): void {
  let i = list.length;
  while (i > 0 && (list[i - 1] as number) > value) i--;
  list.splice(i, 0, value);
}

/**
 * The strongly connected components of the graph with more than one node
 * (each one holds at least one cycle), by Tarjan's algorithm. Self edges do not
 * count. Nodes inside each component keep their input order.
 */
export function cycles<T>(nodes: readonly T[], edges: readonly Edge<T>[]): T[][] {
  const position = new Map<T, number>(nodes.map((n, i) => [n, i]));
  const next: number[][] = nodes.map(() => []);
  for (const [before, after] of edges) {
    const a = position.get(before);
    const b = position.get(after);
    if (a !== undefined && b !== undefined && a !== b) (next[a] as number[]).push(b);
  }
  const index = new Array<number>(nodes.length).fill(-1);
  const low = new Array<number>(nodes.length).fill(0);
  const onStack = new Array<boolean>(nodes.length).fill(false);
  const stack: number[] = [];
  const components: T[][] = [];
  let counter = 0;
  const visit = (v: number): void => {
    index[v] = low[v] = counter++;
    stack.push(v);
    onStack[v] = true;
    for (const w of next[v] as number[]) {
      if (index[w] === -1) {
        visit(w);
        low[v] = Math.min(low[v] as number, low[w] as number);
      } else if (onStack[w]) {
        low[v] = Math.min(low[v] as number, index[w] as number);
      }
    }
    if (low[v] === index[v]) {
      const members: number[] = [];
      let w: number;
      do {
        w = stack.pop() as number;
        onStack[w] = false;
        members.push(w);
      } while (w !== v);
      if (members.length > 1) components.push(members.sort((x, y) => x - y).map((m) => nodes[m] as T));
    }
  };
  for (let v = 0; v < nodes.length; v++) if (index[v] === -1) visit(v);
  return components;
}
