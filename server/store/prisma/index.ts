import type { Repositories } from "../repositories";
import type { Db } from "./client";
import { PrismaAttentionRepository } from "./attention.repository";
import { PrismaMessageRepository } from "./message.repository";
import { PrismaRoomRepository } from "./room.repository";
import { PrismaSearchRepository } from "./search.repository";

export { openDatabase, providerOf, type Db } from "./client";

export function prismaRepositories(db: Db): Repositories {
  const messages = new PrismaMessageRepository(db);
  const rooms = new PrismaRoomRepository(db);
  const attention = new PrismaAttentionRepository(db);
  const search = new PrismaSearchRepository(db);
  return {
    rooms,
    messages,
    attention,
    search,
    close: () => {
      search.close();
      messages.close();
      rooms.close();
      attention.close();
    },
  };
}
