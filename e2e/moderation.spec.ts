import { expectNoSeriousViolations } from "./axe";
import { expect, test, uniqueName } from "./fixtures";
import { scriptedAdmin } from "./seed";

test("a room's owner removes someone's message: it says 'Removed by a moderator' for everyone, after a reload too; a member gets no Delete on others' messages", async ({ newUser }) => {
  const ada = await newUser(uniqueName("Ada"));
  const bobName = uniqueName("Bob");
  const bob = await newUser(bobName);
  const path = await ada.createRoom(uniqueName("Moderated"));
  await bob.openRoom(path);
  await ada.send("welcome, everyone");
  await bob.send("buy cheap watches at example.com");
  await expect(ada.message("buy cheap watches")).toBeVisible();

  // Bob, a member, may reply to and react to Ada's message, not delete it.
  const welcome = bob.message("welcome, everyone");
  await welcome.hover();
  await welcome.getByRole("button", { name: "Message actions" }).click();
  await expect(bob.page.getByRole("menuitem", { name: "Reply" })).toBeVisible();
  await expect(bob.page.getByRole("menuitem", { name: "Delete" })).toHaveCount(0);
  await bob.page.keyboard.press("Escape");

  // Ada owns the room: she removes Bob's message, saying whose it is.
  await ada.act("buy cheap watches", "Delete");
  const confirm = ada.page.getByRole("alertdialog", { name: `Delete ${bobName}'s message?` });
  await expect(confirm).toBeVisible();
  await confirm.getByRole("button", { name: "Delete" }).click();
  for (const chat of [ada, bob]) {
    await expect(chat.log.getByText("Removed by a moderator")).toBeVisible();
    await expect(chat.log.getByText("buy cheap watches")).toHaveCount(0);
  }
  await bob.page.reload();
  await expect(bob.log).toHaveAttribute("aria-busy", "false");
  await expect(bob.log.getByText("Removed by a moderator")).toBeVisible();
  await expect(bob.log.getByText("buy cheap watches")).toHaveCount(0);
});

test("a moderator mutes someone: their composer is disabled and says so, until when and why, until the mute is lifted; banned, their page says so at once", async ({ newUser, baseURL }) => {
  const ada = await newUser(uniqueName("Ada"));
  const bobName = uniqueName("Bob");
  const bob = await newUser(bobName);
  const path = await ada.createRoom(uniqueName("Calm"));
  await bob.openRoom(path);
  await bob.send("LOUD MESSAGE ONE");
  await expect(ada.message("LOUD MESSAGE ONE")).toBeVisible();

  // A member has no sanctions in the menu; the owner does.
  const own = ada.message("LOUD MESSAGE ONE");
  await own.hover();
  await own.getByRole("button", { name: "Message actions" }).click();
  await ada.page.getByRole("menuitem", { name: `Mute ${bobName}` }).click();
  const dialog = ada.page.getByRole("alertdialog", { name: `Mute ${bobName} in this room` });
  await dialog.getByLabel("For how long").selectOption({ label: "1 hour" });
  await dialog.getByLabel(/Reason/).fill("cool off");
  await dialog.getByRole("button", { name: "Mute" }).click();
  await expect(dialog).toHaveCount(0);

  // Bob's composer learns it at once, with no reload.
  const box = bob.page.getByRole("textbox", { name: "Message" });
  await expect(box).toBeDisabled();
  await expect(bob.page.getByText(/You are muted in this room until .*Reason: cool off/)).toBeVisible();
  // The owner sees it in the People panel and lifts it there: Bob may write again at once.
  const sanctions = ada.page.getByRole("region", { name: "Muted and removed" });
  await expect(sanctions.getByText(bobName, { exact: true })).toBeVisible();
  await expect(sanctions.getByText(/^muted until /)).toBeVisible();
  await sanctions.getByRole("button", { name: `Unmute ${bobName}` }).click();
  await expect(box).toBeEnabled();
  await expect(sanctions).toHaveCount(0);
  await bob.send("sorry, calmer now");
  await expect(ada.message("sorry, calmer now")).toBeVisible();

  // Elsewhere he may still write.
  await bob.createRoom(uniqueName("Bob's own"));
  await expect(bob.page.getByRole("textbox", { name: "Message" })).toBeEnabled();

  // Banned by the administrator: his page says so, and he is signed out.
  const bobId = await bob.page.evaluate(async () => ((await (await fetch("/api/session")).json()) as { user: { id: string } }).user.id);
  const admin = await scriptedAdmin(baseURL!);
  try {
    await admin.ban(bobId, "spam");
    await expect(bob.page.getByRole("alert").filter({ hasText: "banned" })).toBeVisible();
    await expect(bob.page.getByText("Reason: spam")).toBeVisible();
    expect((await bob.page.request.get("/api/session")).status()).toBe(401);
  } finally {
    admin.close();
  }
});

test("a member reports a message: the dialog asks why; the room's owner finds it under Reports and removes it for everyone; the author cannot report their own", async ({ newUser }) => {
  const ada = await newUser(uniqueName("Ada"));
  const bobName = uniqueName("Bob");
  const bob = await newUser(bobName);
  const cy = await newUser(uniqueName("Cy"));
  const path = await ada.createRoom(uniqueName("Reported"));
  await bob.openRoom(path);
  await cy.openRoom(path);
  await bob.send("buy cheap watches at example.com");
  await expect(cy.message("buy cheap watches")).toBeVisible();

  // Bob has no "Report" on his own message.
  const own = bob.message("buy cheap watches");
  await own.hover();
  await own.getByRole("button", { name: "Message actions" }).click();
  await expect(bob.page.getByRole("menuitem", { name: "Edit" })).toBeVisible();
  await expect(bob.page.getByRole("menuitem", { name: "Report" })).toHaveCount(0);
  await bob.page.keyboard.press("Escape");

  // Cy reports it: a reason must be picked before sending.
  await cy.act("buy cheap watches", "Report");
  const dialog = cy.page.getByRole("dialog", { name: "Report message" });
  await expect(dialog).toBeVisible();
  const send = dialog.getByRole("button", { name: "Send report" });
  await expect(send).toBeDisabled();
  await dialog.getByRole("radiogroup", { name: "Reason" }).getByRole("radio", { name: "Spam or scam" }).check();
  await dialog.getByLabel(/Anything the moderators should know/).fill("third time today");
  await expectNoSeriousViolations(cy.page, "report dialog, light");
  await send.click();
  await expect(dialog.getByRole("status")).toContainText("moderators will look at it");
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toHaveCount(0);
  // Members do not see the queue.
  await expect(cy.page.getByRole("region", { name: "Reports" })).toHaveCount(0);

  // Ada, the owner, sees it in the People panel at once, and removes the message from there.
  const reports = ada.page.getByRole("region", { name: "Reports" });
  const row = reports.getByRole("listitem", { name: /^Reported message by / });
  await expect(row).toContainText("buy cheap watches at example.com");
  await expect(row).toContainText("Spam or scam");
  await expect(row).toContainText("third time today");
  await ada.page.emulateMedia({ colorScheme: "dark" });
  await ada.page.screenshot({ path: "test-results/reports-queue-dark.png" });
  await expectNoSeriousViolations(ada.page, "report queue, dark");
  await reports.getByRole("button", { name: new RegExp(`^Remove message by ${bobName}`) }).click();
  for (const chat of [ada, bob, cy]) {
    await expect(chat.log.getByText("Removed by a moderator")).toBeVisible();
    await expect(chat.log.getByText("buy cheap watches")).toHaveCount(0);
  }
  await expect(reports).toHaveCount(0);
});
