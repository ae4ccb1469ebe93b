#!/usr/bin/env node
import { ensureDist } from './ensure-dist.js';

ensureDist('vault.js');
await import('../dist/vault.js');
