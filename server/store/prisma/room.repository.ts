import type { RoomSummary } from "../../contract/model";
import { SlugTakenError, type NewRoom, type RoomRepository } from "../repositories";
import type { Db } from "./client";

const toSummary = (r: { id: string; slug: string; name: string; createdAt: Date }): RoomSummary => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  createdAt: r.createdAt.toISOString(),
});

const select = { id: true, slug: true, name: true, createdAt: true } as const;

export class PrismaRoomRepository implements RoomRepository {
  constructor(private readonly db: Db) {}

  async create(room: NewRoom): Promise<RoomSummary> {
    try {
      return toSummary(await this.db.room.create({ data: room, select }));
    } catch (err) {
      if ((err as { code?: string }).code === "P2002") throw new SlugTakenError(room.slug);
      throw err;
    }
  }

  async findBySlug(slug: string): Promise<RoomSummary | null> {
    const room = await this.db.room.findUnique({ where: { slug }, select });
    return room && toSummary(room);
  }

  async findById(id: string): Promise<RoomSummary | null> {
    const room = await this.db.room.findUnique({ where: { id }, select });
    return room && toSummary(room);
  }

  async list(): Promise<RoomSummary[]> {
    const rooms = await this.db.room.findMany({ select, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    return rooms.map(toSummary);
  }
}
