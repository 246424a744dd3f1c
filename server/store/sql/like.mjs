// Plain JavaScript: imported by the SQLite search thread (sqlite/search.sql.mjs) and by
// PostgreSQL's search store.

/** `%term%` for LIKE and ILIKE, with `%`, `_` and `\` matched as themselves. */
export const likePattern = (term) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
