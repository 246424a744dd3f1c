import { revealControls } from "@/app/lib/linkify";

export const controlMark = "mx-0.5 rounded bg-amber-100 px-1 font-mono text-[11px] text-amber-900 dark:bg-amber-900/40 dark:text-amber-200";

/**
 * Plain text (a reply's quote, a search snippet) with every bidi control shown as its code
 * point, so that a right-to-left override in someone's message cannot reorder what is shown
 * around it ("Trojan Source"), as in the message's own rendering.
 */
export function RevealedText({ text }: { text: string }) {
  return (
    <>
      {revealControls(text).map((part, i) =>
        part.control ? (
          <span key={i} data-bidi={part.control} title="Bidirectional control character, shown so that it cannot reorder the text" className={controlMark}>
            {part.control}
          </span>
        ) : (
          part.text
        ),
      )}
    </>
  );
}
