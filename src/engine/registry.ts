import { NoSuchModuleError } from "../errors/index.js";
import type { DialectModule, DriverAdapter } from "./interfaces.js";

/** How a dialect is registered: its driver names, known without loading it, and its loader. */
export interface DialectRegistration {
  readonly drivers: readonly string[];
  readonly defaultDriver: string;
  readonly load: () => Promise<DialectModule>;
}

const registrations = new Map<string, DialectRegistration>();

/**
 * Registers a dialect under a URL scheme name, loaded on first use. Third-party
 * dialects call this; the built-in ones are registered by the package entry.
 */
export function registerDialect(name: string, registration: DialectRegistration): void {
  registrations.set(name.toLowerCase(), registration);
}

/** The names of the registered dialects. */
export function registeredDialects(): string[] {
  return [...registrations.keys()].sort();
}

/**
 * Checks that a dialect and driver are registered, without loading anything;
 * returns the driver name (the default when none was given).
 */
export function resolveDriverName(dialectName: string, driverName: string | undefined): string {
  const registration = registrations.get(dialectName);
  if (registration === undefined) {
    throw new NoSuchModuleError(
      `Unknown dialect "${dialectName}". Known dialects: ${registeredDialects().join(", ") || "(none registered)"}.`,
    );
  }
  const name = driverName ?? registration.defaultDriver;
  if (!registration.drivers.includes(name)) {
    throw new NoSuchModuleError(
      `Unknown driver "${name}" for dialect "${dialectName}". Known drivers: ${[...registration.drivers].sort().join(", ")}.`,
    );
  }
  return name;
}

/** Loads a dialect module and one of its drivers (which imports the driver package). */
export async function loadDialect(
  dialectName: string,
  driverName: string | undefined,
): Promise<{ module: DialectModule; driver: DriverAdapter }> {
  const name = resolveDriverName(dialectName, driverName);
  const module = await (registrations.get(dialectName) as DialectRegistration).load();
  const loadDriver = module.drivers[name];
  if (loadDriver === undefined) {
    throw new NoSuchModuleError(`The dialect module "${dialectName}" does not provide the driver "${name}".`);
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
