import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { io } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "../server/contract/events";
import { expect, test, uniqueName } from "./fixtures";
import type { Socket } from "socket.io-client";

/** Debian's python3 has python3-websockets (installed by .ci/run); a pyenv one may not. */
const python = fs.existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

/** A bot account with an API token, made the way its owner would (sign up, then token:create). */
async function botToken(baseURL: string) {
  const res = await fetch(`${baseURL}/api/account/sign-up`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: `pybot_${Date.now().toString(36)}`, password: "bot password", displayName: "PyBot" }),
  });
  const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(baseURL, { extraHeaders: { cookie }, transports: ["websocket"] });
  const created = await socket.emitWithAck("token:create", { name: "python example" });
  socket.close();
  if (!created.ok) throw new Error(created.error.message);
  return created.data.token;
}

test("the Python example bot answers a person in the browser", async ({ newUser, baseURL }) => {
  const ada = await newUser(uniqueName("Ada"));
  const path = await ada.createRoom(uniqueName("Bot Lab"));
  const slug = path.slice("/r/".length);
  const token = await botToken(baseURL!);

  let output = "";
  const bot: ChildProcess = spawn(python, ["examples/python-bot.py", "--url", `${baseURL!.replace("http", "ws")}/ws`, "--room", slug], {
    env: { ...process.env, PARLEY_TOKEN: token },
    stdio: ["ignore", "pipe", "pipe"],
  });
  bot.stdout!.on("data", (d) => (output += d));
  bot.stderr!.on("data", (d) => (output += d));
  try {
    await expect.poll(() => output, { timeout: 15_000 }).toContain(`joined #${slug}`);
    await expect(ada.onlineNames().filter({ hasText: "PyBot" })).toHaveCount(1);

    await ada.send("!ping");
    await expect(ada.messages.filter({ hasText: "PyBot" }).filter({ hasText: "pong" })).toHaveCount(1);
    await ada.send("!echo hello from the browser");
    await expect(ada.messages.last()).toContainText("hello from the browser");
    await expect(ada.messages.last()).toContainText("PyBot");
    expect(output).toContain("!ping");
    // A file, uploaded with Python's standard library and sent by id over /ws.
    await ada.send("!file");
    const file = ada.log.getByRole("link", { name: "pybot-notes.txt", exact: true });
    await expect(file).toBeVisible();
    expect(await (await ada.page.request.get((await file.getAttribute("href"))!)).text()).toContain(`Asked for by`);

    // The bot leaves: so does its name from the Online list.
    bot.kill("SIGTERM");
    await expect(ada.onlineNames().filter({ hasText: "PyBot" })).toHaveCount(0);
  } finally {
    bot.kill("SIGKILL");
  }
});
