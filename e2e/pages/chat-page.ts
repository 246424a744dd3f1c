import { expect, type Locator, type Page } from "@playwright/test";

/** What a person sees and does in Parley, by accessible role and name (the UI contract). */
export class ChatPage {
  readonly roomsNav: Locator;
  readonly log: Locator;
  readonly messages: Locator;
  readonly composer: Locator;
  readonly sendButton: Locator;
  readonly online: Locator;
  readonly connection: Locator;
  readonly loadOlder: Locator;

  constructor(readonly page: Page) {
    this.roomsNav = page.getByRole("navigation", { name: "Rooms" });
    this.log = page.getByRole("log", { name: "Messages" });
    this.messages = this.log.getByRole("article");
    this.composer = page.getByRole("textbox", { name: "Message" });
    this.sendButton = page.getByRole("button", { name: "Send" });
    this.online = page.getByRole("list", { name: "Online" });
    this.connection = page.getByRole("status", { name: "Connection" });
    this.loadOlder = page.getByRole("button", { name: "Load older messages" });
  }

  async signIn(name: string) {
    await this.page.getByRole("textbox", { name: "Display name" }).fill(name);
    await this.page.getByRole("button", { name: "Continue as guest" }).click();
  }

  async createRoom(name: string): Promise<string> {
    await this.page.getByRole("textbox", { name: "New room name" }).fill(name);
    await this.page.getByRole("button", { name: "Create room" }).click();
    await expect(this.page.getByRole("heading", { level: 1, name })).toBeVisible();
    await expect(this.connection).toContainText("Connected");
    // Joined: until then the composer keeps what is typed rather than sending it.
    await expect(this.log).toHaveAttribute("aria-busy", "false");
    return new URL(this.page.url()).pathname;
  }

  async openRoom(path: string) {
    await this.page.goto(path);
    await expect(this.connection).toContainText("Connected");
    await expect(this.log).toHaveAttribute("aria-busy", "false");
  }

  /** Types and presses Enter, as most people send. */
  async send(text: string) {
    await this.composer.fill(text);
    await this.composer.press("Enter");
  }

  message(text: string): Locator {
    return this.messages.filter({ hasText: text });
  }

  /** Opens a message's "Message actions" menu and picks `action`. */
  async act(text: string, action: "Reply" | "Add reaction" | "Edit" | "Delete" | "Report") {
    const article = this.message(text);
    await article.hover();
    await article.getByRole("button", { name: "Message actions" }).click();
    await this.page.getByRole("menuitem", { name: action }).click();
  }

  async edit(text: string, next: string) {
    await this.act(text, "Edit");
    const box = this.page.getByRole("textbox", { name: "Edit message" });
    await box.fill(next);
    await box.press("Enter");
  }

  async react(text: string, emoji: string) {
    await this.act(text, "Add reaction");
    await this.page.getByRole("dialog", { name: "Add reaction" }).getByRole("button", { name: emoji, exact: true }).click();
  }

  async deleteMessage(text: string) {
    await this.act(text, "Delete");
    await this.page.getByRole("alertdialog").getByRole("button", { name: "Delete" }).click();
  }

  onlineNames(): Locator {
    return this.online.getByRole("listitem");
  }
}
