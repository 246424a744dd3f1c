/**
 * Mentions in a message's text, shared by the server and the browser: `<@userId>`, the form the composer writes for a person
 * picked from its suggestions. Stored by id, so a mention shows the person's current name
 * (the server attaches `mentions`, id and name, to every message it hands out) and survives
 * a rename.
 *
 * @example mentionedIds("hi <@u_1> and <@u_2>, <@u_1>") // ["u_1", "u_2"]
 */
export const MENTION = /<@([A-Za-z0-9_-]{1,64})>/g;

/** The distinct user ids a text mentions, in order of first appearance. */
export function mentionedIds(body: string): string[] {
  if (!body.includes("<@")) return [];
  return [...new Set([...body.matchAll(MENTION)].map((m) => m[1]!))];
}

/** `@room`: everyone who follows the room (see MessageService.send for who may use it). */
export const ROOM_MENTION = "<@room>";
export const mentionsRoom = (body: string): boolean => body.includes(ROOM_MENTION);
/** In rooms followed by more than this many people, only the room's owner may use `@room`. */
export const ROOM_MENTION_OPEN_UP_TO = 20;

/** The token that mentions a user in a message's text. */
export const mentionToken = (userId: string): string => `<@${userId}>`;
