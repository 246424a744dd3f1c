import { Fragment } from "react";

/** The classes of a message's text and of each of its paragraphs, Markdown or not. */
export const BODY = "space-y-1 text-[15px] leading-6 break-words [&_li>p]:inline";
export const PARAGRAPH = "[unicode-bidi:isolate]";

// Letters, marks, digits, emoji (with their joiners, modifiers, flags and keycaps), single
// spaces and new lines, and the punctuation that means nothing to Parley's Markdown, its
// links or its mentions. Everything else (`*_~\`[]<>#&\|`, tabs, controls, other symbols)
// takes the Markdown path.
const ALPHABET = /^[\p{L}\p{M}\p{N}\p{Extended_Pictographic}\p{Emoji_Modifier}\u200D\uFE0F\u20E3\u{1F1E6}-\u{1F1FF} \n,.?!'";:()/%$^{}=+\-—–…‘’“”。、，！？：；]*$/u;
// What would still be Markdown or a link with only those: a new line first or last, a line's leading or trailing
// space (an indented code block, a hard break), a line that starts a list, a setext heading
// or a thematic break, a dot inside a word (a domain name for linkify-it), a scheme.
const MARKUP = /^\n|\n$|(^|\n) | (\n|$)|(^|\n)([-+=]|\d+[.)])|[.。．｡][^\s.]|\/\/|:\p{L}/u;

/**
 * Whether a message's text renders the same without the Markdown renderer: true only for
 * text in which nothing can be formatting, a link, a mention or a control (a unit test
 * checks the two agree on thousands of generated texts). Most chat messages are: they are
 * shown without loading the renderer at all.
 */
export function isPlainMessage(text: string): boolean {
  return ALPHABET.test(text) && !MARKUP.test(text);
}

/**
 * A plain message (`isPlainMessage`) as the Markdown renderer would show it: paragraphs
 * between blank lines, a new line typed is a new line shown. Also what a message with
 * Markdown shows in the moment before the renderer has loaded (its text as typed).
 */
export function PlainBody({ text }: { text: string }) {
  const paragraphs = text.split(/\n{2,}/).filter((p) => p !== "");
  return (
    <div className={BODY}>
      {paragraphs.map((paragraph, i) => (
        <Fragment key={i}>
          {i > 0 ? "\n" : null}
          <p className={PARAGRAPH} dir="auto">
          {paragraph.split("\n").map((line, j) => (
            <Fragment key={j}>
              {j > 0 ? (
                <>
                  <br />
                  {"\n"}
                </>
              ) : null}
              {line}
            </Fragment>
          ))}
          </p>
        </Fragment>
      ))}
    </div>
  );
}
