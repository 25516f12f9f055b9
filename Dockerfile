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
#   docker run --rm --env-file .env hogsend node apps/api/dist/cli.js --help
#
# The runtime stage holds exactly the tree `pnpm preflight` assembles and rehearses without
# Docker: both run tools/assemble-runtime.ts. The code also runs on Node 20
# (--build-arg NODE_VERSION=20). `pnpm image:build` builds it with buildah or Docker.
#
# Build arguments and secrets:
#   BASE_IMAGE   the base of both stages (default node:${NODE_VERSION}-bookworm-slim); point it at a
#                mirror, or at the stand-in `pnpm image:build` assembles without a registry
#   npm_ca       an extra CA for a TLS-intercepting proxy in front of the npm registry:
#                --secret id=npm_ca,src=/path/to/ca.pem. Only the steps that download see it,
#                as NODE_EXTRA_CA_CERTS; it never lands in a layer.

ARG NODE_VERSION=22
ARG BASE_IMAGE=node:${NODE_VERSION}-bookworm-slim

FROM ${BASE_IMAGE} AS build
ENV CI=true
WORKDIR /src
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
# Local fixes to dependencies (pnpm patch), applied by install.
COPY patches ./patches
# pnpm at the version package.json pins in packageManager, with npm: it works behind mirrors
# that drop the package signatures corepack insists on.
RUN --mount=type=secret,id=npm_ca \
    if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi; \
    npm install -g --no-fund --no-audit "pnpm@$(node -p "require('./package.json').packageManager.split('@')[1]")"
# Packages from the lockfile alone, so this layer outlives source changes.
RUN --mount=type=secret,id=npm_ca \
    if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi; \
    pnpm fetch
COPY . .
RUN pnpm install --frozen-lockfile --offline
RUN pnpm --filter @hogsend/api build
# The Studio's static assets (apps/studio/dist), served by the api at /studio.
RUN pnpm --filter @hogsend/studio build
# The production-only tree, assembled at the path the runtime stage runs it from (pnpm's .bin
# shims record their location): bundles, the sources tsx runs, migrations, production
# node_modules installed --offline from the store filled above.
RUN pnpm exec tsx tools/assemble-runtime.ts /app

FROM ${BASE_IMAGE} AS runtime
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
