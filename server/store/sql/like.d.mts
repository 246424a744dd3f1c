/** Types for like.mjs (plain JavaScript, shared with the SQLite search thread). */
export function likePattern(term: string): string;
