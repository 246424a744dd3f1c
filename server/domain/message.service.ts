import type { RoleService } from "./role.service";
import type { Auditor } from "./moderation.service";
import { v7 as uuidv7 } from "uuid";
import type { ChangeAck } from "../contract/events";
import { isSingleEmoji, LIMITS, normalizeEmoji, textLength } from "../contract/limits";
import { quoteOf, type ChangesPage, type ChatMessage, type HistoryPage, type MessageChangeKind, type ReplyQuote, type RoomSummary, type UserSummary } from "../contract/model";
import type { MessageChangesInput, MessageHistoryInput, MessageSendInput } from "../contract/schemas";
import type { AppendResult, MessageRepository, RoomRepository } from "../store/ports";
import { DomainError } from "./errors";
import { mentionedIds, mentionsRoom, ROOM_MENTION_OPEN_UP_TO } from "../contract/mentions";
import type { FileService } from "./file.service";
import type { RoomService } from "./room.service";

/**
 * A new message's id: a UUIDv7, whose first 48 bits are the time in milliseconds. Ids made
 * one after another sort together, so each commit adds to the end of the id index instead
 * of writing a random page of it: with group commit, far fewer pages per batch
 * (docs/performance.md: persistence +22–28 %).
 */
export const newMessageId = (): string => uuidv7();

export class MessageService {
  constructor(
    private readonly messages: MessageRepository,
    private readonly rooms: RoomService,
    /** Whom mentions name (absent: mentions are not resolved, as in some unit tests). */
    private readonly users?: Pick<RoomRepository, "usersByIds">,
    /** How many follow a room (`@room`'s rule). */
    private readonly audience?: { followerCount(roomId: string): Promise<number> },
    /** Which files a message may carry (absent: messages carry none, as in some unit tests). */
    private readonly files?: Pick<FileService, "forMessage">,
    /** Who may remove others' messages (absent: only authors delete, as in some unit tests). */
    private readonly roles?: Pick<RoleService, "powersIn">,
    /** Refuses writes from someone muted (absent: nobody is, as in some unit tests); read at each write. */
    private readonly voice?: { requireVoice(user: UserSummary, roomId: string | null): Promise<void> },
    /** Where a moderator's removal of a message is recorded. */
    private readonly auditor?: Pick<Auditor, "record">,
  ) {}

  /**
   * Attaches `mentions` (id and current name) to the messages, or an edit's changes, whose
   * text mentions someone: one lookup for all of them, none when nobody is mentioned (the
   * hot path's usual case costs a `includes` per message).
   */
  async withMentions<T extends { body?: string; mentions?: UserSummary[] }>(items: T[]): Promise<T[]> {
    if (!this.users) return items;
    const ids = [...new Set(items.flatMap((i) => (i.body ? mentionedIds(i.body) : [])))];
    if (ids.length === 0) return items;
    const known = new Map((await this.users.usersByIds(ids)).map((u) => [u.id, u]));
    return items.map((i) => {
      const mentions = i.body ? mentionedIds(i.body).flatMap((id) => (known.has(id) ? [known.get(id)!] : [])) : [];
      return mentions.length > 0 ? { ...i, mentions } : i;
    });
  }

  /**
   * Validates and stores a message. Resolves only once the row is committed; a repeated
   * clientId from the same author resolves with the stored copy and `duplicate: true`,
   * which callers must not broadcast again.
   *
   * `joined`: the caller holds a live subscription to the room, granted after an access
   * check and withdrawn by revocation (removal, deletion) on every node; the access query
   * is then skipped, keeping it off the hot path. Otherwise access is checked here.
   */
  async send(author: UserSummary, input: MessageSendInput, options: { joined?: boolean } = {}): Promise<AppendResult> {
    const body = checkedBody(input.body, { mayBeEmpty: (input.attachments?.length ?? 0) > 0 });
    // Someone muted here (or everywhere) reads and does not write: not even a conversation's first message.
    await this.voice?.requireVoice(author, input.roomId);
    // A direct conversation is checked at every message (a block applies at once) and is
    // created by its first one.
    const direct = await this.rooms.ensureDirect(author, input.roomId);
    if (!direct && !options.joined) await this.rooms.requireAccess(author, input.roomId);
    if (mentionsRoom(body)) await this.checkRoomMention(author, input.roomId);
    // A reply quotes a message of the same room (which the sender may read, having access).
    let replyTo: ReplyQuote | undefined;
    if (input.replyTo !== undefined) {
      const original = await this.messages.findMessage(input.replyTo);
      if (!original || original.roomId !== input.roomId) throw new DomainError("not_found", "The message you are replying to is not in this room.");
      replyTo = quoteOf({ ...original, author: { id: original.authorId, name: original.authorName } });
    }
    // Everything the published message needs is read before its commit: from the commit to
    // the publication the path is the same for every message and change, so a room's
    // messages and changes go out in the order they were stored (seq, cseq).
    const mentions = await this.mentionsIn(body);
    if (input.attachments?.length && !this.files) throw new DomainError("file_unavailable", "This server takes no files.");
    const attachments = (await this.files?.forMessage(author, input.attachments)) ?? [];
    const result = await this.messages
      .append({
        id: newMessageId(),
        roomId: input.roomId,
        author,
        clientId: input.clientId,
        body,
        ...(replyTo ? { replyToId: replyTo.id } : {}),
        ...(attachments.length > 0 ? { attachments } : {}),
      })
      .catch((err: unknown) => {
        if ((err as { code?: string }).code === "FILE_TAKEN") throw new DomainError("file_unavailable", "A file of this message is attached to another message: attach it again.");
        throw err;
      });
    if (result.duplicate && result.message.roomId !== input.roomId) {
      throw new DomainError("duplicate_conflict", "This message id was already used in another room.");
    }
    // A resend answers with the stored copy, whose text may differ from this one (edited since).
    if (result.duplicate) {
      const [message] = await this.withMentions([replyTo ? { ...result.message, replyTo } : result.message]);
      return { ...result, message: message! };
    }
    return { ...result, message: { ...result.message, ...(replyTo ? { replyTo } : {}), ...(mentions.length > 0 ? { mentions } : {}) } };
  }

  /** The people a text mentions, as they are now (none unknown). */
  private async mentionsIn(body: string): Promise<UserSummary[]> {
    const [withThem] = await this.withMentions<{ body: string; mentions?: UserSummary[] }>([{ body }]);
    return withThem?.mentions ?? [];
  }

  /**
   * `@room` notifies everyone who follows the room: anyone may in a room of up to 20
   * followers; past that, only its owner (the rate limit is the policy's).
   */
  private async checkRoomMention(author: UserSummary, roomId: string): Promise<void> {
    const room = await this.rooms.requireAccess(author, roomId);
    if (room.ownerId === author.id || !this.audience) return;
    if ((await this.audience.followerCount(roomId)) > ROOM_MENTION_OPEN_UP_TO) {
      throw new DomainError("forbidden", `Only the room's creator can mention @room in a room of more than ${ROOM_MENTION_OPEN_UP_TO} people.`);
    }
  }

  /**
   * Changes a message after it was sent: an edit (its author only) or a deletion (its author,
   * or a moderator or administrator: `removed` then, and the change's actor says who), a reaction
   * added or removed (anyone who may read the room). The change gets the room's next `cseq`
   * at commit, with the message's new state, in one transaction. A resent `clientChangeId`
   * answers with the stored change and `duplicate: true` (callers must not publish it
   * again); a reaction that is already there (or already gone) changes nothing and answers
   * `change: null`. Refusals: `not_found` (no such message in this room, or deleted),
   * `forbidden` (someone else's message), `message_empty` / `message_too_long` (an edit),
   * `reaction_invalid` (not exactly one emoji).
   */
  async change(
    actor: UserSummary,
    input: { roomId: string; messageId: string; clientChangeId: string; kind: MessageChangeKind; body?: string; emoji?: string },
    options: { joined?: boolean } = {},
  ): Promise<ChangeAck> {
    // An edit may empty the text of a message that carries files (checked below).
    const body = input.kind === "edit" ? checkedBody(input.body ?? "", { mayBeEmpty: true }) : undefined;
    const emoji = input.kind === "react" || input.kind === "unreact" ? normalizeEmoji(input.emoji ?? "") : undefined;
    if (emoji !== undefined && !isSingleEmoji(emoji)) throw new DomainError("reaction_invalid", "A reaction is one emoji.");
    if (!options.joined) await this.rooms.requireAccess(actor, input.roomId);
    // Across a block nothing more reaches the other person; taking back one's own words does.
    if (input.kind !== "delete") await this.rooms.requireUnblocked(actor, input.roomId);
    // A mute stops edits and reactions; taking back one's own words stays allowed.
    if (input.kind !== "delete") await this.voice?.requireVoice(actor, input.roomId);
    const ref = await this.messages.findMessage(input.messageId);
    if (!ref || ref.roomId !== input.roomId) throw new DomainError("not_found", "There is no such message in this room.");
    // Someone else's message: removed only by a moderator or an administrator, their role read now.
    const moderatedIn = input.kind === "delete" && ref.authorId !== actor.id ? await this.moderatedRoom(actor, input.roomId) : null;
    const moderated = moderatedIn !== null;
    if (body === "" && !ref.attachments?.length) throw new DomainError("message_empty", "A message without files needs some text: delete it instead.");
    // Editing a message into `@room` is held to the rule that sending one is.
    if (body !== undefined && mentionsRoom(body) && !mentionsRoom(ref.body)) await this.checkRoomMention(actor, input.roomId);
    // Read before the commit, as for a message (send): nothing is awaited between this
    // change's commit and its publication, so the room's changes go out in cseq order.
    const mentions = body !== undefined ? await this.mentionsIn(body) : [];
    const result = await this.messages.applyChange({
      id: newMessageId(),
      roomId: input.roomId,
      messageId: input.messageId,
      actor,
      clientChangeId: input.clientChangeId,
      kind: input.kind,
      ...(body !== undefined ? { body } : {}),
      ...(emoji !== undefined ? { emoji } : {}),
      ...(moderated ? { moderated } : {}),
    });
    if (result) {
      if (moderatedIn && !result.duplicate) {
        await this.auditor?.record(actor, "message.remove", {
          target: { id: ref.authorId, name: ref.authorName },
          room: moderatedIn,
          detail: { messageId: ref.id, seq: ref.seq },
        });
      }
      if (result.change.kind !== "edit" || mentions.length === 0 || result.change.body !== body) return result;
      return { ...result, change: { ...result.change, mentions } };
    }
    // Its condition did not hold (checked again in the transaction): say which.
    if (input.kind === "react") {
      const [shown] = await this.messages.pageAfter(input.roomId, ref.seq - 1, 1);
      const reactions = shown?.id === ref.id ? (shown.reactions ?? []) : [];
      if (!reactions.some((r) => r.emoji === emoji) && reactions.length >= LIMITS.distinctReactions) {
        throw new DomainError("reaction_invalid", `A message can carry ${LIMITS.distinctReactions} different reactions at most.`);
      }
    }
    const now = await this.messages.findMessage(input.messageId);
    if (!now || now.deleted) throw new DomainError("not_found", "This message was deleted.");
    if ((input.kind === "edit" || input.kind === "delete") && now.authorId !== actor.id) {
      throw new DomainError("forbidden", input.kind === "edit" ? "You can only edit your own messages." : "You can only delete your own messages.");
    }
    return { change: null, duplicate: false };
  }

  /**
   * Removes one message for a removal task (`PurgeService`), in `remover`'s name: the task
   * checked who asked when it was filed and checks again at every batch, so no room access is
   * asked here (an administrator's task reaches private rooms and direct conversations). A
   * message deleted meanwhile changes nothing (`change: null`); the same `clientChangeId`
   * again answers with the stored change (`duplicate`).
   */
  async removeForTask(remover: UserSummary, message: { id: string; roomId: string }, clientChangeId: string): Promise<ChangeAck> {
    const result = await this.messages.applyChange({ id: newMessageId(), roomId: message.roomId, messageId: message.id, actor: remover, clientChangeId, kind: "delete", moderated: true });
    return result ?? { change: null, duplicate: false };
  }

  /** The room, when `actor` moderates it (their role read now); null otherwise. */
  private async moderatedRoom(actor: UserSummary, roomId: string): Promise<RoomSummary | null> {
    if (!this.roles) return null;
    const room = await this.rooms.requireAccess(actor, roomId);
    return (await this.roles.powersIn(actor, room)).moderate ? room : null;
  }

  /** Changes after a cursor, ascending by cseq, a page at a time (`hasMore`: ask again after the last). */
  async changes(reader: UserSummary, input: MessageChangesInput, options: { joined?: boolean } = {}): Promise<ChangesPage> {
    if (!options.joined) await this.rooms.requireAccess(reader, input.roomId);
    return this.changesPage(input.roomId, input.after, input.limit ?? LIMITS.changesPageMax);
  }

  private async changesPage(roomId: string, after: number, limit: number): Promise<ChangesPage> {
    const page = await this.messages.changesAfter(roomId, after, limit + 1);
    return { changes: await this.withMentions(page.slice(0, limit)), hasMore: page.length > limit };
  }

  /**
   * What a rejoin missed of changes (`changesAfter`), in its answer: the messages they
   * touched as they are now, rather than every change. A thousand changes to ten messages
   * are ten messages (docs/performance.md: 1,000 clients back after 10,000 changes).
   *
   * `cursor` is the room's change cursor, read after the joiner subscribed: at or below
   * `after`, nothing had changed since then when it was read, and what changed later reaches
   * the joiner live, so there is nothing to read (a rejoin's commonest case: one query of
   * the eight a join makes on PostgreSQL, saved; docs/performance.md, run AL).
   */
  async onRejoinChanges(room: RoomSummary, after: number, cursor: number): Promise<{ messages: ChatMessage[]; hasMore: boolean }> {
    if (cursor <= after) return { messages: [], hasMore: false };
    const { messages, more } = await this.messages.changedSince(room.id, after, LIMITS.historyPageMax);
    return { messages: await this.withMentions(messages), hasMore: more };
  }

  /**
   * One page of history, ascending by seq. `before` pages backwards (keyset on seq),
   * `after` reads forwards for catch-up, neither gives the latest page. `joined` as for
   * `send` (a rejoin's catch-up skips the access query).
   */
  async history(reader: UserSummary, input: MessageHistoryInput, options: { joined?: boolean } = {}): Promise<HistoryPage> {
    if (!options.joined) await this.rooms.requireAccess(reader, input.roomId);
    return this.page(input);
  }

  /**
   * The history a join answers with, for a room the caller has just entered
   * (`RoomService.enter` checked access, so it is not checked again): the latest page, or
   * for a rejoin (`after`: the last seq the client holds without a hole) what came after it,
   * a full page, oldest first, `hasMore` when more follow. With it, the room's change cursor,
   * read first: the page reflects every change up to it (and maybe later ones, which the
   * client applies again harmlessly). One round trip on PostgreSQL (`joinPage`).
   */
  async onJoin(room: RoomSummary, after?: number): Promise<{ changeCursor: number; history: HistoryPage }> {
    const limit = after === undefined ? LIMITS.historyPage : LIMITS.historyPageMax;
    const { changeCursor, messages } = await this.messages.joinPage(room.id, after, limit + 1);
    const more = messages.length > limit;
    // After a seq, the page is the first `limit` and more follow; without, the last `limit` and older exist.
    const page = after === undefined ? messages.slice(more ? 1 : 0) : messages.slice(0, limit);
    return { changeCursor, history: { messages: await this.withMentions(page), hasMore: more } };
  }

  private async page(input: MessageHistoryInput): Promise<HistoryPage> {
    const page = await this.rawPage(input);
    return { ...page, messages: await this.withMentions(page.messages) };
  }

  private async rawPage(input: MessageHistoryInput): Promise<HistoryPage> {
    const limit = input.limit ?? LIMITS.historyPage;
    if (input.around !== undefined) {
      // Half the page up to and including `around`, the rest after it; hasMore: older exist.
      const half = Math.max(1, Math.floor(limit / 2));
      const older = await this.messages.pageBefore(input.roomId, input.around + 1, half + 1);
      const newer = await this.messages.pageAfter(input.roomId, input.around, Math.max(0, limit - half));
      return { messages: [...older.slice(older.length > half ? 1 : 0), ...newer], hasMore: older.length > half };
    }
    if (input.after !== undefined) {
      // hasMore here means "more after this page": the caller asks again from the last seq.
      const page = await this.messages.pageAfter(input.roomId, input.after, limit + 1);
      return { messages: page.slice(0, limit), hasMore: page.length > limit };
    }
    const page = await this.messages.pageBefore(input.roomId, input.before, limit + 1);
    return { messages: page.slice(page.length > limit ? 1 : 0), hasMore: page.length > limit };
  }
}

/** A message's text as it will be stored: trimmed, not empty, within the limit. */
function checkedBody(raw: string, options: { mayBeEmpty?: boolean } = {}): string {
  const body = raw.trim();
  if (body.length === 0 && !options.mayBeEmpty) throw new DomainError("message_empty", "Type something or attach a file before sending.");
  const length = textLength(body);
  if (length > LIMITS.messageLength) {
    throw new DomainError(
      "message_too_long",
      `Messages can be at most ${LIMITS.messageLength.toLocaleString("en")} characters; this one has ${length.toLocaleString("en")}.`,
    );
  }
  return body;
}
