/** Shapes that travel over the wire. Dates are ISO-8601 strings. */

export interface UserSummary {
  id: string;
  name: string;
}

/** What the signed-in user knows of their own account. */
export interface AccountInfo {
  /** A guest has no username or password yet, and may create an account keeping their history. */
  guest: boolean;
  username: string | null;
}

export type RoomVisibility = "public" | "private";

export interface RoomSummary {
  id: string;
  slug: string;
  name: string;
  /** Public rooms are listed for everyone; private ones only for their members. */
  visibility: RoomVisibility;
  /** The creator, who may rename the room, remove members and delete it. */
  ownerId: string;
  createdAt: string;
}

export interface ChatMessage {
  id: string;
  roomId: string;
  /** Strictly increasing within a room, assigned by the server at commit. Order by this. */
  seq: number;
  /** The id the sending client gave the message before sending it (a UUID). */
  clientId: string;
  author: UserSummary;
  body: string;
  createdAt: string;
}

export interface HistoryPage {
  /** Ascending by seq. */
  messages: ChatMessage[];
  /** True when messages older than the first one returned exist. */
  hasMore: boolean;
}

/** A personal API token as listed: never the token itself, which is shown once at creation. */
export interface ApiTokenSummary {
  id: string;
  name: string;
  /** The token's first characters, to recognise it. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}
