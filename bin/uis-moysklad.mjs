#!/usr/bin/env node
// CLI entry: runs src/main.ts through tsx so the TypeScript sources are the program.
import { register } from 'tsx/esm/api';
register();
await import('../src/main.ts');
