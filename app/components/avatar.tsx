import { AVATAR_TEXT, avatarColour } from "@/app/lib/avatar-colours";
import type { UserSummary } from "@/server/contract/model";

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words[words.length - 1]!].map((w) => [...w][0]) : [...(words[0] ?? "?")].slice(0, 2);
  return letters.join("").toUpperCase();
}

/** A coloured circle with the user's initials; decorative (the name is always written too). */
export function Avatar({ user, size = "md" }: { user: UserSummary; size?: "xs" | "sm" | "md" }) {
  const dims = size === "xs" ? "size-5 text-[9px]" : size === "sm" ? "size-6 text-[10px]" : "size-9 text-xs";
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
