"use client";

import { useState, useSyncExternalStore } from "react";
import { useConnection } from "@/app/hooks/socket-context";
import { AVATAR_TEXT, avatarColour } from "@/app/lib/avatar-colours";
import { thumbnailUrl } from "@/server/contract/files";
import type { UserSummary } from "@/server/contract/model";

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words[words.length - 1]!].map((w) => [...w][0]) : [...(words[0] ?? "?")].slice(0, 2);
  return letters.join("").toUpperCase();
}

const noop = () => () => undefined;

/** The profile picture to show for `user`: the freshest the tab heard of, else the one they carry. */
export function useAvatarOf(user: UserSummary): string | undefined {
  const people = useConnection()?.people;
  useSyncExternalStore(people?.subscribe ?? noop, () => people?.get(), () => undefined);
  return people ? people.avatarOf(user) : user.avatar;
}

const SIZES = { xs: "size-5 text-[9px]", sm: "size-6 text-[10px]", md: "size-9 text-xs", lg: "size-16 text-xl" } as const;

/**
 * A person's profile picture (its square thumbnail), or a coloured circle with their
 * initials when they have none or it cannot be loaded; decorative (the name is always
 * written too).
 */
export function Avatar({ user, size = "md" }: { user: UserSummary; size?: keyof typeof SIZES }) {
  const avatar = useAvatarOf(user);
  // The picture that failed to load (removed since): initials instead, until another is set.
  const [failed, setFailed] = useState<string | null>(null);
  const dims = SIZES[size];
  if (avatar && failed !== avatar) {
    return (
      // eslint-disable-next-line @next/next/no-img-element -- a same-origin thumbnail behind the session cookie: Next's image optimiser would fetch it without one
      <img
        src={thumbnailUrl(avatar)}
        alt=""
        aria-hidden="true"
        data-avatar={avatar}
        onError={() => setFailed(avatar)}
        className={`${dims} shrink-0 rounded-full bg-zinc-200 object-cover select-none dark:bg-zinc-800`}
        draggable={false}
      />
    );
  }
  return (
    <span
      aria-hidden="true"
      style={{ backgroundColor: avatarColour(user.id), color: AVATAR_TEXT }}
      className={`${dims} inline-grid shrink-0 place-items-center rounded-full font-semibold select-none`}
    >
      {initials(user.name)}
    </span>
  );
}
