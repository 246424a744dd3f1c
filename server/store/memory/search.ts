import { InvalidCursorError, type SearchHit, type SearchRepository, type SearchRequest } from "../ports";
import type { MemoryMessageRepository } from "./messages";
import type { MemoryRoomRepository } from "./rooms";

/** Case set aside, as the databases' trigram indexes do (diacritics are kept). */
const folded = (text: string) => text.toLowerCase();

/** Search by walking every message, newest first: the same contract as the indexes. */
export class MemorySearchRepository implements SearchRepository {
  constructor(
    private readonly messages: MemoryMessageRepository,
    private readonly rooms: MemoryRoomRepository,
  ) {}

  async search(request: SearchRequest): Promise<{ hits: SearchHit[]; next: string | null }> {
    if (request.roomIds.length === 0 || (request.terms.length === 0 && request.authorName === undefined)) return { hits: [], next: null };
    if (request.cursor !== undefined && !/^\d{1,16}$/.test(request.cursor)) throw new InvalidCursorError();
    const rooms = new Set(request.roomIds);
    const terms = request.terms.map(folded);
    const hits: SearchHit[] = [];
    const all = this.messages.stored;
    for (let i = Math.min(all.length, Number(request.cursor ?? all.length)) - 1; i >= 0; i--) {
      const m = all[i]!;
      if (m.deleted || !rooms.has(m.roomId)) continue;
      const author = this.rooms.userNamed(m.author);
      if (request.authorName !== undefined && author.name.toLowerCase() !== request.authorName.toLowerCase()) continue;
      const text = folded(m.body);
      if (!terms.every((t) => text.includes(t))) continue;
      if (hits.length === request.limit) return { hits, next: String(i + 1) };
      hits.push({ id: m.id, roomId: m.roomId, seq: m.seq, author: { ...author }, body: m.body, createdAt: m.createdAt, ...(m.editedAt ? { editedAt: m.editedAt } : {}) });
    }
    return { hits, next: null };
  }
}
