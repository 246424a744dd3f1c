# syntax=docker/dockerfile:1
# Parley's image: one node, SQLite by default (data in the /app/data volume), or one of several
# nodes with DATABASE_URL=postgres://… and REDIS_URL. docs/deploy.md ("Containers") shows how
# to run it; scripts/image-smoke.sh runs what this image runs, without a container engine.

ARG NODE_IMAGE=node:24-bookworm-slim

# --- build: the toolchain for better-sqlite3 (glibc, not Alpine), every dependency, the build
FROM ${NODE_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
COPY server/config ./server/config
COPY server/store/postgres/adapter.ts ./server/store/postgres/adapter.ts
# npm ci builds better-sqlite3 (package.json's allowScripts) and generates both Prisma clients.
RUN npm ci
COPY . .
RUN npm run build \
 && rm -rf .next/cache

# --- production dependencies only, compiled here with the same toolchain
FROM build AS deps
RUN rm -rf node_modules \
 && npm ci --omit=dev --ignore-scripts \
 && npm rebuild better-sqlite3 \
 && npm cache clean --force

# --- runtime: Node 24 LTS slim, no toolchain, no development dependencies
FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    NEXT_TELEMETRY_DISABLED=1 \
    CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_URL=file:/app/data/parley.db
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/package.json /app/package-lock.json /app/next.config.js /app/prisma.config.ts ./
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/generated ./generated
COPY --from=build /app/dist ./dist
COPY --from=build /app/.next ./.next
COPY --from=build /app/public ./public
# prisma.config.ts (migrations at start, `npm run db:migrate`) imports these.
COPY --from=build /app/server/config ./server/config
COPY --from=build /app/server/store/postgres/adapter.ts ./server/store/postgres/adapter.ts
# The app is root's and read-only to the server; only /app/data is the server's to write.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node
EXPOSE 3000
STOPSIGNAL SIGTERM
# Liveness without curl; the start period covers the migrations of a first start.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# tini as PID 1 reaps children (the image worker) and passes SIGTERM to the server, which drains.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/server.mjs"]
