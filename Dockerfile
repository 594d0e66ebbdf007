# syntax=docker/dockerfile:1
#
# Two stages on the same base: the first compiles TypeScript with the dev dependencies, the
# second holds only the production dependencies and dist/. argon2 ships prebuilt N-API
# binaries for glibc, so neither stage needs a compiler.
#
#   docker build -t nest-auth-service .
#   docker run -p 8000:8000 -e JWT_SECRET="$(openssl rand -base64 48)" -e MFA_ENCRYPTION_KEY="$(openssl rand -base64 32)" \
#     -e METRICS_TOKEN="$(openssl rand -hex 32)" -v auth-data:/app/data nest-auth-service
#
# Operators: set ADMIN_BOOTSTRAP_EMAIL and ADMIN_BOOTSTRAP_PASSWORD for the first start, or use the
# CLI (`node dist/src/cli.js --help`): `docker exec` into the running container with DATABASE_URL;
# on the embedded database, which one process at a time may open, stop it and run a one-off:
#   docker run --rm -it -v auth-data:/app/data nest-auth-service node dist/src/cli.js createsuperuser --email you@example.com

# ---- build ------------------------------------------------------------------------------
FROM node:24-slim AS build
WORKDIR /app

# Dependencies first, so this layer is reused until package*.json change. `allowScripts` in
# package.json approves the install scripts npm 11 would otherwise ask about.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build

# ---- runtime ----------------------------------------------------------------------------
FROM node:24-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    PORT=8000 \
    DATA_DIR=/app/data

# --omit=dev also skips the `node` devDependency: the image already runs Node 24.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY --from=build /app/dist ./dist

# The embedded PGlite database (used only when DATABASE_URL is unset) lives in DATA_DIR.
# That is fine for a single container trying things out; production should set
# DATABASE_URL to a PostgreSQL server (and REDIS_URL when running several instances).
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]

USER node
EXPOSE 8000

# No curl in the slim image: Node's fetch probes liveness.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Apply pending migrations (on DATABASE_URL, or on the embedded database), then replace the
# shell with the server so it receives SIGTERM directly and shuts down cleanly.
CMD ["sh", "-c", "node dist/src/database/migrate.js run && exec node dist/src/main.js"]
