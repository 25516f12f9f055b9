# syntax=docker/dockerfile:1
#
# Hogsend: one image, three run modes (README "Run modes"), commands run from WORKDIR /app:
#
#   api (default CMD)  node apps/api/dist/index.js          HTTP on PORT (3002), GET /v1/health
#   worker             node apps/api/dist/worker.js         Hatchet worker, no port
#   migrate            tsx packages/db/src/migrate.ts       one-shot, both migration tracks
#
#   docker build -t hogsend .
#   docker run --rm --env-file .env hogsend tsx packages/db/src/migrate.ts
#   docker run -d --env-file .env -p 3002:3002 hogsend
#   docker run -d --env-file .env hogsend node apps/api/dist/worker.js
#   docker run --rm --env-file .env hogsend node packages/cli/bin/hogsend.mjs --help
#
# The runtime stage holds exactly the tree `pnpm preflight` assembles and rehearses without
# Docker: both run tools/assemble-runtime.ts. The code also runs on Node 20
# (--build-arg NODE_VERSION=20), which CI uses.

ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS build
ENV CI=true COREPACK_ENABLE_DOWNLOAD_PROMPT=0
WORKDIR /src
# pnpm at the version package.json pins in packageManager, through corepack. (Behind a registry
# mirror that drops npm's package signatures corepack refuses the download; set
# COREPACK_INTEGRITY_KEYS=0 on this RUN there.)
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
# Local fixes to dependencies (pnpm patch), applied by install.
COPY patches ./patches
RUN corepack enable && corepack install
# Packages from the lockfile alone, so this layer outlives source changes.
RUN pnpm fetch
COPY . .
RUN pnpm install --frozen-lockfile --offline
RUN pnpm --filter @hogsend/api build
# The production-only tree, assembled at the path the runtime stage runs it from (pnpm's .bin
# shims record their location): bundles, the sources tsx runs, migrations, production
# node_modules installed --offline from the store filled above.
RUN pnpm exec tsx tools/assemble-runtime.ts /app

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3002 PATH=/app/node_modules/.bin:$PATH
WORKDIR /app
# Owned by root and read-only to the process, which runs as the image's unprivileged `node`
# user (uid 1000). tsx keeps its transform cache in the temp dir.
COPY --from=build /app /app
USER node
EXPOSE 3002
# No HEALTHCHECK here: it would apply to the worker and migrate too. Compose and Kubernetes
# probe GET /v1/health on the api service only.
CMD ["node", "apps/api/dist/index.js"]
