/**
 * What every lab database holds: the lab admin role, the lab database and its tables.
 * Built once into the cached template (template-cache.ts); Docker runs apply it per lab.
 */

/** Bumped whenever the fixture (roles, database, tables) of the template changes. */
export const FIXTURE_VERSION = 1;
/** The lab database and the role the learner hands to the engine as its admin. */
export const LAB_DATABASE = 'lab';
export const LAB_ADMIN = 'vaultadmin';

/** As the superuser in template1: the lab admin role and the lab database. */
export const FIXTURE_SQL = [
  `CREATE ROLE ${LAB_ADMIN} WITH LOGIN CREATEROLE`,
  `CREATE DATABASE ${LAB_DATABASE} OWNER ${LAB_ADMIN}`,
  // Every lab copies this folder: the unused default database is a quarter of its size.
  `DROP DATABASE postgres`,
];
/** The lab tables, created by their owner (the lab admin) so it may grant on them. */
export const FIXTURE_TABLES_SQL = [
  `CREATE TABLE products (id serial PRIMARY KEY, name text NOT NULL, price_cents integer NOT NULL)`,
  `INSERT INTO products (name, price_cents) VALUES ('notebook', 450), ('pencil', 120), ('backpack', 3900)`,
  `CREATE TABLE orders (id serial PRIMARY KEY, product_id integer REFERENCES products(id), quantity integer NOT NULL, placed_at timestamptz NOT NULL DEFAULT now())`,
  `INSERT INTO orders (product_id, quantity) VALUES (1, 2), (3, 1)`,
];
/** As the superuser in the lab database. */
export const FIXTURE_DB_SQL = [`SET ROLE ${LAB_ADMIN}`, ...FIXTURE_TABLES_SQL, `RESET ROLE`];
