#!/usr/bin/env node
import '../dist/vault-lab.js';
