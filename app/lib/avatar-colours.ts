/**
 * Avatar backgrounds, behind white initials. Every colour is at least 4.5:1 against white
 * (WCAG AA for small text; `avatar-colours.test.ts` checks each one), so every user id gets a
 * passing pair in both colour schemes: the avatar looks the same on light and dark pages.
 */
export const AVATAR_COLOURS = [
  "#be123c", // rose
  "#c2410c", // orange
  "#a16207", // amber
  "#047857", // emerald
  "#0f766e", // teal
  "#0369a1", // sky
  "#4338ca", // indigo
  "#a21caf", // fuchsia
] as const;

/** The initials' colour on every avatar. */
export const AVATAR_TEXT = "#ffffff";

/** A stable colour for a user id (the same in every tab and on every visit). */
export function avatarColour(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return AVATAR_COLOURS[h % AVATAR_COLOURS.length]!;
}
