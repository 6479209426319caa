/**
 * Where `echo` output and warnings go. Any object with `info` and `debug`
 * works: pass `console`, a pino or winston logger, or your own. `warn`, when
 * present, receives warnings (a column type reflection cannot map, ...);
 * without it they go to standard error.
 */
export interface Logger {
  info(message: string): void;
  debug(message: string): void;
  warn?(message: string): void;
}

/** The default logger: one line per message, prefixed `[athanor]`; `echo` output on standard output, warnings on standard error. */
export const stdoutLogger: Logger = {
  info(message) {
    process.stdout.write(`[athanor] ${message}\n`);
  },
  debug(message) {
    process.stdout.write(`[athanor] ${message}\n`);
  },
  warn(message) {
    process.stderr.write(`[athanor] warning: ${message}\n`);
  },
};

/** Sends a warning to `logger.warn`, or to standard error when the logger has none. */
export function logWarning(logger: Logger, message: string): void {
  if (typeof logger.warn === "function") logger.warn(message);
  else process.stderr.write(`[athanor] warning: ${message}\n`);
}

/** `echo` levels: `false` logs nothing, `true` logs SQL and parameters, `"debug"` also logs the rows. */
export type EchoLevel = boolean | "debug";
