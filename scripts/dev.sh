#!/usr/bin/env bash
# `npm run dev`: local D1 migrations, a dev account with 1,000 credits and a known API key, then
# `wrangler dev` on 127.0.0.1:8787. Run through npm so node_modules/.bin (Node 24, wrangler) comes first.
set -euo pipefail
cd "$(dirname "$0")/.."
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false

random_hex() { node -e "process.stdout.write(require('node:crypto').randomBytes($1).toString('hex'))"; }

touch .dev.vars
grep -q '^ADMIN_TOKEN=' .dev.vars || echo "ADMIN_TOKEN=$(random_hex 24)" >> .dev.vars
grep -q '^RESULT_URL_SECRET=' .dev.vars || echo "RESULT_URL_SECRET=$(random_hex 32)" >> .dev.vars
grep -q '^DEV_API_KEY=il_' .dev.vars || echo "DEV_API_KEY=il_$(random_hex 24)" >> .dev.vars
# Local receivers (http://localhost:PORT) may take webhooks, and https://localhost may serve input files, in dev;
# never set this in production. (Before the rename it was WEBHOOK_DEV_HOSTS; an old line of that name is ignored.)
grep -q '^DEV_HOSTS=' .dev.vars || echo "DEV_HOSTS=localhost,127.0.0.1" >> .dev.vars
dev_api_key=$(grep '^DEV_API_KEY=' .dev.vars | tail -n 1 | cut -d= -f2-)
admin_token=$(grep '^ADMIN_TOKEN=' .dev.vars | tail -n 1 | cut -d= -f2-)
key_hash=$(printf %s "$dev_api_key" | sha256sum | cut -d' ' -f1)

wrangler d1 migrations apply lamina-db --local
mkdir -p .wrangler
sed -e "s/:key_hash/$key_hash/" -e "s/:prefix/${dev_api_key:0:10}/" src/db/dev-seed.sql > .wrangler/dev-seed.sql
wrangler d1 execute lamina-db --local --file .wrangler/dev-seed.sql > /dev/null

cat <<BANNER

  Lamina dev account ready (1,000 credits):
    API key:     $dev_api_key
    Admin token: $admin_token
  Both live in .dev.vars (git-ignored). Try:
    curl -s http://127.0.0.1:8787/v1/me -H "Authorization: Bearer $dev_api_key"

BANNER
exec wrangler dev --ip 127.0.0.1 --port "${PORT:-8787}" "$@"
