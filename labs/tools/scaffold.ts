/**
 * `vault-lab new <id>`: writes a small lab that validates and tests green, as a
 * starting point for an instructor — steps with a hint ladder, a solution, other right
 * ways (one over curl), anti-solutions with their diagnostics, a state and a request
 * check, and a quiz.
 */
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../runtime/paths.js';

/**
 * Where a lab written into `dir` finds the JSON schema, as a path relative to `dir` (the YAML
 * language server resolves `$schema` against the file): the vault-lab installed in the
 * project (`node_modules/vault-lab/content/lab.schema.json`, found from `dir` upwards), else
 * the schema of the vault-lab running now — inside the package or a course folder next to it,
 * that is `../content/lab.schema.json` and the like. Never a URL: the package is not published.
 */
export function schemaPath(dir: string): string {
  const abs = path.resolve(dir);
  let target = path.join(packageRoot(), 'content', 'lab.schema.json');
  for (let d = abs; ; d = path.dirname(d)) {
    const installed = path.join(d, 'node_modules', 'vault-lab', 'content', 'lab.schema.json');
    if (fs.existsSync(installed)) {
      target = installed;
      break;
    }
    if (path.dirname(d) === d) break;
  }
  const rel = path.relative(abs, target).split(path.sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

export function scaffold(id: string, schema = schemaPath('.')): string {
  return `# yaml-language-server: $schema=${schema}
# A lab made with \`vault-lab new\`. Check it with:
#   vault-lab validate ${id}.yaml && vault-lab test ${id}.yaml
schema: 1
id: ${id}
title: ${id
    .split('-')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(' ')}
summary: One sentence on what the learner will be able to do.
topic: General
minutes: 5
level: beginner
tags: [kv]
version: "1"
needs: [engine]

setup:
  - vault kv put secret/${id}/hello greeting=hi

steps:
  - id: read-hello
    title: Read a secret
    body: |
      Setup stored a secret at \`secret/${id}/hello\`. Read it back with the
      \`vault\` CLI.
    hints:
      - Secrets in a key/value engine are read with \`vault kv get\`.
      - The path is the one named in the text above.
    solution:
      - vault kv get secret/${id}/hello
    alternatives:
      - name: -mount= form
        run: [vault kv get -mount=secret ${id}/hello]
      - name: curl
        run: ['curl -sf -H "X-Vault-Token: $VAULT_TOKEN" "$VAULT_ADDR/v1/secret/data/${id}/hello"']
    anti_solutions:
      - run: [vault kv get secret/${id}/other]
        diagnostic: went to secret/data/${id}/other
    check:
      - request:
          path: secret/data/${id}/hello
          operation: read
          status: 200
        message: Read secret/${id}/hello.

  - id: write-answer
    title: Write a secret
    body: |
      Now store \`answer=42\` at \`secret/${id}/answer\`.
    hints:
      - Writing uses \`vault kv put <path> key=value\`.
    solution:
      - vault kv put secret/${id}/answer answer=42
    alternatives:
      - name: the API path
        run:
          - |
            echo '{"data": {"answer": "42"}}' | vault write secret/data/${id}/answer -
    anti_solutions:
      - run: [vault kv put secret/${id}/answer answer=41]
        diagnostic: Store answer=42
    check:
      - state:
          path: secret/data/${id}/answer
          expect:
            - { at: data.data.answer, equals: "42" }
        message: Store answer=42 at secret/${id}/answer.

quiz:
  - question: Which command reads a secret from a key/value engine?
    choices: [vault kv get, vault kv put, vault read-secret]
    answer: 0
    explain: "\`vault kv get\` reads; \`vault kv put\` writes."
`;
}

export function runNew(args: string[], out: { write(s: string): void }): number {
  let dir = '.';
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--dir') dir = args[++i] ?? '.';
    else if (args[i].startsWith('--dir=')) dir = args[i].slice(6);
    else rest.push(args[i]);
  }
  const id = rest[0];
  if (rest.length !== 1 || !id) {
    process.stderr.write('Usage: vault-lab new <id> [--dir <dir>]\n');
    return 2;
  }
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) {
    process.stderr.write(
      `vault-lab new: "${id}" is not a lab id: use lower-case letters, digits and dashes, e.g. "my-first-lab"\n`,
    );
    return 2;
  }
  const file = path.join(dir, `${id}.yaml`);
  if (fs.existsSync(file)) {
    process.stderr.write(`vault-lab new: ${file} already exists; choose another id or remove it first\n`);
    return 1;
  }
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, scaffold(id, schemaPath(dir)), { flag: 'wx' });
  } catch (e) {
    process.stderr.write(
      `vault-lab new: cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`,
    );
    return 1;
  }
  out.write(`Created ${file}\nNext: vault-lab validate ${file} && vault-lab test ${file}\n`);
  return 0;
}
