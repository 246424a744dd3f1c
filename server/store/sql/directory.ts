import { person } from "../../contract/model";
import type { DirectoryEntry } from "../ports";

/**
 * The administration page's list of people, on both engines ($1: a LIKE pattern, or "" for
 * everyone; $2 limit; $3 offset). Usernames are stored lower-cased.
 */
export const DIRECTORY_SQL = `
  SELECT "id", "name", "image", "username", "isAnonymous", "role", "createdAt" FROM "User"
  WHERE $1 = '' OR lower("name") LIKE $1 ESCAPE '\\' OR "username" LIKE $1 ESCAPE '\\'
  ORDER BY "createdAt" DESC, "id" DESC LIMIT $2 OFFSET $3`;

export type DirectoryRow = { id: string; name: string; image: string | null; username: string | null; isAnonymous: boolean | number; role: string; createdAt: string | number | Date };

/** The LIKE pattern for a search ("" for everyone): `%`, `_` and `\` in it are literal. */
export function directoryPattern(query: string): string {
  const q = query.trim().toLowerCase();
  return q === "" ? "" : `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export const toDirectoryEntry = (r: DirectoryRow): DirectoryEntry => ({
  ...person(r.id, r.name, r.image),
  username: r.username,
  guest: r.isAnonymous === true || r.isAnonymous === 1,
  role: r.role === "admin" ? "admin" : "member",
  createdAt: new Date(r.createdAt),
});
