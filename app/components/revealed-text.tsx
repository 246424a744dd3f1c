import { revealControls } from "@/app/lib/bidi-controls";

/** A bidi control character, shown as its code point ("U+202E") so that it cannot reorder the text. */
export function ControlMark({ code }: { code: string }) {
  return (
    <span data-bidi={code} title="Bidirectional control character, shown so that it cannot reorder the text" className="mx-0.5 rounded bg-amber-100 px-1 font-mono text-[11px] text-amber-900 dark:bg-amber-900/40 dark:text-amber-200">
      {code}
    </span>
  );
}

/**
 * Plain text (a reply's quote, a search snippet) with every bidi control shown as its code
 * point, so that a right-to-left override in someone's message cannot reorder what is shown
 * around it ("Trojan Source"), as in the message's own rendering.
 */
export function RevealedText({ text }: { text: string }) {
  return (
    <>
      {revealControls(text).map((part, i) => (part.control ? <ControlMark key={i} code={part.control} /> : part.text))}
    </>
  );
}
