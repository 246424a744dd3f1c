import { describe, expect, it } from "vitest";
import { FakeTransport } from "./testing/fake-transport";
import { PeopleStore } from "./people";

const A1 = "11111111-1111-4111-8111-111111111111";
const A2 = "22222222-2222-4222-8222-222222222222";

describe("PeopleStore", () => {
  it("shows what a person carries until the live stream says otherwise, then the freshest word", () => {
    const transport = new FakeTransport();
    const people = new PeopleStore(transport);
    const ada = { id: "ada", name: "Ada", avatar: A1 };
    expect(people.avatarOf(ada)).toBe(A1);
    transport.emit("profile:changed", { user: { id: "ada", name: "Ada", avatar: A2 } });
    // An old message still carrying the first picture shows the new one.
    expect(people.avatarOf(ada)).toBe(A2);
    transport.emit("presence:changed", { roomId: "r", online: [{ id: "ada", name: "Ada" }] });
    expect(people.avatarOf(ada)).toBeUndefined();
    expect(people.avatarOf({ id: "bob", name: "Bob" })).toBeUndefined();
    people.close();
  });

  it("tells its readers only when something changed", () => {
    const transport = new FakeTransport();
    const people = new PeopleStore(transport);
    let told = 0;
    people.subscribe(() => told++);
    people.learn([{ id: "ada", name: "Ada", avatar: A1 }]);
    people.learn([{ id: "ada", name: "Ada", avatar: A1 }]);
    expect(told).toBe(1);
    people.close();
  });
});
