import type { UserSummary } from "@/server/contract/model";

const COLOURS = [
  "bg-rose-500",
  "bg-orange-500",
  "bg-amber-500",
  "bg-emerald-500",
  "bg-teal-500",
  "bg-sky-500",
  "bg-indigo-500",
  "bg-fuchsia-500",
];

function colourFor(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return COLOURS[h % COLOURS.length]!;
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words[words.length - 1]!].map((w) => [...w][0]) : [...(words[0] ?? "?")].slice(0, 2);
  return letters.join("").toUpperCase();
}

/** A coloured circle with the user's initials; decorative (the name is always written too). */
export function Avatar({ user, size = "md" }: { user: UserSummary; size?: "sm" | "md" }) {
  const dims = size === "sm" ? "size-6 text-[10px]" : "size-9 text-xs";
  return (
    <span
      aria-hidden="true"
      className={`${dims} ${colourFor(user.id)} inline-grid shrink-0 place-items-center rounded-full font-semibold text-white select-none`}
    >
      {initials(user.name)}
    </span>
  );
}
