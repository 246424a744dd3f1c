import { z } from "zod";
import {
  messageChangesSchema,
  messageDeleteSchema,
  messageEditSchema,
  messageHistorySchema,
  messageSendSchema,
  reactionSchema,
  readMarkSchema,
  roomJoinSchema,
  roomLeaveSchema,
  roomNotifySchema,
  messageSearchSchema,
  userBlockSchema,
  roomUnfollowSchema,
} from "../contract/schemas";
import type { RoomRequest } from "../realtime/hub";

/**
 * The /ws gateway's frames: JSON text, one object per frame, keyed on `type`. A request may
 * carry `ref` (any string the client picks); its answer is `{ type: "ack", ref, ok, ... }`.
 * docs/protocol.md documents them with examples.
 */
const ref = z.string().max(100).optional();

export const clientFrameSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("auth"), token: z.string().max(200), ref }).strict(),
  z
    .object({
      type: z.literal("join"),
      ref,
      room: roomJoinSchema.shape.slug,
      invite: roomJoinSchema.shape.invite,
      after: roomJoinSchema.shape.after,
      changesAfter: roomJoinSchema.shape.changesAfter,
    })
    .strict(),
  roomLeaveSchema.extend({ type: z.literal("leave"), ref }).strict(),
  messageSendSchema.extend({ type: z.literal("send"), ref }).strict(),
  z
    .object({
      type: z.literal("history"),
      ref,
      roomId: messageHistorySchema.shape.roomId,
      before: messageHistorySchema.shape.before,
      after: messageHistorySchema.shape.after,
      around: messageHistorySchema.shape.around,
      limit: messageHistorySchema.shape.limit,
    })
    .strict(),
  messageEditSchema.extend({ type: z.literal("edit"), ref }).strict(),
  messageDeleteSchema.extend({ type: z.literal("delete"), ref }).strict(),
  reactionSchema.extend({ type: z.literal("react"), ref }).strict(),
  reactionSchema.extend({ type: z.literal("unreact"), ref }).strict(),
  messageChangesSchema.extend({ type: z.literal("changes"), ref }).strict(),
  z.object({ type: z.literal("typing"), ref, roomId: roomLeaveSchema.shape.roomId, typing: z.boolean() }).strict(),
  z.object({ type: z.literal("attention"), ref }).strict(),
  readMarkSchema.extend({ type: z.literal("read"), ref }).strict(),
  z.object({ type: z.literal("read_all"), ref }).strict(),
  roomUnfollowSchema.extend({ type: z.literal("unfollow"), ref }).strict(),
  roomNotifySchema.extend({ type: z.literal("notify"), ref }).strict(),
  messageSearchSchema.extend({ type: z.literal("search"), ref }).strict(),
  userBlockSchema.extend({ type: z.literal("block"), ref }).strict(),
  z.object({ type: z.literal("blocks"), ref }).strict(),
  z.object({ type: z.literal("ping"), ref }).strict(),
]);

export type ClientFrame = z.infer<typeof clientFrameSchema>;

/**
 * The frame names bots used before frames could carry the contract's names, kept as aliases:
 * each is its contract request with the same payload (`join`, whose `room` is the contract's
 * `slug`, and `typing`, a flag for start or stop, are translated by the gateway).
 */
export const ALIASES = {
  leave: "room:leave",
  send: "message:send",
  history: "message:history",
  edit: "message:edit",
  delete: "message:delete",
  react: "reaction:add",
  unreact: "reaction:remove",
  changes: "message:changes",
  attention: "attention:sync",
  read: "read:mark",
  read_all: "read:all",
  unfollow: "room:unfollow",
  notify: "room:notify",
  search: "message:search",
  block: "user:block",
  blocks: "user:blocks",
} as const satisfies Record<Exclude<ClientFrame["type"], "auth" | "ping" | "join" | "typing">, RoomRequest>;
