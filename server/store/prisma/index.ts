import type { Repositories } from "../repositories";
import type { Db } from "./client";
import { PrismaMessageRepository } from "./message.repository";
import { PrismaRoomRepository } from "./room.repository";

export { openDatabase, providerOf, type Db } from "./client";

export function prismaRepositories(db: Db): Repositories {
  const messages = new PrismaMessageRepository(db);
  const rooms = new PrismaRoomRepository(db);
  return {
    rooms,
    messages,
    close: () => {
      messages.close();
      rooms.close();
    },
  };
}
