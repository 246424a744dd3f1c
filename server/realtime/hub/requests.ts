import type { z } from "zod";
import type { AckFn } from "../../contract/errors";
import type { ClientToServerEvents } from "../../contract/events";
import type { Capability, RequestDef } from "./capability";
import { attentionCapability } from "./attention";
import { messageCapability } from "./messages";
import { moderationCapability } from "./moderation";
import { reportCapability } from "./reports";
import { peopleCapability } from "./people";
import { presenceCapability } from "./presence";
import { searchCapability } from "./search";

/**
 * Every capability of the hub, in the order their after-commit hooks run. Adding a request
 * kind is one entry in one of these tables (or a new capability here): its name, the
 * transports' listeners and its acknowledgement's type all follow from it.
 */
export const CAPABILITIES = [presenceCapability, messageCapability, attentionCapability, peopleCapability, searchCapability, moderationCapability, reportCapability] as const;

/** Every room request the hub answers, by its contract name, with its schema and use-case. */
export const REQUESTS = {
  ...presenceCapability.requests,
  ...messageCapability.requests,
  ...attentionCapability.requests,
  ...peopleCapability.requests,
  ...searchCapability.requests,
  ...moderationCapability.requests,
  ...reportCapability.requests,
};

type Requests = typeof REQUESTS;
/** The room use-cases a connection can ask for, by their contract names. */
export type RoomRequest = keyof Requests & string;
/** What a room request's acknowledgement carries. */
export type AckOf<N extends RoomRequest> = Requests[N] extends RequestDef<z.ZodType, infer R> ? R : never;

/** The room requests' names: the one list the transports read. */
export const ROOM_REQUESTS = Object.keys(REQUESTS) as RoomRequest[];

/** Whether `name` is a room request's contract name. */
export const isRoomRequest = (name: unknown): name is RoomRequest => typeof name === "string" && Object.hasOwn(REQUESTS, name);

// Every room request is a Socket.IO client event of the contract, and answers what the
// contract says its acknowledgement carries (typing answers nothing): a mismatch fails here.
type ContractAck<N extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[N]> extends [unknown, AckFn<infer T>] ? T : void;
type Mismatched = { [N in RoomRequest]: N extends keyof ClientToServerEvents ? (AckOf<N> extends ContractAck<N> ? never : N) : N }[RoomRequest];
const everyRequestMatchesTheContract: [Mismatched] extends [never] ? true : Mismatched = true;
void everyRequestMatchesTheContract;

// Two capabilities may not answer the same name (a later spread would hide an earlier entry).
const counted: Capability[] = [...CAPABILITIES];
if (counted.reduce((n, c) => n + Object.keys(c.requests).length, 0) !== ROOM_REQUESTS.length) {
  throw new Error("Two hub capabilities answer the same request name.");
}
