import { snippetOf } from "../contract/plain-text";
import type { RoomSummary, UserSummary } from "../contract/model";
import { mentionedIds } from "../contract/mentions";
import type { MessageSearchInput } from "../contract/schemas";
import { parseSearchQuery, SEARCH_PAGE, type SearchPage, type SearchResult } from "../contract/search";
import { InvalidCursorError, SearchTooBroadError, type RoomRepository, type SearchHit, type SearchRepository } from "../store/ports";
import { DomainError } from "./errors";
import type { RoomService } from "./room.service";

/** Characters of context kept before the first match in a snippet. */

/**
 * Finding messages again: in every room the user may read now, or in one of them.
 *
 * - Which rooms is decided here, at every search, by the same rule as opening a room
 *   (`RoomService.visibleIds`, the ids of what `listFor` lists: public rooms, and the
 *   private rooms and direct conversations the user belongs to): a removed member finds
 *   nothing more from the room at once, a non-member never did. Only the ids are read (a
 *   thousand rooms' names and dates cost the event loop 4 ms a search); the hits' rooms are
 *   named afterwards.
 * - The index (`SearchRepository`) gets plain terms, never the query's text: quotes,
 *   operators and stray characters are only characters to find.
 * - `in:<room>` narrows to readable rooms whose name or address matches; `from:<name>` to
 *   authors of that name. A room id the user may not read is `not_found`, like everywhere.
 */
export class SearchService {
  constructor(
    private readonly index: SearchRepository,
    private readonly rooms: RoomService,
    private readonly roomRepo: RoomRepository,
  ) {}

  async search(user: UserSummary, input: MessageSearchInput): Promise<SearchPage> {
    const query = parseSearchQuery(input.query);
    const named = (r: RoomSummary) => query.in === undefined || [r.slug.toLowerCase(), r.name.toLowerCase()].includes(query.in.toLowerCase());
    // The rooms to look in, as ids, and those already known by name.
    let roomIds: string[];
    let known: RoomSummary[] | undefined;
    if (input.roomId !== undefined) {
      // One room: the same check as opening it (not readable: not_found).
      known = [await this.rooms.requireAccess(user, input.roomId)].filter(named);
      roomIds = known.map((r) => r.id);
    } else if (query.in !== undefined) {
      known = await this.rooms.findNamed(user, query.in);
      roomIds = known.map((r) => r.id);
    } else {
      roomIds = await this.rooms.visibleIds(user);
    }
    if (query.terms.length === 0 && query.from === undefined) return { results: [], next: null };
    const asked = new Set(roomIds);
    let page: { hits: SearchHit[]; next: string | null };
    try {
      page = await this.index.search({ roomIds, terms: query.terms, authorName: query.from, cursor: input.cursor, limit: input.limit ?? SEARCH_PAGE });
    } catch (err) {
      if (err instanceof InvalidCursorError) throw new DomainError("invalid_payload", "cursor: pass the `next` of a previous page.");
      if (err instanceof SearchTooBroadError) throw new DomainError("invalid_payload", "This search is too broad: add a word of three letters or more, or search one room.");
      throw err;
    }
    // The index answered for a room not asked for: never shown.
    const hits = page.hits.filter((h) => asked.has(h.roomId));
    const [names, rooms] = await Promise.all([
      this.mentionNames(hits),
      known ?? this.rooms.describe(user, [...new Set(hits.map((h) => h.roomId))]),
    ]);
    const byId = new Map(rooms.map((r) => [r.id, r]));
    const results = hits.flatMap((hit): SearchResult[] => {
      const room = byId.get(hit.roomId);
      if (!room) return [];
      return [{ message: messageOf(hit), room: roomOf(room), snippet: snippetOf(hit.body, query.terms, names) }];
    });
    return { results, next: page.next };
  }

  /** The current names of the people the hits mention (snippets show `@Name`). */
  private async mentionNames(hits: SearchHit[]): Promise<Map<string, string>> {
    const ids = [...new Set(hits.flatMap((h) => mentionedIds(h.body)))].filter((id) => id !== "room");
    if (ids.length === 0) return new Map();
    return new Map((await this.roomRepo.usersByIds(ids)).map((u) => [u.id, u.name]));
  }
}

const messageOf = (hit: SearchHit): SearchResult["message"] => ({
  id: hit.id,
  roomId: hit.roomId,
  seq: hit.seq,
  author: hit.author,
  createdAt: hit.createdAt,
  ...(hit.editedAt ? { editedAt: hit.editedAt } : {}),
});

const roomOf = (r: RoomSummary): SearchResult["room"] => ({ id: r.id, slug: r.slug, name: r.name, visibility: r.visibility });

