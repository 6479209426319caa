import type { CompiledSQL } from "./compiler.js";

/** The positional parameters of a compiled statement from the values bound when it was built (`undefined` for those given at execution). */
export function boundParams(compiled: CompiledSQL): unknown[] {
  const byPosition = compiled.boundByPosition;
  return compiled.bindNames.map((name, i) => {
    const value = byPosition?.[i];
    // Own properties only: a parameter named `toString` was given no value.
    return value !== undefined ? value : Object.hasOwn(compiled.boundValues, name) ? compiled.boundValues[name] : undefined;
  });
}
