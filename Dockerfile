# syntax=docker/dockerfile:1
# Build: compile TypeScript with dev dependencies.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime: production dependencies only, compiled code, migrations; runs as the non-root `node` user.
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
# The console's page is plain files served from the repo layout (no build step).
COPY src/platforms/console/public ./src/platforms/console/public
COPY drizzle ./drizzle
COPY config/genjin.example.json ./config/genjin.example.json
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Migrations as a deploy step: `docker run … node dist/cli.js migrate` with GENJIN_MIGRATE_ON_START=false.
CMD ["node", "dist/main.js"]
