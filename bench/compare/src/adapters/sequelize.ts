/** Sequelize 6 on pg: define() models, bulkCreate (W3, W4 with include), instance.save() per changed row (W6). */
import { DataTypes, Op, Sequelize, type Model } from "sequelize";
import { PG_URL, W5_AUTHORS, W6_AUTHOR, centsToPrice, type Adapter, type NewAuthor, type NewBook } from "../common.js";

const CHUNK = 1_000;

export async function create(): Promise<Adapter> {
  const sequelize = new Sequelize(PG_URL, { logging: false, pool: { max: 1, min: 1 } });
  const Author = sequelize.define(
    "author",
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      name: { type: DataTypes.TEXT, allowNull: false },
      email: { type: DataTypes.TEXT, allowNull: false },
      created_at: { type: DataTypes.DATE, allowNull: false },
      score: { type: DataTypes.INTEGER, allowNull: false },
    },
    { tableName: "author", timestamps: false },
  );
  const Book = sequelize.define(
    "book",
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      author_id: { type: DataTypes.INTEGER, allowNull: false },
      title: { type: DataTypes.TEXT, allowNull: false },
      pages: { type: DataTypes.INTEGER, allowNull: false },
      price: { type: DataTypes.DECIMAL(10, 2), allowNull: false },
      published: { type: DataTypes.DATEONLY, allowNull: false },
      tags: { type: DataTypes.ARRAY(DataTypes.TEXT), allowNull: false },
    },
    { tableName: "book", timestamps: false },
  );
  Author.hasMany(Book, { foreignKey: "author_id", as: "books" });
  Book.belongsTo(Author, { foreignKey: "author_id", as: "author" });
  await sequelize.authenticate();
  return {
    w1: () => Book.findAll(),
    w2: (id) => Author.findByPk(id),
    async w3(rows: readonly NewBook[]) {
      await sequelize.transaction(async (transaction) => {
        for (let i = 0; i < rows.length; i += CHUNK) await Book.bulkCreate(rows.slice(i, i + CHUNK) as never[], { transaction });
      });
    },
    async w4(data: readonly NewAuthor[]) {
      await sequelize.transaction((transaction) =>
        Author.bulkCreate(data as never[], { include: [{ model: Book, as: "books" }], transaction }),
      );
    },
    w5: () => Author.findAll({ where: { id: { [Op.lte]: W5_AUTHORS } }, include: [{ model: Book, as: "books" }] }),
    booksOf: (a) => (a as unknown as { books: Model[] }).books,
    w6: (cents) =>
      sequelize.transaction(async (transaction) => {
        const books = await Book.findAll({ where: { author_id: { [Op.lte]: W6_AUTHOR } }, transaction });
        for (const b of books) b.set("price", centsToPrice(cents(b.get("id") as number)));
        for (const b of books) await b.save({ transaction });
        return books.length;
      }),
    notes: { W7: "no streaming API" },
    close: () => sequelize.close(),
  };
}
