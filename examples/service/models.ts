/**
 * The example service's models: authors, their books, and readers' reviews,
 * with a timestamps mixin shared by all three.
 */
import { DateTime, Float, Integer, String, Text } from "athanor";
import { declarativeBase, mapped, relationship } from "athanor/orm";

export const Base = declarativeBase();

/** createdAt / updatedAt on every model: set at INSERT, updatedAt again at each UPDATE. */
const Timestamped = Base.mixin({
  createdAt: mapped(DateTime, { nullable: false, default: () => new Date(), init: false }),
  updatedAt: mapped(DateTime, { nullable: false, default: () => new Date(), onUpdate: () => new Date(), init: false }),
});

export class Author extends Timestamped.model("svc_authors", {
  id: mapped(Integer, { primaryKey: true }),
  name: mapped(new String(100), { nullable: false, unique: true }),
  bio: mapped(Text),
}) {
  declare books: Book[];
  static {
    this.relate({ books: relationship(() => Book, { backPopulates: "author" }) });
  }
}

export class Book extends Timestamped.model("svc_books", {
  id: mapped(Integer, { primaryKey: true }),
  authorId: mapped(Integer, { nullable: false, foreignKey: "svc_authors.id", init: false }),
  title: mapped(new String(200), { nullable: false }),
  // Kept up to date by the rating job, not by the request that adds a review.
  reviewCount: mapped(Integer, { nullable: false, default: 0 }),
  rating: mapped(Float),
}) {
  declare author: Author | null;
  declare reviews: Review[];
  static {
    this.relate({
      author: relationship(() => Author, { backPopulates: "books" }),
      reviews: relationship(() => Review, { backPopulates: "book" }),
    });
  }
}

export class Review extends Timestamped.model("svc_reviews", {
  id: mapped(Integer, { primaryKey: true }),
  bookId: mapped(Integer, { nullable: false, foreignKey: "svc_books.id", init: false }),
  stars: mapped(Integer, { nullable: false }),
  body: mapped(Text, { nullable: false }),
}) {
  declare book: Book | null;
  static {
    this.relate({ book: relationship(() => Book, { backPopulates: "reviews" }) });
  }
}
