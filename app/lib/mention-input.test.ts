import { describe, expect, it } from "vitest";
import { decodeMentions, encodeMentions, insertMention, mentionQuery, suggestions } from "./mention-input";

const ada = { id: "u1", name: "Ada" };
const adam = { id: "u2", name: "Ada Byron" };
const bob = { id: "u3", name: "Bob" };
const nadia = { id: "u4", name: "Nadia" };

describe("mention input", () => {
  it("sees an @query just before the caret, at the start or after a space, not in an address", () => {
    expect(mentionQuery("hi @ad", 6)).toEqual({ start: 3, query: "ad" });
    expect(mentionQuery("@", 1)).toEqual({ start: 0, query: "" });
    expect(mentionQuery("mail ada@example", 16)).toBeNull();
    expect(mentionQuery("hi @ada there", 13)).toBeNull();
  });

  it("suggests names that start with the query first, then those that contain it", () => {
    expect(suggestions([bob, nadia, ada, adam], "ad")).toEqual([ada, adam, nadia]);
    expect(suggestions([bob, ada], "")).toEqual([bob, ada]);
    expect(suggestions([bob], "zz")).toEqual([]);
  });

  it("inserts the chosen name, and sends it as its id, longer names first", () => {
    const typed = insertMention("hi @ad how", { start: 3, query: "ad" }, adam);
    expect(typed).toEqual({ text: "hi @Ada Byron how", caret: 14 });
    expect(encodeMentions(`${typed.text} and @Ada`, [ada, adam])).toBe("hi <@u2> how and <@u1>");
    expect(encodeMentions("@Bob typed by hand", [])).toBe("@Bob typed by hand");
    expect(decodeMentions("hi <@u2>, <@gone>", [adam])).toBe("hi @Ada Byron, <@gone>");
    // @room, as a word, is everyone following the room.
    expect(encodeMentions("@room lunch? not @roommate", [])).toBe("<@room> lunch? not @roommate");
    expect(decodeMentions("<@room> lunch?", [])).toBe("@room lunch?");
  });
});
