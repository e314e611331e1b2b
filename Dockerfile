# certdesk's container image: built in one stage with the devDependencies (npm ci builds dist/
# through `prepare`), run in another with the production dependencies only, as a non-root user.
#   docker build -t certdesk .        (podman/buildah: add --format docker, or HEALTHCHECK is dropped)
#   docker run -p 3000:3000 -v certdesk-data:/var/lib/certdesk --env-file .env certdesk
# NODE_IMAGE must be a Debian-based Node 20 image with a `node` user (the official one has uid 1000).
ARG NODE_IMAGE=docker.io/library/node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# better-sqlite3 downloads a prebuilt binary, or compiles one when there is none for this platform.
RUN if ! command -v make >/dev/null || ! command -v g++ >/dev/null; then \
      apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*; \
    fi
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY scripts/ensure-build.mjs scripts/
COPY src/ src/
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    DATA_DIR=/var/lib/certdesk \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOG_FORMAT=json
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules/ node_modules/
COPY --from=build /app/dist/ dist/
COPY bin/ bin/
RUN mkdir -p /var/lib/certdesk && chown node:node /var/lib/certdesk && chmod 0700 /var/lib/certdesk
USER node
VOLUME ["/var/lib/certdesk"]
EXPOSE 3000
# /readyz: store open, migrations applied, the job queue not paused by refused Zendesk credentials.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
# Node itself (no npm, no shell): SIGTERM reaches certdesk, which stops gracefully. The systemd
# unit (deploy/certdesk.service) runs the same command. `docker stop -t 30`: certdesk gives a
# running job 10 s, and Docker's default is to kill after 10 s.
CMD ["node", "--max-old-space-size=192", "dist/main.js"]
