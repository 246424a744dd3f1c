import { betterAuth, type BetterAuthOptions } from "better-auth";
import { APIError } from "better-auth/api";
import { anonymous, username } from "better-auth/plugins";

export const SESSION_COOKIE_PREFIX = "parley";
export const SESSION_TTL_SECONDS = 30 * 24 * 60 * 60;

export interface AuthOptions {
  /** Signs session cookies; from BETTER_AUTH_SECRET or generated once per data folder. */
  secret: string;
  /** The public URL (PUBLIC_URL); an https:// one makes cookies Secure. */
  baseURL: string;
  /**
   * Asked before any session is created (sign-in, sign-up, a guest): a message refuses it
   * (a banned account), null lets it be. Read from the database at each sign-in.
   */
  refuseSession?: (userId: string) => Promise<string | null>;
}

/**
 * Better Auth on Parley's database (`database`: the store's `authDatabase`, Prisma's adapter): username + password accounts (username plugin),
 * guests (anonymous plugin), sessions in signed HttpOnly, SameSite=Lax cookies. Its HTTP
 * handler is not mounted: Parley's own routes (`server/http/account.routes.ts`) call
 * `auth.api`, so every sign-in passes Parley's origin check and rate limits first.
 */
export function createBetterAuth(database: NonNullable<BetterAuthOptions["database"]>, options: AuthOptions) {
  return betterAuth({
    database,
    secret: options.secret,
    baseURL: options.baseURL,
    basePath: "/api/auth",
    telemetry: { enabled: false },
    emailAndPassword: { enabled: true, minPasswordLength: 8, maxPasswordLength: 128 },
    session: { expiresIn: SESSION_TTL_SECONDS, updateAge: 24 * 60 * 60 },
    // Parley's routes check Origin and rate limits before calling auth.api.
    rateLimit: { enabled: false },
    advanced: { cookiePrefix: SESSION_COOKIE_PREFIX, disableCSRFCheck: true },
    logger: { level: "error" },
    databaseHooks: {
      session: {
        create: {
          async before(session) {
            const refused = await options.refuseSession?.(session.userId);
            if (refused) throw APIError.from("FORBIDDEN", { message: refused, code: "BANNED_USER" });
          },
        },
      },
    },
    plugins: [
      username({ minUsernameLength: 3, maxUsernameLength: 30 }),
      anonymous({ emailDomainName: "guests.parley.invalid", disableDeleteAnonymousUser: true }),
    ],
  });
}

export type BetterAuth = ReturnType<typeof createBetterAuth>;
