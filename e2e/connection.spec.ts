import { ChatPage } from "./pages/chat-page";
import { expect, test, uniqueName } from "./fixtures";
import { ServerProcess } from "./server-process";

test("the Connection status follows the browser going offline and back", async ({ newUser }) => {
  const ada = await newUser(uniqueName("Ada"));
  await ada.createRoom(uniqueName("Flaky"));
  await expect(ada.connection).toHaveText("Connected");
  await ada.page.context().setOffline(true);
  await expect(ada.connection).toHaveText("Offline");
  await ada.page.context().setOffline(false);
  await expect(ada.connection).toHaveText("Connected", { timeout: 15_000 });
  await ada.send("back online");
  await expect(ada.message("back online")).toHaveAttribute("data-status", "sent");
});

test.describe("a server of its own", () => {
  // Starting a production server twice, plus reconnect backoff, outlasts the default 30 s
  // when the machine is busy with the other worker.
  test.describe.configure({ timeout: 90_000 });
  // Ports apart from the shared e2e server's.
  let server: ServerProcess;
  test.beforeEach(async ({}, testInfo) => {
    server = new ServerProcess(3200 + testInfo.workerIndex);
    await server.start();
  });
  test.afterEach(async () => {
    await server.dispose();
  });

  test("SIGTERM shuts down gracefully; after a restart the page reconnects and history is still there", async ({ browser }) => {
    const context = await browser.newContext({ baseURL: server.url });
    const ada = new ChatPage(await context.newPage());
    await ada.page.goto("/");
    await ada.signIn(uniqueName("Ada"));
    const path = await ada.createRoom(uniqueName("Durable"));
    await ada.send("written before the restart");
    await expect(ada.message("written before the restart")).toHaveAttribute("data-status", "sent");

    expect(await server.stop("SIGTERM")).toBe(0);
    expect(server.stderr).toContain("shutting down");
    await expect(ada.connection).toHaveText("Offline");

    await server.start();
    // The page retries with backoff (up to 10 s, ±50 %): allow for a whole step.
    await expect(ada.connection).toHaveText("Connected", { timeout: 20_000 });
    // Rejoined without user action: a message sent now reaches the room.
    await ada.send("written after the restart");
    await expect(ada.message("written after the restart")).toHaveAttribute("data-status", "sent");
    await ada.page.reload();
    await expect(ada.page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(ada.messages).toHaveCount(2);
    expect(new URL(ada.page.url()).pathname).toBe(path);
    await context.close();
  });
});

test("the layout works at a phone's width", async ({ browser }, testInfo) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const ada = new ChatPage(await context.newPage());
  await ada.page.goto("/");
  await ada.signIn(uniqueName("Ada"));
  await expect(ada.connection).toHaveText("Connected");
  await ada.createRoom(uniqueName("Pocket"));
  await ada.send("hello from a phone");
  await expect(ada.message("hello from a phone")).toHaveAttribute("data-status", "sent");
  await expect(ada.composer).toBeInViewport();
  await expect(ada.sendButton).toBeInViewport();
  // No horizontal scrolling.
  expect(await ada.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await ada.page.getByRole("link", { name: "Back to rooms" }).click();
  await expect(ada.roomsNav).toBeInViewport();
  await testInfo.attach("phone", { body: await ada.page.screenshot(), contentType: "image/png" });
  await context.close();
});
