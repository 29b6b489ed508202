# syntax=docker/dockerfile:1
# One image per service of the monorepo, all from this file:
#   docker build --build-arg SERVICE=worker -t conveyor/worker .
# The CLI (migrations, the demo run) is built the same way from packages/cli:
#   docker build --build-arg SERVICE=cli --build-arg SERVICE_DIR=packages/cli -t conveyor/cli .
# infra/test/bundle.int.test.ts replays every stage of this file outside Docker: keep RUN commands
# relative to WORKDIR.
ARG NODE_IMAGE=node:22-alpine

FROM ${NODE_IMAGE} AS toolchain
# The versions pinned in package.json (packageManager) and pnpm-workspace.yaml (catalog).
ARG PNPM_VERSION=12.4.2
ARG TURBO_VERSION=2.11.11
RUN npm install --global pnpm@${PNPM_VERSION} turbo@${TURBO_VERSION} && npm cache clean --force
ENV TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
WORKDIR /app

# Only the service and the workspace packages it depends on, with a lockfile cut down to them.
FROM toolchain AS prune
ARG SERVICE
COPY . .
RUN turbo prune @conveyor/${SERVICE} --docker --out-dir out

# Install from the manifests first so that the dependency layer is cached across source changes.
FROM toolchain AS build
ARG SERVICE
COPY --from=prune /app/out/json/ ./
RUN --mount=type=cache,id=pnpm-store,target=/root/.local/share/pnpm/store \
    pnpm install --frozen-lockfile
COPY --from=prune /app/out/full/ ./
COPY tsconfig.base.json ./
# The turbo cache is shared between the images: the packages every service uses are compiled once.
RUN --mount=type=cache,id=turbo-cache,target=/app/.turbo/cache \
    turbo run build --filter=@conveyor/${SERVICE}...
# Keep what runs (dist/, the committed migrations, package.json): dependencies come from the deps stage.
RUN mkdir -p packages services \
 && rm -rf node_modules .turbo packages/*/node_modules services/*/node_modules packages/*/.turbo services/*/.turbo \
 && chmod -R g=u packages services

# Production dependencies only: no TypeScript, tsx, turbo or test tools at run time.
FROM toolchain AS deps
COPY --from=prune /app/out/json/ ./
RUN --mount=type=cache,id=pnpm-store,target=/root/.local/share/pnpm/store \
    pnpm install --frozen-lockfile --prod && chmod -R g=u .

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ARG SERVICE_DIR=services/${SERVICE}
ENV NODE_ENV=production CONVEYOR_SERVICE=${SERVICE}
WORKDIR /app
# Owned by a non-root user in group 0, group rights = owner rights: OpenShift runs the container
# under an arbitrary UID that belongs to group 0.
COPY --from=deps --chown=1000:0 /app/ ./
COPY --from=build --chown=1000:0 /app/packages/ ./packages/
COPY --from=build --chown=1000:0 /app/services/ ./services/
COPY infra/docker/healthcheck.mjs /usr/local/lib/conveyor/healthcheck.mjs
USER 1000
WORKDIR /app/${SERVICE_DIR}
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "/usr/local/lib/conveyor/healthcheck.mjs", "/healthz"]
CMD ["node", "dist/main.js"]
