import { describe, expect, it } from "vitest";
import { canHaveDirect, directRoomId, parseDirectRoomId, peerOf } from "./direct";

describe("direct conversation ids", () => {
  it("name the pair in one order whoever asks, and read back", () => {
    expect(directRoomId("bob", "ada")).toBe("dm.ada.bob");
    expect(directRoomId("ada", "bob")).toBe("dm.ada.bob");
    expect(parseDirectRoomId("dm.ada.bob")).toEqual(["ada", "bob"]);
    expect(parseDirectRoomId(directRoomId("ada", "ada"))).toEqual(["ada", "ada"]);
    expect(peerOf(["ada", "bob"], "ada")).toBe("bob");
    expect(peerOf(["ada", "ada"], "ada")).toBe("ada");
  });

  it("refuse anything else: another order, missing or extra parts, other ids", () => {
    for (const id of ["dm.bob.ada", "dm.ada", "dm..bob", "dm.ada.", "dm.a.b.c", "general", "", "DM.ada.bob", "3f0c-uuid"]) {
      expect(parseDirectRoomId(id)).toBeNull();
    }
    expect(canHaveDirect("RZIaicxNMuNfsbplJ7KC3szKgfL5kgvs")).toBe(true);
    expect(canHaveDirect("a.b")).toBe(false);
  });
});
