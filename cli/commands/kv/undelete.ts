import { versionCommand } from './common.js';

export const kvUndelete = versionCommand(
  'undelete',
  `Usage: vault kv undelete [options] KEY

  Undeletes the data for the provided version and path in the key-value store.
  This restores the data, allowing it to be returned on get requests.

  To undelete version 3 of key "foo":

      $ vault kv undelete -mount=secret -versions=3 foo

Common Options:

  -mount=<string>       Where the KV backend is mounted.
  -versions=<int,...>   The versions to undelete (required).`,
  'Undeletes versions in the KV store',
);
