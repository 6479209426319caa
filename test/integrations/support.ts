/** Helpers shared by the integration tests. */

/** The URL with an application_name, so pg_stat_activity can tell one engine's connections apart. */
export function withAppName(url: string, name: string): string {
  return `${url}${url.includes("?") ? "&" : "?"}application_name=${name}`;
}

/** Waits until `check` holds, polling every 20 ms; fails after `ms`. */
export async function eventually(check: () => Promise<boolean> | boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
