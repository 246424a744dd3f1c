import { test as base, type Browser } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";

interface Fixtures {
  /** A new person in a browser context of their own, signed in as a guest, at the directory. */
  newUser(name: string): Promise<ChatPage>;
}

let counter = 0;

/** A display name unique to this run, so parallel tests never see each other's people. */
export function uniqueName(base: string): string {
  return `${base} ${process.pid % 1000}${++counter}`;
}

/**
 * A person in a browser context of their own, signed in as a guest, at the directory: of the
 * run's server, or of `baseURL` (a server a test starts itself). The caller closes the context.
 */
export async function signedIn(browser: Browser, name: string, baseURL?: string): Promise<ChatPage> {
  const context = await browser.newContext(baseURL ? { baseURL } : {});
  const chat = new ChatPage(await context.newPage());
  await chat.page.goto("/");
  await chat.signIn(name);
  await chat.roomsNav.waitFor();
  return chat;
}

export const test = base.extend<Fixtures>({
  newUser: async ({ browser }, use) => {
    const contexts: Awaited<ReturnType<Browser["newContext"]>>[] = [];
    await use(async (name) => {
      const chat = await signedIn(browser, name);
      contexts.push(chat.page.context());
      return chat;
    });
    for (const c of contexts) await c.close();
  },
});

export { expect } from "@playwright/test";
