import { randomBytes } from "node:crypto";
import { ChatPage } from "./pages/chat-page";
import { expect, test, uniqueName } from "./fixtures";
import { ServerProcess } from "./server-process";
import { createPostgresDatabase, dropDatabase, postgresReachable, TEST_REDIS_URL } from "../server/test/databases";
import { redisReachable } from "../server/test/redis-process";
import { migrateDatabase } from "../server/store/migrate";

/**
 * Two Parley nodes sharing PostgreSQL and Redis, each browser pinned to its own node (its
 * own address): what people on different nodes of one deployment see of each other.
 */
test.describe("two nodes, one conversation", () => {
  test.describe.configure({ timeout: 90_000 });
  const nodes: ServerProcess[] = [];
  let databaseUrl: string | undefined;

  test.beforeAll(async ({}, testInfo) => {
    // Migrating and starting two production servers, beside the other worker's tests.
    test.setTimeout(90_000);
    const services = (await postgresReachable()) && (await redisReachable(TEST_REDIS_URL));
    if (!services && process.env.PARLEY_REQUIRE_SERVICES === "1") throw new Error("PostgreSQL and Redis are required (PARLEY_REQUIRE_SERVICES=1)");
    test.skip(!services, "needs PostgreSQL at 127.0.0.1:5432 and Redis at 127.0.0.1:6379");
    databaseUrl = await createPostgresDatabase();
    await migrateDatabase(databaseUrl);
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: `parley-e2e-${randomBytes(4).toString("hex")}`,
      BETTER_AUTH_SECRET: randomBytes(32).toString("base64url"),
      MIGRATE_ON_START: "false",
    };
    // Ports apart from the shared e2e server's and the other specs' own servers.
    const base = 3220 + testInfo.workerIndex * 2;
    nodes.push(new ServerProcess(base, env), new ServerProcess(base + 1, env));
    await Promise.all(nodes.map((n) => n.start()));
  });

  test.afterAll(async () => {
    await Promise.all(nodes.splice(0).map((n) => n.dispose()));
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  test("people on different nodes chat, see each other online and typing, and share the directory", async ({ browser }) => {
    const open = async (node: ServerProcess, name: string) => {
      const context = await browser.newContext({ baseURL: node.url });
      const chat = new ChatPage(await context.newPage());
      await chat.page.goto("/");
      await chat.signIn(name);
      await chat.roomsNav.waitFor();
      return chat;
    };
    const adaName = uniqueName("Ada");
    const bobName = uniqueName("Bob");
    const ada = await open(nodes[0]!, adaName);
    const bob = await open(nodes[1]!, bobName);

    // A room made on node 0 appears in the directory of a browser on node 1, live.
    const roomName = uniqueName("Two Nodes");
    const path = await ada.createRoom(roomName);
    await expect(bob.roomsNav.getByRole("link", { name: roomName })).toBeVisible();
    await bob.roomsNav.getByRole("link", { name: roomName }).click();
    await expect(bob.page.getByRole("heading", { level: 1, name: roomName })).toBeVisible();
    expect(new URL(bob.page.url()).pathname).toBe(path);

    await expect(ada.onlineNames().filter({ hasText: bobName })).toHaveCount(1);
    await expect(bob.onlineNames().filter({ hasText: adaName })).toHaveCount(1);

    await bob.composer.pressSequentially("hel");
    await expect(ada.page.getByText(`${bobName} is typing`)).toBeVisible();
    await bob.composer.press("Enter");
    await ada.send("hello from node 0");
    await bob.send("and hello from node 1");
    for (const page of [ada, bob]) {
      await expect(page.messages).toHaveCount(3);
      await expect(page.message("hello from node 0")).toBeVisible();
      await expect(page.message("and hello from node 1")).toBeVisible();
    }
    await expect(bob.message("and hello from node 1")).toHaveAttribute("data-status", "sent");
    await expect(ada.page.getByText(`${bobName} is typing`)).toHaveCount(0);
    await ada.page.screenshot({ path: test.info().outputPath("node-0.png") });
    await bob.page.screenshot({ path: test.info().outputPath("node-1.png") });

    // Bob leaves: Ada, on the other node, sees him go.
    await bob.page.context().close();
    await expect(ada.onlineNames().filter({ hasText: bobName })).toHaveCount(0, { timeout: 30_000 });
    await ada.page.context().close();
  });
});
