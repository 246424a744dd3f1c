import { z } from "zod";
import { LIMITS, withoutControls } from "./limits";
import { FILE_LIMIT_DEFAULTS } from "./files";
import { SEARCH_PAGE_MAX } from "./search";
import { REPORT_REASONS } from "./model";

/**
 * zod schemas for every client-to-server payload. Lengths that produce their own error
 * codes (message and room-name limits) are checked in the domain, so that the sender
 * gets a specific reason rather than a generic "invalid payload".
 */
/** An id: a UUID, a user's id, or a direct conversation's (`dm.<a>.<b>`, two user ids). */
const id = z.string().min(1).max(100);

export const roomListSchema = z.object({}).strict();

export const roomCreateSchema = z
  .object({ name: z.string().max(1000), visibility: z.enum(["public", "private"]).optional() })
  .strict();

export const roomJoinSchema = z
  .object({
    slug: z.string().min(1).max(100),
    /** An invite token from a private room's invite link. */
    invite: z.string().min(1).max(100).optional(),
    /**
     * Rejoining: the last seq the client holds without a hole. The answer's history is then
     * what came after it (oldest first, up to historyPageMax, `hasMore` if more follow)
     * instead of the latest page, so a reconnect catches up in the join itself.
     */
    after: z.number().int().nonnegative().optional(),
    /**
     * Rejoining: the last change cursor (`cseq`) the client holds. The answer then carries
     * the changes after it (`changes`), so edits, deletions and reactions made while it was
     * away are caught up in the join too.
     */
    changesAfter: z.number().int().nonnegative().optional(),
  })
  .strict();

export const roomRefSchema = z.object({ roomId: id }).strict();
export const roomRenameSchema = z.object({ roomId: id, name: z.string().max(1000) }).strict();
export const roomRemoveMemberSchema = z.object({ roomId: id, userId: id }).strict();
/** A room's people (members or followers, and its owner), searched by the start of a name or word: the Members list, mention suggestions. */
export const roomPeopleSchema = z
  .object({ roomId: id, query: z.string().max(LIMITS.displayNameLength).optional(), offset: z.number().int().min(0).max(100_000).optional(), limit: z.number().int().min(1).max(100).optional() })
  .strict();
export type RoomPeopleInput = z.infer<typeof roomPeopleSchema>;
/** Hands the room to another person (its owner, or an administrator). */
export const roomTransferSchema = z.object({ roomId: id, userId: id }).strict();
export type RoomTransferInput = z.infer<typeof roomTransferSchema>;

export const roomLeaveSchema = z.object({ roomId: id }).strict();

export const messageSendSchema = z
  .object({
    roomId: id,
    clientId: z.uuid(),
    // Generous bound: the domain refuses > LIMITS.messageLength with a clear reason.
    body: z.string().max(LIMITS.messageLength * 4),
    /** The id of the message this one replies to (in the same room). */
    replyTo: id.optional(),
    /** Files uploaded first (PUT /api/files/<id>), in the order shown; the domain checks how many. */
    attachments: z.array(z.uuid()).max(FILE_LIMIT_DEFAULTS.filesPerMessageCap).optional(),
  })
  .strict();

export const messageHistorySchema = z
  .object({
    roomId: id,
    /** Return messages with seq < before (older page). */
    before: z.number().int().positive().optional(),
    /** Return messages with seq > after (catch-up). */
    after: z.number().int().nonnegative().optional(),
    /**
     * Return the messages around this seq: up to half the page before it, it, and the rest
     * after it (jumping to a reply's original, a search result, the first unread).
     */
    around: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(LIMITS.historyPageMax).optional(),
  })
  .strict()
  .refine((p) => [p.before, p.after, p.around].filter((v) => v !== undefined).length <= 1, {
    message: "give one of before, after and around",
  });

const changeRef = { roomId: id, messageId: id, clientChangeId: z.uuid() };

export const messageEditSchema = z
  .object({ ...changeRef, body: z.string().max(LIMITS.messageLength * 4) })
  .strict();

export const messageDeleteSchema = z.object(changeRef).strict();

/** `emoji` is checked in the domain (one emoji) so that the refusal says why. */
export const reactionSchema = z
  .object({ ...changeRef, emoji: z.string().max(LIMITS.reactionLength * 4) })
  .strict();

export const messageChangesSchema = z
  .object({
    roomId: id,
    /** Changes with cseq > after, ascending. */
    after: z.number().int().nonnegative(),
    limit: z.number().int().min(1).max(LIMITS.changesPageMax).optional(),
  })
  .strict();

export const typingSchema = z.object({ roomId: id }).strict();

/** The read positions of every followed room, at (re)connect; no parameters. */
export const attentionSyncSchema = z.object({}).strict();

/** Read up to `seq` (moved forward only, never past the room's latest message). */
export const readMarkSchema = z.object({ roomId: id, seq: z.number().int().nonnegative() }).strict();

export const readAllSchema = z.object({}).strict();

/** When to be notified of a room's messages; "default": as the room's kind has it. */
export const roomNotifySchema = z.object({ roomId: id, level: z.enum(["all", "mentions", "off", "default"]) }).strict();

/**
 * Search the messages one may read (server/contract/search.ts has the query language). Long
 * queries are accepted and cut to their first terms, never refused: a pasted paragraph
 * still gets an answer.
 */
/** Block (or unblock) someone: their messages stop reaching you; neither can message the other directly. */
export const userBlockSchema = z.object({ userId: id, blocked: z.boolean() }).strict();

/** The people one blocks; no parameters. */
export const userBlocksSchema = z.object({}).strict();

/** What one may do in a room beyond reading and writing (remove others' messages, appoint moderators). */
export const roomPowersSchema = z.object({ roomId: id }).strict();
/** A room's moderators. */
export const roomModeratorsSchema = z.object({ roomId: id }).strict();
/** Appoint (or dismiss) a room's moderator: its owner or an administrator. */
export const roomModeratorSchema = z.object({ roomId: id, userId: id, moderator: z.boolean() }).strict();
/** An administrator changes someone's instance role. */
export const userRoleSchema = z.object({ userId: id, role: z.enum(["admin", "member"]) }).strict();
/** Minutes from now (1 to a year); null: until lifted. */
const minutes = z.number().int().min(1).max(366 * 24 * 60);
/** Why, for the person and the audit log: one line. */
const reason = z.string().max(500).optional();
/** Mute someone in a room (its moderators) or, with `roomId` null, everywhere (administrators). */
export const userMuteSchema = z.object({ userId: id, roomId: id.nullable(), minutes: minutes.nullable(), reason }).strict();
export const userUnmuteSchema = z.object({ userId: id, roomId: id.nullable() }).strict();
/** Remove someone from a room: a public room's kick lasts `minutes` (default 60); a private room's ends their membership. */
export const roomKickSchema = z.object({ roomId: id, userId: id, minutes: minutes.optional(), reason }).strict();
/** Let someone kicked from a public room back in early. */
export const roomUnkickSchema = z.object({ roomId: id, userId: id }).strict();
/** Ban an account from the instance (administrators); `minutes` null: until lifted. */
/** `removeMessages`: remove all of their messages too (a background task: `user:purge`). */
export const userBanSchema = z.object({ userId: id, minutes: minutes.nullable(), reason, removeMessages: z.boolean().optional() }).strict();
/** Removes all of someone's messages in every room, as a background task (administrators). */
export const userPurgeSchema = z.object({ userId: id, reason }).strict();
/** The instance's settings (administrators). */
export const settingsGetSchema = z.object({}).strict();
/** Changes some of them (administrators); one the environment sets is refused. */
export const settingsSetSchema = z
  .object({ guestAccess: z.enum(["open", "read-only", "off"]).optional(), guestIdleDays: z.number().int().min(1).max(3650).nullable().optional() })
  .strict();
/** The removal tasks, newest first (administrators). */
export const purgesListSchema = z.object({ limit: z.number().int().min(1).max(100).optional() }).strict();
export const userUnbanSchema = z.object({ userId: id }).strict();
/** The mutes and kicks in force in a room (its moderators) or, with `roomId` null, every sanction (administrators). */
export const sanctionsListSchema = z.object({ roomId: id.nullable() }).strict();
/** The audit log, newest first, a page at a time (administrators). */
export const auditListSchema = z.object({ before: z.object({ at: z.iso.datetime(), id }).strict().optional(), limit: z.number().int().min(1).max(200).optional() }).strict();
/** A member reports someone else's message: a reason from the list, a note of their own. */
export const reportFileSchema = z
  .object({ roomId: id, messageId: id, reason: z.enum(REPORT_REASONS), note: z.string().max(LIMITS.reportNoteLength).optional() })
  .strict();
/** The report queue: a room's (its moderators) or, with `roomId` null, every room's (administrators). */
export const reportsListSchema = z
  .object({ roomId: id.nullable(), open: z.boolean().optional(), before: id.optional(), limit: z.number().int().min(1).max(100).optional() })
  .strict();
/** Closes a report (and every open report of its message): the message is removed, or the report dismissed. */
export const reportResolveSchema = z.object({ reportId: id, outcome: z.enum(["removed", "dismissed"]) }).strict();
/** The instance's people (administrators): newest first, searched by name or username, a page at a time. */
export const usersListSchema = z
  .object({ query: z.string().max(100).optional(), offset: z.number().int().min(0).max(100_000).optional(), limit: z.number().int().min(1).max(100).optional() })
  .strict();
/** Every room but direct conversations (administrators), a page at a time. */
export const roomsAllSchema = z.object({ offset: z.number().int().min(0).max(100_000).optional(), limit: z.number().int().min(1).max(100).optional() }).strict();
export type UsersListInput = z.infer<typeof usersListSchema>;
export type RoomsAllInput = z.infer<typeof roomsAllSchema>;
export type ReportFileInput = z.infer<typeof reportFileSchema>;
export type ReportsListInput = z.infer<typeof reportsListSchema>;
export type ReportResolveInput = z.infer<typeof reportResolveSchema>;
export type UserMuteInput = z.infer<typeof userMuteSchema>;
export type UserUnmuteInput = z.infer<typeof userUnmuteSchema>;
export type RoomKickInput = z.infer<typeof roomKickSchema>;
export type RoomUnkickInput = z.infer<typeof roomUnkickSchema>;
export type UserBanInput = z.infer<typeof userBanSchema>;
export type UserUnbanInput = z.infer<typeof userUnbanSchema>;
export type UserPurgeInput = z.infer<typeof userPurgeSchema>;
export type SettingsSetInput = z.infer<typeof settingsSetSchema>;
export type PurgesListInput = z.infer<typeof purgesListSchema>;
export type SanctionsListInput = z.infer<typeof sanctionsListSchema>;
export type AuditListInput = z.infer<typeof auditListSchema>;
export type RoomModeratorInput = z.infer<typeof roomModeratorSchema>;
export type UserRoleInput = z.infer<typeof userRoleSchema>;

/** One's profile picture: an avatar upload of one's own (`PUT /api/files/<id>?purpose=avatar`), or null for none. */
export const accountAvatarSchema = z.object({ fileId: z.uuid().nullable() }).strict();
export type AccountAvatarInput = z.infer<typeof accountAvatarSchema>;

export const messageSearchSchema = z
  .object({
    query: z.string().max(20_000),
    /** This room only (the current room). */
    roomId: id.optional(),
    /** The `next` of the previous page. */
    cursor: z.string().min(1).max(200).optional(),
    limit: z.number().int().min(1).max(SEARCH_PAGE_MAX).optional(),
  })
  .strict();

/** Stop following a room: no unread count for it until it is opened again. */
export const roomUnfollowSchema = z.object({ roomId: id }).strict();

export const displayNameSchema = z.object({
  displayName: z
    .string()
    .overwrite(withoutControls)
    .trim()
    .min(1, "Pick a display name")
    .max(LIMITS.displayNameLength, `Display names are at most ${LIMITS.displayNameLength} characters`),
});

export type RoomCreateInput = z.infer<typeof roomCreateSchema>;
export type RoomJoinInput = z.infer<typeof roomJoinSchema>;
export type RoomLeaveInput = z.infer<typeof roomLeaveSchema>;
export type RoomRefInput = z.infer<typeof roomRefSchema>;
export type RoomRenameInput = z.infer<typeof roomRenameSchema>;
export type RoomRemoveMemberInput = z.infer<typeof roomRemoveMemberSchema>;
export type MessageSendInput = z.infer<typeof messageSendSchema>;
export type MessageHistoryInput = z.infer<typeof messageHistorySchema>;
export type TypingInput = z.infer<typeof typingSchema>;
export type MessageEditInput = z.infer<typeof messageEditSchema>;
export type MessageDeleteInput = z.infer<typeof messageDeleteSchema>;
export type ReactionInput = z.infer<typeof reactionSchema>;
export type MessageChangesInput = z.infer<typeof messageChangesSchema>;
export type ReadMarkInput = z.infer<typeof readMarkSchema>;
export type RoomUnfollowInput = z.infer<typeof roomUnfollowSchema>;
export type RoomNotifyInput = z.infer<typeof roomNotifySchema>;
export type MessageSearchInput = z.infer<typeof messageSearchSchema>;
export type UserBlockInput = z.infer<typeof userBlockSchema>;

export const usernameSchema = z
  .string()
  .trim()
  .min(3, "Usernames have at least 3 characters")
  .max(30, "Usernames have at most 30 characters")
  .regex(/^[a-zA-Z0-9_.]+$/, "Usernames use letters, digits, dots and underscores only");

export const passwordSchema = z
  .string()
  .min(8, "Passwords have at least 8 characters")
  .max(128, "Passwords have at most 128 characters");

/** One's own new password: the current one proves it is them. */
export const changePasswordSchema = z.object({ currentPassword: z.string().min(1, "Enter your current password").max(1000), newPassword: passwordSchema }).strict();
/** One's own display name (shown to everyone: presence, lists, messages). */
export const accountNameSchema = z.object({ name: z.string().max(1000) }).strict();
export type AccountNameInput = z.infer<typeof accountNameSchema>;

/** An administrator sets a new password for an account (its sessions end). */
export const userPasswordSchema = z.object({ userId: z.string().min(1).max(100), password: passwordSchema }).strict();
export type UserPasswordInput = z.infer<typeof userPasswordSchema>;

export const signUpSchema = z.object({
  username: usernameSchema,
  password: passwordSchema,
  /** Shown to others; the username when absent (a guest keeps the name they have). */
  displayName: displayNameSchema.shape.displayName.optional(),
});

export const signInSchema = z.object({
  username: z.string().trim().min(1, "Enter your username").max(100),
  password: z.string().min(1, "Enter your password").max(1000),
});

/** A browser's Web Push subscription (PushSubscription.toJSON()). */
export const pushSubscribeSchema = z
  .object({
    endpoint: z.url({ protocol: /^https$/ }).max(2000),
    keys: z.object({ p256dh: z.string().min(1).max(200), auth: z.string().min(1).max(100) }).strict(),
    expirationTime: z.number().nullable().optional(),
  })
  .strict();
export const pushUnsubscribeSchema = z.object({ endpoint: z.string().max(2000) }).strict();

export const tokenCreateSchema = z.object({ name: z.string().max(200) }).strict();
export const tokenRevokeSchema = z.object({ id }).strict();
