import { describe, expect, it } from "vitest";
import { MemoryRoomRepository } from "../store/memory";
import { SearchTooBroadError, type SearchRepository } from "../store/ports";
import { RoomService } from "./room.service";
import { SearchService } from "./search.service";

describe("SearchService", () => {
  it("answers a search the index gave up on (its time bound) with a reason, not `internal`", async () => {
    const repo = new MemoryRoomRepository();
    const rooms = new RoomService(repo);
    const ada = { id: "ada", name: "Ada" };
    repo.addUser(ada);
    await rooms.create(ada, "General", "public");
    const index: SearchRepository = { search: () => Promise.reject(new SearchTooBroadError()) };
    const search = new SearchService(index, rooms, repo);
    await expect(search.search(ada, { query: "ab" })).rejects.toMatchObject({ code: "invalid_payload", message: expect.stringContaining("too broad") });
  });
});
