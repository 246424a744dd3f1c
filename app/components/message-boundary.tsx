"use client";

import { Component, type ReactNode } from "react";

/**
 * One message's safety net: if its formatted body fails to render, that message alone is
 * shown as its plain text, and the rest of the log goes on. Keyed by the text where it is
 * used, so that an edit tries the formatting again.
 *
 * @example
 * <MessageBoundary key={body} text={body}><MessageBody text={body} /></MessageBoundary>
 */
export class MessageBoundary extends Component<{ text: string; children: ReactNode }, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  componentDidCatch(error: unknown): void {
    console.warn("A message could not be formatted; it is shown as plain text.", error);
  }

  render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <p data-plain-text="" className="text-[15px] leading-6 break-words whitespace-pre-wrap [unicode-bidi:plaintext]">
        {this.props.text}
      </p>
    );
  }
}
