import type { Repositories } from "../repositories";
import type { Db } from "./client";
import { PrismaMessageRepository } from "./message.repository";
import { PrismaRoomRepository } from "./room.repository";

export { openDatabase, type Db } from "./client";

export function prismaRepositories(db: Db): Repositories {
  return {
    rooms: new PrismaRoomRepository(db),
    messages: new PrismaMessageRepository(db),
  };
}
