/**
 * Accessibility scans (axe-core) of every page people use, in the light and dark colour
 * schemes and at phone width: no serious or critical violation (WCAG 2.x A and AA rules,
 * colour contrast included). A room is scanned with messages, presence and a typing hint
 * on screen, so that timestamps, avatars and secondary text are all there to be checked.
 * Also: the document title names the room, and an unknown address gets Parley's own 404.
 */
import { expectNoSeriousViolations } from "./axe";
import { expect, test, uniqueName } from "./fixtures";
import { scriptedGuest } from "./seed";

const SCHEMES = ["light", "dark"] as const;
const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;


for (const scheme of SCHEMES) {
  for (const [viewportName, viewport] of Object.entries(VIEWPORTS)) {
    test(`no serious violations: sign-in, directory, room, unread counts and settings, ${scheme} scheme, ${viewportName}`, async ({ browser, baseURL }) => {
      const context = await browser.newContext({ colorScheme: scheme, viewport });
      try {
        const page = await context.newPage();
        await page.goto("/");
        await expect(page.getByRole("button", { name: "Continue as guest" })).toBeVisible();
        await expectNoSeriousViolations(page, "sign-in");

        await page.getByRole("textbox", { name: "Display name" }).fill(uniqueName(`Axe ${scheme}`));
        await page.getByRole("button", { name: "Continue as guest" }).click();
        await expect(page.getByRole("textbox", { name: "New room name" })).toBeVisible();
        await expectNoSeriousViolations(page, "directory");

        const roomName = uniqueName(`Contrast ${scheme} ${viewportName}`);
        await page.getByRole("textbox", { name: "New room name" }).fill(roomName);
        await page.getByRole("button", { name: "Create room" }).click();
        await expect(page.getByRole("status", { name: "Connection" })).toContainText("Connected");
        await expect(page.getByRole("log", { name: "Messages" })).toHaveAttribute("aria-busy", "false");
        await expect(page).toHaveTitle(`${roomName} · Parley`);
        const composer = page.getByRole("textbox", { name: "Message" });
        for (const text of ["Hello there", "A link: https://example.org/page"]) {
          await composer.fill(text);
          await composer.press("Enter");
        }
        // Files: one being attached (its card and progress in the composer), one sent (a file card in the log).
        await page.getByLabel("Attach files", { exact: true }).setInputFiles([{ name: "notes.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n%%EOF\n") }]);
        await expect(page.getByRole("list", { name: "Attachments" })).toBeVisible();
        await composer.fill("Third message");
        await composer.press("Enter");
        await expect(page.getByRole("log", { name: "Messages" }).getByRole("link", { name: "notes.pdf", exact: true })).toBeVisible();
        await page.getByLabel("Attach files", { exact: true }).setInputFiles([{ name: "draft.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n%%EOF\n") }]);
        await expect(page.getByRole("button", { name: "Remove draft.pdf" })).toBeVisible();
        await expect(page.getByRole("log", { name: "Messages" }).getByRole("article")).toHaveCount(3);
        await expect(page.getByRole("log", { name: "Messages" }).getByText("Third message")).toBeVisible();
        await page.screenshot({ path: `test-results/axe-room-${scheme}-${viewportName}.png` });
        await expectNoSeriousViolations(page, "room");

        // Unread: someone else writes while the user is elsewhere; the badge, the bold name and
        // then the "New messages" line are scanned too.
        const path = new URL(page.url()).pathname;
        await page.goto("/");
        await expect(page.getByRole("textbox", { name: "New room name" })).toBeVisible();
        const bot = await scriptedGuest(baseURL!, uniqueName("Writer"));
        const joined = await bot.join(path.slice("/r/".length));
        for (const text of ["Unread one", "Unread two"]) await bot.say(joined.id, text);
        bot.close();
        const unread = page.getByRole("navigation", { name: "Rooms" }).getByRole("link", { name: `${roomName}, 2 unread` });
        await expect(unread).toBeVisible();
        await expect(page).toHaveTitle(/^\(2\) /);
        await page.screenshot({ path: `test-results/axe-unread-${scheme}-${viewportName}.png` });
        await expectNoSeriousViolations(page, "directory with unread rooms");
        // Search results take the room list's place until cleared.
        const box = page.getByRole("searchbox", { name: "Search messages" });
        // Other tests' rooms are on the same server: this room's messages only.
        await box.fill(`in:"${roomName}" unread`);
        await box.press("Enter");
        await expect(page.getByRole("list", { name: "Search results" }).getByRole("listitem")).toHaveCount(2);
        await page.screenshot({ path: `test-results/axe-search-${scheme}-${viewportName}.png` });
        await expectNoSeriousViolations(page, "search results");
        await page.getByRole("button", { name: "Clear search" }).click();
        await unread.click();
        await expect(page.getByRole("separator", { name: "New messages" })).toBeVisible();
        await page.screenshot({ path: `test-results/axe-new-messages-${scheme}-${viewportName}.png` });
        await expectNoSeriousViolations(page, "room with the New messages line");

        // A direct conversation, from "Message <name>" in the Online list: its page (the
        // other person's name, Block), and the "Direct messages" navigation.
        const friendName = uniqueName("Friend");
        const friend = await scriptedGuest(baseURL!, friendName);
        await friend.join(path.slice("/r/".length));
        const online = page.getByRole("list", { name: "Online" });
        if (viewportName === "phone") await page.getByRole("button", { name: /online$/ }).click();
        await online.getByRole("button", { name: `Message ${friendName}` }).click();
        await expect(page.getByRole("heading", { level: 1, name: friendName })).toBeVisible();
        await expect(page.getByRole("log", { name: "Messages" })).toHaveAttribute("aria-busy", "false");
        await composer.fill("Just between us");
        await composer.press("Enter");
        await expect(page.getByRole("log", { name: "Messages" }).getByRole("article").filter({ hasText: "Just between us" })).toHaveAttribute("data-status", "sent");
        await page.screenshot({ path: `test-results/axe-direct-${scheme}-${viewportName}.png` });
        await expectNoSeriousViolations(page, "direct conversation");
        friend.close();
        await page.goto("/");
        await expect(page.getByRole("navigation", { name: "Direct messages" }).getByRole("link", { name: friendName })).toBeVisible();
        await expectNoSeriousViolations(page, "directory with a direct conversation");

        await page.goto("/settings");
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        await expectNoSeriousViolations(page, "settings");

        await page.goto("/no/such/page");
        await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
        await expect(page).toHaveTitle("Page not found · Parley");
        await expect(page.getByRole("link", { name: "Go to the room directory" })).toBeVisible();
        await expectNoSeriousViolations(page, "not found");
      } finally {
        await context.close();
      }
    });
  }
}
