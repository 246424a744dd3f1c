/**
 * Search with no server: the messages kept on this device (local-store.ts), with the same
 * query language as the server's (plain terms as case-insensitive substrings, all required;
 * `from:` an author's name, `in:` a room's name or address) and the same snippets, newest
 * first. It finds only what the device holds, and the search box says so.
 */
import { snippetOf } from "@/server/contract/plain-text";
import { parseSearchQuery, SEARCH_PAGE_MAX, type SearchResult } from "@/server/contract/search";
import type { StoredRoom } from "./local-store";

export function searchStoredRooms(rooms: readonly StoredRoom[], query: string, roomId?: string, limit = SEARCH_PAGE_MAX): SearchResult[] {
  const parsed = parseSearchQuery(query);
  const terms = parsed.terms.map((t) => t.toLowerCase());
  const from = parsed.from?.toLowerCase();
  const within = parsed.in?.toLowerCase();
  if (terms.length === 0 && !from) return [];
  const found: SearchResult[] = [];
  for (const r of rooms) {
    if (roomId && r.room.id !== roomId) continue;
    if (within && r.room.name.toLowerCase() !== within && r.room.slug.toLowerCase() !== within) continue;
    const names = new Map<string, string>();
    for (const m of r.messages) for (const u of m.mentions ?? []) names.set(u.id, u.name);
    for (const m of r.messages) {
      if (m.deleted) continue;
      if (from && m.author.name.toLowerCase() !== from) continue;
      const body = m.body.toLowerCase();
      if (!terms.every((t) => body.includes(t))) continue;
      found.push({
        message: { id: m.id, roomId: m.roomId, seq: m.seq, author: m.author, createdAt: m.createdAt, ...(m.editedAt ? { editedAt: m.editedAt } : {}) },
        room: { id: r.room.id, slug: r.room.slug, name: r.room.name, visibility: r.room.visibility },
        snippet: snippetOf(m.body, parsed.terms, names),
      });
    }
  }
  return found.sort((a, b) => (a.message.createdAt < b.message.createdAt ? 1 : a.message.createdAt > b.message.createdAt ? -1 : 0)).slice(0, limit);
}
