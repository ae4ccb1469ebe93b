import { versionCommand } from './common.js';

export const kvDestroy = versionCommand(
  'destroy',
  `Usage: vault kv destroy [options] KEY

  Permanently removes the specified versions' data from the key-value store. If
  no key exists at the path, no action is taken.

  To destroy version 3 of key foo:

      $ vault kv destroy -mount=secret -versions=3 foo

Common Options:

  -mount=<string>       Where the KV backend is mounted.
  -versions=<int,...>   The versions to destroy (required).`,
  'Permanently removes one or more versions in the KV store',
);
