import type { ComponentProps, ReactNode } from "react";
import Markdown, { type Components } from "react-markdown";
import remarkBreaks from "remark-breaks";
import { ControlMark, RevealedText } from "./revealed-text";
import { BODY, PARAGRAPH } from "./plain-body";
import { boundMarkdown, remarkCapDepth, remarkHtmlAsText, remarkLinksAndControls, remarkMentions, remarkStrikethrough } from "@/app/lib/markdown";
import type { UserSummary } from "@/server/contract/model";

const link = "text-accent-600 underline decoration-accent-600/30 underline-offset-2 hover:decoration-accent-600 dark:text-accent-400";

/** Code (and text shown as typed) keeps its characters, but a bidi control in it is shown as its code point too. */
function codeText(children: ReactNode): ReactNode {
  return typeof children === "string" ? <RevealedText text={children} /> : children;
}

const isHttp = (href: string | undefined) => href !== undefined && /^https?:\/\//i.test(href);

/**
 * A message's text with Markdown in it, formatted (MessageBody in message-body.tsx loads
 * this module the first time a message needs it): Markdown rendered to React elements by react-markdown, never
 * to HTML (app/lib/markdown.ts says what is allowed). Headings and images are not part of a
 * chat message: a heading is shown as a bold line, an image as its text. A link to anything
 * but http(s) is shown as the text that was typed. A new line typed is a new line shown
 * (remark-breaks), as people expect of a chat. Its nesting and emphasis are bounded
 * (`boundMarkdown` before parsing, `remarkCapDepth` after): the excess is shown as typed.
 */
export function MarkdownBody({ text: typed, people, selfId }: { text: string; people?: ReadonlyMap<string, UserSummary>; selfId?: string }) {
  const text = boundMarkdown(typed);
  const components: Components = {
    p: ({ children }) => <p className={PARAGRAPH} dir="auto">{children}</p>,
    a: ({ href, children, node }) => {
      if (!isHttp(href)) {
        const { start, end } = node?.position ?? {};
        return <>{start?.offset !== undefined && end?.offset !== undefined ? codeText(text.slice(start.offset, end.offset)) : children}</>;
      }
      return (
        <a href={href} target="_blank" rel="noopener noreferrer nofollow" className={link}>
          {children}
        </a>
      );
    },
    img: ({ alt }) => <>{codeText(alt ?? "")}</>,
    h1: Heading,
    h2: Heading,
    h3: Heading,
    h4: Heading,
    h5: Heading,
    h6: Heading,
    blockquote: ({ children }) => <blockquote className="my-1 border-l-4 border-zinc-300 pl-3 text-zinc-700 dark:border-zinc-600 dark:text-zinc-300">{children}</blockquote>,
    ul: ({ children }) => <ul className="my-1 list-disc pl-6">{children}</ul>,
    ol: ({ children, start }) => <ol start={start} className="my-1 list-decimal pl-6">{children}</ol>,
    pre: ({ children }) => <pre className="my-1 overflow-x-auto rounded-md bg-zinc-100 px-3 py-2 text-[13px] leading-5 dark:bg-zinc-800/80">{children}</pre>,
    code: ({ children, className }) => <code className={`rounded bg-zinc-100 px-1 py-0.5 font-mono text-[13px] dark:bg-zinc-800 [pre_&]:bg-transparent [pre_&]:p-0 ${className ?? ""}`}>{codeText(children)}</code>,
    del: ({ children }) => <del className="text-muted">{children}</del>,
    span: ({ children, ...rest }) => {
      const mention = (rest as { "data-mention"?: string })["data-mention"];
      if (mention) {
        const person = people?.get(mention);
        const self = mention === selfId || mention === "room";
        return (
          <span
            data-mention={mention}
            className={`rounded px-0.5 font-medium ${self ? "bg-amber-200 text-amber-950 dark:bg-amber-400/30 dark:text-amber-100" : "bg-accent-100 text-accent-700 dark:bg-accent-600/25 dark:text-accent-400"}`}
          >
            @{mention === "room" ? "room" : person ? <bdi>{person.name}</bdi> : "someone"}
          </span>
        );
      }
      const bidi = (rest as { "data-bidi"?: string })["data-bidi"];
      return bidi ? <ControlMark code={bidi} /> : <span>{children}</span>;
    },
  };
  return (
    <div className={BODY}>
      <Markdown remarkPlugins={[remarkCapDepth, remarkStrikethrough, remarkBreaks, remarkHtmlAsText, remarkMentions, remarkLinksAndControls]} components={components}>
        {text}
      </Markdown>
    </div>
  );
}

function Heading({ children }: ComponentProps<"h1">) {
  return <p className="font-semibold">{children}</p>;
}
