/**
 * The store implementations every contract suite runs over, by name, in one run: memory,
 * SQLite (a copy of the run's migrated template file) and PostgreSQL (a copy of the
 * "sqlite" project's PostgreSQL template, when the test server answers; vitest.config.ts makes its absence a failure
 * under PARLEY_REQUIRE_SERVICES=1). Test code only.
 */
import Database from "better-sqlite3";
import { afterAll, inject } from "vitest";
import { memoryRepositories } from "./memory";
import { openStore } from "./open-store";
import type { Stores } from "./ports";
import { cloneTemplate, dropDatabase } from "../test/databases";
import { searchIndexUpkeep } from "./sqlite/search-index.mjs";

/** A user as Better Auth writes one: a guest, or an account with a username (lower-cased). */
export type ContractUser = { id: string; name: string; guest?: boolean; username?: string; createdAt?: Date };
export type ContractSession = { id: string; token: string; userId: string; expiresAt: Date; updatedAt?: Date };

export interface OpenedStore {
  repos: Stores;
  /** Makes a user exist (the database stores have foreign keys to users). */
  addUser(user: ContractUser): Promise<void>;
  /** Makes a session exist, as Better Auth's sign-in does. */
  addSession(session: ContractSession): Promise<void>;
  /**
   * Brings what a store derives after the commit up to date at once (SQLite: indexes the
   * messages noted for the search index, as its writer thread does a moment after each commit).
   * Absent where nothing is derived later.
   */
  settle?(): Promise<void>;
  /** The database file (SQLite only), for tests that look at it with a connection of their own. */
  file?: string;
}

export type StoreMaker = () => Promise<OpenedStore>;

const closers: Array<() => Promise<void>> = [];
const dropped: string[] = [];

afterAll(async () => {
  for (const close of closers.splice(0)) await close();
  for (const url of dropped.splice(0)) await dropDatabase(url);
});

async function database(url: string): Promise<OpenedStore> {
  const store = await openStore(url);
  closers.push(() => store.close());
  return {
    repos: store.repositories,
    addUser: async (u) =>
      void (await store.db.user.create({ data: { id: u.id, name: u.name, email: `${u.id}@test.invalid`, isAnonymous: u.guest ?? false, username: u.username ?? null, displayUsername: u.username ?? null, ...(u.createdAt ? { createdAt: u.createdAt } : {}) } })),
    addSession: async (s) => void (await store.db.session.create({ data: s })),
  };
}

const sqlite: StoreMaker = async () => {
  const template = inject("templateDatabase");
  if (!template.startsWith("file:")) throw new Error("the contract suites run in the sqlite project (vitest.config.ts)");
  const url = await cloneTemplate(template);
  const opened = await database(url);
  const connection = new Database(url.slice("file:".length));
  connection.pragma("busy_timeout = 5000");
  closers.push(async () => void connection.close());
  const upkeep = searchIndexUpkeep(connection);
  return { ...opened, file: url.slice("file:".length), settle: async () => void upkeep.indexNoted() };
};

const postgres: StoreMaker = async () => {
  const template = inject("postgresTemplateDatabase");
  if (!template) throw new Error("no PostgreSQL template (server/test/global-setup.ts)");
  const url = await cloneTemplate(template);
  dropped.push(url);
  return database(url);
};

const memory: StoreMaker = async () => {
  const repos = memoryRepositories();
  return {
    repos,
    addUser: async (u) => {
      repos.rooms.addUser(u);
      repos.accounts.users.set(u.id, { id: u.id, name: u.name, guest: u.guest ?? false, username: u.username ?? null, ...(u.createdAt ? { createdAt: u.createdAt } : {}) });
      if (u.guest) repos.rooms.guests.add(u.id);
      repos.roles.addUser(u.id);
      if (u.username) repos.roles.usernames.set(u.username.toLowerCase(), u.id);
    },
    addSession: async (s) => void repos.accounts.sessions.set(s.id, { ...s }),
  };
};

/** `[name, maker]` for each store; PostgreSQL's is left out (and said so) when its server does not answer. */
export async function storeImplementations(): Promise<Array<[string, StoreMaker]>> {
  const withPostgres = inject("postgresTemplateDatabase") !== undefined;
  if (!withPostgres) console.warn("PostgreSQL is not reachable: the contract suites run over memory and SQLite only.");
  return [["memory", memory], ["SQLite", sqlite], ...(withPostgres ? ([["PostgreSQL", postgres]] as Array<[string, StoreMaker]>) : [])];
}
