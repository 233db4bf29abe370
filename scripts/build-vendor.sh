#!/bin/sh
# Bundles the graphql-ws browser client into the console's assets (committed; the package ships it).
set -eu
cd "$(dirname "$0")/.."
out=src/console/assets/vendor/graphql-ws.js
version=$(node -p "require('./node_modules/graphql-ws/package.json').version")
{
  echo "// generated — do not edit; regenerate with: npm run build:vendor (graphql-ws $version client, MIT)"
  node_modules/.bin/esbuild node_modules/graphql-ws/dist/client.js --bundle --format=esm --minify --platform=browser
} > "$out"
wc -c "$out"
