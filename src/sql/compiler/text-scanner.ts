/**
 * Splits literal SQL into text and named parameters. Skips quoted strings,
 * quoted identifiers, dollar-quoted strings and comments, so a `:word` inside
 * them is not a parameter; `::` is a PostgreSQL cast and `\:` a literal colon.
 */
export type TextPart = { readonly text: string } | { readonly param: string };

const WORD = /[A-Za-z0-9_]/;
const NAME_START = /[A-Za-z_]/;

export function scanText(sql: string): TextPart[] {
  const parts: TextPart[] = [];
  let buffer = "";
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const ch = sql[i] as string;
    const next = sql[i + 1];
    if (ch === "'" || ch === '"' || ch === "`") {
      const end = skipQuoted(sql, i, ch);
      buffer += sql.slice(i, end);
      i = end;
    } else if (ch === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      const stop = end < 0 ? n : end;
      buffer += sql.slice(i, stop);
      i = stop;
    } else if (ch === "/" && next === "*") {
      const end = sql.indexOf("*/", i + 2);
      const stop = end < 0 ? n : end + 2;
      buffer += sql.slice(i, stop);
      i = stop;
    } else if (ch === "$" && (i === 0 || !WORD.test(sql[i - 1] as string))) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (tag === null) {
        buffer += ch;
        i += 1;
      } else {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        const stop = end < 0 ? n : end + tag[0].length;
        buffer += sql.slice(i, stop);
        i = stop;
      }
    } else if (ch === "\\" && next === ":") {
      buffer += ":";
      i += 2;
    } else if (ch === ":" && next === ":") {
      buffer += "::";
      i += 2;
    } else if (ch === ":" && next !== undefined && NAME_START.test(next) && (i === 0 || !WORD.test(sql[i - 1] as string))) {
      let j = i + 1;
      while (j < n && WORD.test(sql[j] as string)) j += 1;
      if (buffer !== "") parts.push({ text: buffer });
      buffer = "";
      parts.push({ param: sql.slice(i + 1, j) });
      i = j;
    } else {
      buffer += ch;
      i += 1;
    }
  }
  if (buffer !== "") parts.push({ text: buffer });
  return parts;
}

function skipQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i += 1;
  }
  return sql.length;
}
