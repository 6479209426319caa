/**
 * Removes every occurrence of each secret from a text. Used on error messages
 * and log lines so that a URL password can never leak, even when a driver
 * quotes it back.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length === 0) continue;
    out = out.split(secret).join("***");
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join("***");
  }
  return out;
}
