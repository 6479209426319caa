import { NoSuchModuleError } from "../errors/index.js";
import type { DialectModule, DriverAdapter } from "./interfaces.js";

type DialectLoader = () => Promise<DialectModule>;

const loaders = new Map<string, DialectLoader>();

/**
 * Registers a dialect under a URL scheme name, loaded on first use. Third-party
 * dialects call this; the built-in ones are registered by the package entry.
 */
export function registerDialect(name: string, loader: DialectLoader): void {
  loaders.set(name.toLowerCase(), loader);
}

/** The names of the registered dialects. */
export function registeredDialects(): string[] {
  return [...loaders.keys()].sort();
}

/** Loads a dialect module and one of its drivers; unknown names list the known ones. */
export async function loadDialect(
  dialectName: string,
  driverName: string | undefined,
): Promise<{ module: DialectModule; driver: DriverAdapter }> {
  const loader = loaders.get(dialectName);
  if (loader === undefined) {
    throw new NoSuchModuleError(
      `Unknown dialect "${dialectName}". Known dialects: ${registeredDialects().join(", ") || "(none registered)"}.`,
    );
  }
  const module = await loader();
  const name = driverName ?? module.defaultDriver;
  const loadDriver = module.drivers[name];
  if (loadDriver === undefined) {
    throw new NoSuchModuleError(
      `Unknown driver "${name}" for dialect "${dialectName}". Known drivers: ${Object.keys(module.drivers).sort().join(", ")}.`,
    );
  }
  return { module, driver: await loadDriver() };
}

/**
 * Imports a driver package on demand. A missing package raises an error that
 * names the npm package to install.
 */
export async function importDriver<T>(packageName: string, importer: () => Promise<T>): Promise<T> {
  try {
    return await importer();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw new NoSuchModuleError(
        `The driver package "${packageName}" is not installed. Install it with: npm install ${packageName}`,
        { cause: error },
      );
    }
    throw error;
  }
}
