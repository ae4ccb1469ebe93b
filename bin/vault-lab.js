#!/usr/bin/env node
import { ensureDist } from './ensure-dist.js';

ensureDist('vault-lab.js');
await import('../dist/vault-lab.js');
