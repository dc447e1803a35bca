#!/usr/bin/env node
// The `caspian-optimise` command (package.json "bin", compiled to dist/bin/caspian-optimise.js):
// `npx caspian-optimise data/scenarios/phase1-annual.json`.
import '../cli.ts';
