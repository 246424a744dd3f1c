/**
 * The administration page: nobody but an administrator sees it (the not-found page and a 404,
 * never its heading); an administrator bans a troublemaker, deletes a room and closes a
 * report from it, and finds each action in the audit log. Scanned by axe in both schemes and
 * at phone width.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import type { Browser, Page } from "@playwright/test";
import { expectNoSeriousViolations } from "./axe";
import { expect, test, uniqueName } from "./fixtures";

const execFileAsync = promisify(execFile);

/** The run's administrator (e2e/seed.ts's account) in a browser context of its own. */
async function adminPage(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  const data = { username: "e2e_admin", password: "e2e admin password" };
  // The first test that needs it makes the account; later ones (and other workers) sign in to it.
  let res = await page.request.post("/api/account/sign-in", { data });
  if (!res.ok()) res = await page.request.post("/api/account/sign-up", { data });
  if (!res.ok()) res = await page.request.post("/api/account/sign-in", { data });
  expect(res.ok(), await res.text()).toBe(true);
  return page;
}

test("the administration page is the administrators' alone: anyone else gets the not-found page", async ({ newUser, request }) => {
  const signedOut = await request.get("/admin");
  expect(signedOut.status()).toBe(404);
  expect(await signedOut.text()).not.toContain("Administration");
  const guest = await newUser(uniqueName("Curious"));
  const res = await guest.page.goto("/admin");
  expect(res?.status()).toBe(404);
  await expect(guest.page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  await expect(guest.page.getByRole("heading", { name: "Administration" })).toHaveCount(0);
  await expect(guest.page.getByRole("link", { name: "Admin" })).toHaveCount(0);
});

test("an administrator bans a troublemaker, deletes a room and closes a report from /admin, and each is in the audit log", async ({ newUser, browser, baseURL }) => {
  const ada = await newUser(uniqueName("Ada"));
  const trollName = uniqueName("Troll");
  const troll = await newUser(trollName);
  const roomName = uniqueName("Doomed");
  const path = await ada.createRoom(roomName);
  await troll.openRoom(path);
  await troll.send("spam spam lovely spam");
  await ada.act("spam spam lovely spam", "Report");
  const reportDialog = ada.page.getByRole("dialog", { name: "Report message" });
  await reportDialog.getByRole("radio", { name: "Spam or scam" }).check();
  await reportDialog.getByRole("button", { name: "Send report" }).click();
  await expect(reportDialog.getByRole("status")).toBeVisible();
  await reportDialog.getByRole("button", { name: "Close" }).click();

  const admin = await adminPage(browser, baseURL!);
  try {
    // The chat links the page for an administrator.
    await admin.goto("/");
    await admin.getByRole("link", { name: "Admin" }).click();
    await expect(admin.getByRole("heading", { level: 1, name: "Administration" })).toBeVisible();
    for (const name of ["Users", "Rooms", "Reports", "Audit log"]) await expect(admin.getByRole("tab", { name })).toBeVisible();

    // Users: found by name; banned for a day with a reason; the troll's page says so at once.
    await admin.getByLabel("Search people").fill(trollName);
    const row = admin.getByRole("list", { name: "People" }).getByRole("listitem", { name: trollName });
    await expect(row).toHaveCount(1);
    await expectNoSeriousViolations(admin, "administration: users, light");
    await row.getByRole("button", { name: `Ban ${trollName}` }).click();
    const ban = admin.getByRole("alertdialog", { name: `Ban ${trollName}` });
    await ban.getByLabel("For how long").selectOption({ label: "1 day" });
    await ban.getByLabel(/Reason/).fill("spam waves");
    await ban.getByLabel("Also remove all of their messages, in every room").check();
    await ban.getByRole("button", { name: "Ban" }).click();
    await expect(row).toContainText("banned until");
    // Their messages go too, in the background: Ada sees the tombstone live; the task shows as done.
    const adaLog = ada.page.getByRole("log", { name: "Messages" });
    await expect(adaLog.getByText("Removed by a moderator")).toBeVisible();
    // (The open report keeps its copy of the text, by design: docs/security.md.)
    await expect(adaLog.getByText("spam spam lovely spam")).toHaveCount(0);
    await expect(admin.getByRole("list", { name: "Message removals" }).getByRole("listitem").filter({ hasText: trollName })).toContainText("done, 1 removed");
    await expect(row.getByRole("button", { name: `Unban ${trollName}` })).toBeVisible();
    await expect(troll.page.getByRole("alert").filter({ hasText: "banned" })).toBeVisible();

    // Reports: the report from Ada's room, dismissed here.
    await admin.getByRole("tab", { name: "Reports" }).click();
    const reports = admin.getByRole("region", { name: "Reports" });
    const reported = reports.getByRole("listitem", { name: new RegExp(`^Reported message by ${trollName}`) });
    await expect(reported).toContainText("spam spam lovely spam");
    await expect(reported).toContainText(roomName);
    await reported.getByRole("button", { name: /^Dismiss reports on / }).click();
    await expect(reported).toHaveCount(0);

    // Rooms: Ada's room deleted; she is told at once.
    await admin.getByRole("tab", { name: "Rooms" }).click();
    await admin.emulateMedia({ colorScheme: "dark" });
    await expectNoSeriousViolations(admin, "administration: rooms, dark");
    await admin.getByRole("button", { name: `Delete room ${roomName}` }).click();
    await admin.getByRole("alertdialog", { name: `Delete room ${roomName}?` }).getByRole("button", { name: "Delete" }).click();
    await expect(admin.getByRole("button", { name: `Delete room ${roomName}` })).toHaveCount(0);
    await expect(ada.page.getByRole("heading", { name: "Room deleted" })).toBeVisible();

    // The audit log: each of them, newest first.
    await admin.getByRole("tab", { name: "Audit log" }).click();
    const log = admin.getByRole("list", { name: "Audit log" });
    await expect(log.getByRole("listitem").filter({ hasText: `deleted a room in ${roomName}` })).toHaveCount(1);
    await expect(log.getByRole("listitem").filter({ hasText: `banned ${trollName}` }).filter({ hasText: "reason: spam waves" })).toHaveCount(1);
    await expect(log.getByRole("listitem").filter({ hasText: `dismissed reports on a message by ${trollName}` })).toHaveCount(1);
    await expect(log.getByRole("listitem").filter({ hasText: `finished removing the messages of ${trollName}` })).toHaveCount(1);

    // Settings: idle guests (guest access is left open: other tests' guests share this server).
    await admin.getByRole("tab", { name: "Settings" }).click();
    await expect(admin.getByRole("radio", { name: "Open" })).toBeChecked();
    await expectNoSeriousViolations(admin, "administration: settings, dark");
    await admin.screenshot({ path: "test-results/admin-settings.png" });
    await admin.getByLabel("Anonymise idle guests after (days)").fill("3650");
    await admin.getByRole("button", { name: "Save settings" }).click();
    await expect(admin.getByRole("status")).toHaveText("Settings saved.");
    await admin.getByLabel("Anonymise idle guests after (days)").fill("");
    await admin.getByRole("button", { name: "Save settings" }).click();
    await admin.getByRole("tab", { name: "Audit log" }).click();
    await expect(log.getByRole("listitem").filter({ hasText: "changed the settings: idle guests after 3650 days" })).toHaveCount(1);
    await expect(log.getByRole("listitem").filter({ hasText: "changed the settings: idle guests kept" })).toHaveCount(1);

    // At phone width, light scheme: the page still fits and passes.
    await admin.emulateMedia({ colorScheme: "light" });
    await admin.setViewportSize({ width: 390, height: 844 });
    await admin.getByRole("tab", { name: "Users" }).click();
    await admin.screenshot({ path: "test-results/admin-users-phone.png", fullPage: true });
    await expectNoSeriousViolations(admin, "administration: users, phone");
  } finally {
    await admin.context().close();
  }
});

test("the compiled command line (dist/admin.mjs) acts on the running server: a ban from the shell closes the person's open tab", async ({ newUser }) => {
  const name = uniqueName("Shellbanned");
  const chat = await newUser(name);
  const env = { ...process.env, DATABASE_URL: `file:${path.join(process.env.E2E_DATA_DIR!, "parley.db")}` };
  const run = (...args: string[]) => execFileAsync(process.execPath, ["dist/admin.mjs", ...args], { env });
  const listed = await run("users", name);
  const id = listed.stdout.trim().split("  ")[0]!;
  expect(listed.stdout).toContain(`${name}  guest  member`);
  const banned = await run("ban", id, "--minutes", "30", "--reason", "from the shell");
  expect(banned.stdout).toContain(`${name} is banned until`);
  // The running server's session sweep closes the tab; it finds itself signed out.
  await expect(chat.page.getByRole("button", { name: "Continue as guest" })).toBeVisible({ timeout: 20_000 });
  await expect(run("ban", "no_such_person_here")).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining("Nobody has the username or id") });
});
