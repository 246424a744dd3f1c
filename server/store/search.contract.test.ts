import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { parseSearchQuery } from "../contract/search";
import { newMessageId } from "../domain/message.service";
import { storeImplementations } from "./contract-stores";
import { InvalidCursorError, type Repositories, type SearchRequest } from "./ports";

/**
 * One search suite for every implementation of the search port: in memory, SQLite's FTS5
 * table and PostgreSQL's trigram index.
 */
const implementations = await storeImplementations();

/**
 * Each case twice: over the two rooms that hold the messages (SQLite reads a few small rooms
 * straight), and over those with eleven empty rooms more (SQLite goes through its FTS5 index).
 * Where a store indexes after the commit (SQLite), many rooms a third time with every
 * message indexed before each search: the first pass finds them among those not yet indexed.
 */
const cases = implementations.flatMap(([name, make]) => [
  [`${name}, a few rooms`, make, 0, false] as const,
  [`${name}, many rooms`, make, 11, false] as const,
  ...(name === "SQLite" ? [[`${name}, many rooms, all indexed`, make, 11, true] as const] : []),
]);

describe.each(cases)("search: %s", (_name, make, extraRooms, settled) => {
  let repos: Repositories;
  const ada = { id: randomUUID(), name: "Ada" };
  const bob = { id: randomUUID(), name: "Bob" };
  let general: string;
  let other: string;
  /** The rooms searched unless a case says otherwise. */
  let rooms: string[];

  beforeEach(async () => {
    const made = await make();
    repos = made.repos;
    if (settled) {
      const search = repos.search;
      repos = { ...repos, search: { search: async (request) => (await made.settle!(), search.search(request)) } };
    }
    for (const u of [ada, bob]) {
      await made.addUser(u);
    }
    general = (await repos.rooms.create({ id: randomUUID(), slug: "general", name: "General", createdById: ada.id, visibility: "public" })).id;
    other = (await repos.rooms.create({ id: randomUUID(), slug: "other", name: "Other", createdById: ada.id, visibility: "public" })).id;
    const empty = [];
    for (let i = 0; i < extraRooms; i++) empty.push((await repos.rooms.create({ id: randomUUID(), slug: `empty-${i}`, name: `Empty ${i}`, createdById: ada.id, visibility: "public" })).id);
    rooms = [general, other, ...empty];
  });

  // Ids as the server makes them (UUIDv7, in time order): PostgreSQL orders messages of one
  // millisecond by id.
  const send = async (roomId: string, body: string, author = ada) => (await repos.messages.append({ id: newMessageId(), roomId, clientId: randomUUID(), body, author })).message;
  const find = async (terms: string[], more: Partial<SearchRequest> = {}) =>
    (await repos.search.search({ roomIds: rooms, terms, limit: 20, ...more })).hits.map((h) => h.body);
  /** What a user's query finds (parsed as the domain parses it). */
  const query = (text: string) => find(parseSearchQuery(text).terms);

  it("finds every message holding all the terms, as substrings with case ignored, newest first", async () => {
    await send(general, "The release is on Friday");
    await send(general, "friday drinks?");
    await send(other, "Releases every FRIDAY, said Bob", bob);
    await send(general, "nothing to see");
    expect(await find(["friday"])).toEqual(["Releases every FRIDAY, said Bob", "friday drinks?", "The release is on Friday"]);
    expect(await find(["RELEASE", "friday"])).toEqual(["Releases every FRIDAY, said Bob", "The release is on Friday"]);
    expect(await find(["is on fri"])).toEqual(["The release is on Friday"]); // a phrase, spaces included
    expect(await find(["saturday"])).toEqual([]);
  });

  it("only the rooms asked for; authors by name, case ignored; no terms with an author lists their messages", async () => {
    await send(general, "deploy done", ada);
    await send(other, "deploy failed", bob);
    expect(await find(["deploy"], { roomIds: [general] })).toEqual(["deploy done"]);
    expect(await find(["deploy"], { roomIds: [] })).toEqual([]);
    expect(await find(["deploy"], { authorName: "bob" })).toEqual(["deploy failed"]);
    expect(await find([], { authorName: "ADA" })).toEqual(["deploy done"]);
    const hit = (await repos.search.search({ roomIds: [other], terms: ["failed"], limit: 5 })).hits[0]!;
    expect(hit).toMatchObject({ roomId: other, seq: 1, author: bob, body: "deploy failed" });
    expect(Date.parse(hit.createdAt)).not.toBeNaN();
  });

  it("pages newest first without a gap or a repeat, then says there is no more", async () => {
    for (let i = 0; i < 25; i++) await send(i % 2 ? general : other, `ticket ${i}`);
    const pages = async (terms: string[]) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let n = 0; n < 10; n++) {
        const page = await repos.search.search({ roomIds: rooms, terms, limit: 10, cursor });
        seen.push(...page.hits.map((h) => h.body));
        if (!page.next) break;
        cursor = page.next;
      }
      return seen;
    };
    const newestFirst = Array.from({ length: 25 }, (_, i) => `ticket ${24 - i}`);
    expect(await pages(["ticket"])).toEqual(newestFirst);
    // Two characters, no trigram: PostgreSQL walks the messages newest first instead.
    expect(await pages(["ck"])).toEqual(newestFirst);
    await expect(repos.search.search({ roomIds: [general], terms: ["ticket"], limit: 10, cursor: "not-a-cursor" })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it("an edit is found by its new text only, and a deleted message not at all, as soon as the change is stored", async () => {
    const m = await send(general, "meet at the old pier");
    const edit = await repos.messages.applyChange({ id: randomUUID(), roomId: general, messageId: m.id, actor: ada, clientChangeId: randomUUID(), kind: "edit", body: "meet at the new harbour" });
    expect(edit).not.toBeNull();
    expect(await find(["old pier"])).toEqual([]);
    expect(await find(["new harbour"])).toEqual(["meet at the new harbour"]);
    const removed = await repos.messages.applyChange({ id: randomUUID(), roomId: general, messageId: m.id, actor: ada, clientChangeId: randomUUID(), kind: "delete" });
    expect(removed).not.toBeNull();
    expect(await find(["harbour"])).toEqual([]);
    expect(await find([], { authorName: "Ada" })).toEqual([]);
  });

  it("URLs, code identifiers, parts of words and text without spaces (Japanese, Chinese) are found", async () => {
    await send(general, "see https://example.com/docs/v2?page=3#intro");
    await send(general, "call useEffect() and snake_case_name, or std::vector<int>");
    await send(general, "東京タワーに行きました");
    await send(general, "我们明天见");
    expect(await query("example.com/docs")).toHaveLength(1);
    expect(await query("page=3#intro")).toHaveLength(1);
    expect(await query("useeffect")).toHaveLength(1);
    expect(await query("case_name")).toHaveLength(1);
    expect(await query("std::vector<int>")).toHaveLength(1);
    expect(await query("effe")).toHaveLength(1); // inside a word
    expect(await query("京タワー")).toEqual(["東京タワーに行きました"]);
    expect(await query("明天")).toEqual(["我们明天见"]); // two characters: shorter than a trigram
  });

  it("query syntax of the databases is only text: hostile strings answer, never fail", async () => {
    await send(general, 'she said "NEAR(this)" OR -that, it\'s 100% *done*_now');
    await send(general, "1000 things");
    const hostile = ['"', '""', "*", "NEAR(", "NEAR(a b)", "OR", "AND", "NOT", "-", "'", "a OR b", "col:value", "^start", "\\", "%", "_", "%_%", "'; DROP TABLE \"Message\"; --", "x".repeat(10_000), "a ".repeat(5_000)];
    for (const text of hostile) await expect(query(text), text).resolves.toBeInstanceOf(Array);
    expect(await query('"NEAR(this)"')).toHaveLength(1);
    expect(await query("100%")).toHaveLength(1); // `%` is a character, not a wildcard: "1000" does not match
    expect(await query("%")).toHaveLength(1);
    expect(await query("_now")).toHaveLength(1);
    expect(await query("it's")).toHaveLength(1);
    expect(await query("OR -that")).toHaveLength(1);
    expect(await query("x".repeat(10_000))).toEqual([]);
  });
});
