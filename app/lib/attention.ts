/**
 * Unread counts in the browser: for every followed room, how far the user has read it and
 * its latest message. Unread is `latestSeq - readSeq` (a room's seq has no gaps), so the
 * count is arithmetic: each source below only ever raises one of the two numbers, in any
 * order, and an event that carries a later seq corrects whatever an earlier one missed.
 *
 * Sources: the server's list at every (re)connect (`attention:sync`), the followed rooms'
 * activity (`room:activity`, which also says up to where each author has read: their own
 * messages), the user's read positions moving on another tab or device
 * (`attention:changed`), the messages of rooms open in this tab, the outbox's own
 * acknowledgements, and this tab's own reading (`read`).
 *
 * Framework-free; `app/hooks/use-attention.ts` adapts it to React.
 */
import type { AttentionChanged, RoomActivity } from "@/server/contract/events";
import type { ChatMessage, ReadState } from "@/server/contract/model";
import { Observable } from "./observable";

export type AttentionMap = ReadonlyMap<string, ReadState>;

/** The most an unread badge shows. */
export const UNREAD_CAP = 99;

export const unreadOf = (s: ReadState | undefined): number => (s ? Math.max(0, s.latestSeq - s.readSeq) : 0);

/** Unread messages that mention the user. */
export const mentionsOf = (s: ReadState | undefined): number => (s?.mentionSeqs ? s.mentionSeqs.filter((seq) => seq > s.readSeq).length : 0);

/** "3", or "99+" past the cap. */
export const unreadLabel = (n: number): string => (n > UNREAD_CAP ? `${UNREAD_CAP}+` : String(n));

export class AttentionStore extends Observable<AttentionMap> {
  /** `muted`: whether the user blocks this author (their mentions are not counted). */
  constructor(
    private readonly selfId: string,
    private readonly muted: (authorId: string) => boolean = () => false,
  ) {
    super(new Map());
  }

  /**
   * The server's list (at every connect): rooms not in it are no longer followed (or no
   * longer readable); the others keep whichever numbers are further on.
   */
  reset(states: ReadState[]): void {
    const before = this.get();
    const next = new Map<string, ReadState>();
    for (const s of states) next.set(s.roomId, furthest(before.get(s.roomId), s, true));
    this.set(next);
  }

  /**
   * Read states from the server (a join, a read acknowledged, another tab's reading): they
   * also say when to notify (absent: the default).
   */
  merge(states: ReadState[]): void {
    this.combine(states, true);
  }

  /** What this tab learnt itself (activity, messages, its own reading): numbers only. */
  private combine(states: ReadState[], fromServer: boolean): void {
    if (states.length === 0) return;
    const next = new Map(this.get());
    for (const s of states) next.set(s.roomId, furthest(next.get(s.roomId), s, fromServer));
    this.set(next);
  }

  changed(event: AttentionChanged): void {
    this.merge(event.read);
    if (event.unfollowed.length > 0) this.forget(event.unfollowed);
  }

  /** Rooms no longer followed (unfollowed, deleted, removed from). */
  forget(roomIds: string[]): void {
    const next = new Map(this.get());
    let removed = false;
    for (const id of roomIds) removed = next.delete(id) || removed;
    if (removed) this.set(next);
  }

  activity(event: RoomActivity): void {
    const known = this.get().get(event.roomId);
    if (!known) return; // not followed (any more): its count is not shown
    const own = event.readBy[this.selfId];
    // `room`: an @room, which mentions everyone who follows the room.
    const authors = event.mentionAuthors ?? {};
    const mentioned = [...(event.mentions[this.selfId] ?? []), ...(event.mentions.room ?? [])].filter((seq) => {
      const author = authors[String(seq)];
      return author === undefined || !this.muted(author);
    });
    this.combine([{ roomId: event.roomId, latestSeq: event.seq, readSeq: own ?? 0, ...(mentioned.length > 0 ? { mentionSeqs: mentioned } : {}) }], false);
  }

  /** A message of a room open in this tab, or one of the user's own acknowledged. */
  message(m: ChatMessage): void {
    const known = this.get().get(m.roomId);
    if (!known) return;
    const own = m.author.id === this.selfId;
    const mentioned = !own && !this.muted(m.author.id) && ((m.mentions ?? []).some((u) => u.id === this.selfId) || m.body.includes("<@room>"));
    this.combine([{ roomId: m.roomId, latestSeq: m.seq, readSeq: own ? m.seq : 0, ...(mentioned ? { mentionSeqs: [m.seq] } : {}) }], false);
  }

  /** This tab showed the room up to `seq`. */
  read(roomId: string, seq: number): void {
    const known = this.get().get(roomId);
    if (!known || known.readSeq >= seq) return;
    this.combine([{ roomId, readSeq: seq, latestSeq: seq }], false);
  }

  unread(roomId: string): number {
    return unreadOf(this.get().get(roomId));
  }

  mentions(roomId: string): number {
    return mentionsOf(this.get().get(roomId));
  }

  /** Unread messages in every followed room. */
  total(): number {
    let n = 0;
    for (const s of this.get().values()) n += unreadOf(s);
    return n;
  }
}

/**
 * The further of two read states of one room: each number only ever grows, and the unread
 * mentions are those either knows of, past the read position.
 */
function furthest(a: ReadState | undefined, b: ReadState, notifyFromB: boolean): ReadState {
  if (!a) return { ...b };
  const readSeq = Math.max(a.readSeq, b.readSeq);
  const seqs = [...new Set([...(a.mentionSeqs ?? []), ...(b.mentionSeqs ?? [])])].filter((s) => s > readSeq).sort((x, y) => x - y);
  const notify = notifyFromB ? b.notify : a.notify;
  const same = a.readSeq === readSeq && a.latestSeq >= b.latestSeq && (a.mentionSeqs ?? []).length === seqs.length && a.notify === notify;
  if (same) return a;
  return {
    roomId: b.roomId,
    readSeq,
    latestSeq: Math.max(a.latestSeq, b.latestSeq),
    ...(seqs.length > 0 ? { mentionSeqs: seqs } : {}),
    ...(notify ? { notify } : {}),
  };
}
