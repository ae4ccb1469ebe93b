#!/usr/bin/env node
import '../dist/vault.js';
