/** The one-model fixture of the scoped-session and integration tests: `${prefix}_items(id, label)` on its own declarative base. */
import { Integer, String } from "../../src/index.js";
import { declarativeBase, mapped } from "../../src/orm/index.js";

export function itemModels(prefix: string) {
  const Base = declarativeBase();
  class Item extends Base.model(`${prefix}_items`, {
    id: mapped(Integer, { primaryKey: true }),
    label: mapped(new String(50), { nullable: false }),
  }) {}
  return { Base, Item };
}
