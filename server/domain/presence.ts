import type { UserSummary } from "../contract/model";

/**
 * Who is in which room. Entries are per user, counted per connection: a user with three
 * tabs is one entry, removed when the last tab's connection leaves. The in-process store
 * (`store/memory/presence.store.ts`) serves one node; a shared one can replace it for many.
 */
export interface PresenceStore {
  /** Returns true when the user was not present before (the list changed). */
  add(roomId: string, user: UserSummary, connectionId: string): Promise<boolean>;
  /** Returns true when this was the user's last connection in the room (the list changed). */
  remove(roomId: string, userId: string, connectionId: string): Promise<boolean>;
  /** Present users, in the order they arrived. */
  list(roomId: string): Promise<UserSummary[]>;
}
