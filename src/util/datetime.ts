function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/**
 * A Date as `YYYY-MM-DD HH:MM:SS.fff` in UTC, or `undefined` when it is invalid
 * or outside the years 0000 to 9999 (which SQL timestamps written this way hold).
 */
export function utcTimestampText(date: Date): string | undefined {
  const time = date.getTime();
  const year = date.getUTCFullYear();
  if (Number.isNaN(time) || year < 0 || year > 9999) return undefined;
  const ms = date.getUTCMilliseconds();
  return (
    `${String(year).padStart(4, "0")}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())} ` +
    `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}.` +
    `${ms < 10 ? "00" : ms < 100 ? "0" : ""}${ms}`
  );
}

/** Why a Date has no timestamp text, for error messages. */
export function describeUnwritableDate(date: Date): string {
  return Number.isNaN(date.getTime()) ? "an invalid Date" : `a Date in year ${date.getUTCFullYear()}`;
}
