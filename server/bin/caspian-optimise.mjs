#!/usr/bin/env node
// The `caspian-optimise` command (package.json "bin"): server/cli.ts, loaded through tsx since the
// package ships its TypeScript source. `npx caspian-optimise data/scenarios/phase1-annual.json`.
import { register } from 'tsx/esm/api';

register();
await import('../cli.ts');
