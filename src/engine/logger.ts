/**
 * Where `echo` output goes. Any object with `info` and `debug` works: pass
 * `console`, a pino or winston logger, or your own.
 */
export interface Logger {
  info(message: string): void;
  debug(message: string): void;
}

/** The default logger: one line per message on standard output, prefixed `[athanor]`. */
export const stdoutLogger: Logger = {
  info(message) {
    process.stdout.write(`[athanor] ${message}\n`);
  },
  debug(message) {
    process.stdout.write(`[athanor] ${message}\n`);
  },
};

/** `echo` levels: `false` logs nothing, `true` logs SQL and parameters, `"debug"` also logs the rows. */
export type EchoLevel = boolean | "debug";
