/**
 * What this tab knows of people's profile pictures now. A message carries its author as they
 * looked when it was read; the live stream says how they look now (presence lists, new
 * messages, typing hints, `profile:changed`), and every avatar on screen follows the
 * freshest word: a new picture replaces the old one beside every message at once.
 *
 * Framework-free; `app/components/avatar.tsx` reads it through `useAvatarOf`.
 */
import type { UserSummary } from "@/server/contract/model";
import { Observable } from "./observable";
import type { ChatTransport } from "./transport";

/** userId → their avatar file id, or null for none (initials). */
export type KnownAvatars = ReadonlyMap<string, string | null>;

export class PeopleStore extends Observable<KnownAvatars> {
  private readonly stops: Array<() => void>;

  constructor(transport: Pick<ChatTransport, "subscribe">) {
    super(new Map());
    this.stops = [
      transport.subscribe("presence:changed", ({ online }) => this.learn(online)),
      transport.subscribe("message:created", (m) => this.learn([m.author])),
      transport.subscribe("typing:changed", ({ user }) => this.learn([user])),
      transport.subscribe("profile:changed", ({ user }) => this.learn([user])),
    ];
  }

  /** People as the server says they look now. */
  learn(users: readonly UserSummary[]): void {
    const known = this.get();
    const changed = users.filter((u) => known.get(u.id) !== (u.avatar ?? null));
    if (changed.length === 0) return;
    const next = new Map(known);
    for (const u of changed) next.set(u.id, u.avatar ?? null);
    this.set(next);
  }

  /** The avatar to show for `user`: the freshest known, else the one they carry. */
  avatarOf(user: UserSummary): string | undefined {
    const known = this.get().get(user.id);
    return known === undefined ? user.avatar : (known ?? undefined);
  }

  close(): void {
    for (const stop of this.stops) stop();
  }
}
