import { allBackends } from "./backends.js";

/** Prints which backends run and which are skipped, and fails in CI when a server backend is missing. */
export default function setup(): () => void {
  const backends = allBackends();
  const skipped = backends.filter((b) => b.skipReason !== undefined);
  if (process.env.CI === "true" && skipped.length > 0) {
    throw new Error(
      `CI=true but these server backends would be skipped: ${skipped.map((b) => `${b.id} (${b.skipReason})`).join("; ")}`,
    );
  }
  return () => {
    const ran = backends.filter((b) => b.skipReason === undefined).map((b) => b.id);
    console.log(`\nAthanor backends run: ${ran.join(", ")}`);
    if (skipped.length > 0) {
      console.log(`Athanor backends skipped:\n${skipped.map((b) => `  - ${b.id}: ${b.skipReason}`).join("\n")}`);
    }
  };
}
