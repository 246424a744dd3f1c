import { v7 as uuidv7 } from "uuid";
import { LIMITS, textLength } from "../contract/limits";
import type { HistoryPage, RoomSummary, UserSummary } from "../contract/model";
import type { MessageHistoryInput, MessageSendInput } from "../contract/schemas";
import type { AppendResult, MessageRepository } from "../store/repositories";
import { DomainError } from "./errors";
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
  ) {}

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
    const body = input.body.trim();
    if (body.length === 0) throw new DomainError("message_empty", "Type something before sending.");
    const length = textLength(body);
    if (length > LIMITS.messageLength) {
      throw new DomainError(
        "message_too_long",
        `Messages can be at most ${LIMITS.messageLength.toLocaleString("en")} characters; this one has ${length.toLocaleString("en")}.`,
      );
    }
    if (!options.joined) await this.rooms.requireAccess(author, input.roomId);
    const result = await this.messages.append({
      id: newMessageId(),
      roomId: input.roomId,
      author,
      clientId: input.clientId,
      body,
    });
    if (result.duplicate && result.message.roomId !== input.roomId) {
      throw new DomainError("duplicate_conflict", "This message id was already used in another room.");
    }
    return result;
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
   * a full page, oldest first, `hasMore` when more follow.
   */
  onJoin(room: RoomSummary, after?: number): Promise<HistoryPage> {
    return this.page(after === undefined ? { roomId: room.id } : { roomId: room.id, after, limit: LIMITS.historyPageMax });
  }

  private async page(input: MessageHistoryInput): Promise<HistoryPage> {
    const limit = input.limit ?? LIMITS.historyPage;
    if (input.after !== undefined) {
      // hasMore here means "more after this page": the caller asks again from the last seq.
      const page = await this.messages.pageAfter(input.roomId, input.after, limit + 1);
      return { messages: page.slice(0, limit), hasMore: page.length > limit };
    }
    const page = await this.messages.pageBefore(input.roomId, input.before, limit + 1);
    return { messages: page.slice(page.length > limit ? 1 : 0), hasMore: page.length > limit };
  }
}
