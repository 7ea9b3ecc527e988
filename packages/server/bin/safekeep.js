#!/usr/bin/env node
// The `safekeep` command. Safekeep runs its TypeScript directly through tsx, so there is
// no build step between a clone and `npm start`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
