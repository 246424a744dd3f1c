import { expect, test, uniqueName } from "./fixtures";

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
