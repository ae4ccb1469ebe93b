/** `vault-lab new | validate | test --junit | quiz | clock` as a real process. */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, VAULT_LAB_JS } from '../support/engine.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vl-cmd-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(
  args: string[],
  opts: { input?: string; env?: Record<string, string> } = {},
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [VAULT_LAB_JS, ...args], {
      cwd: dir,
      env: { ...process.env, VAULT_LAB_DATA_DIR: path.join(dir, 'data'), ...(opts.env ?? {}) },
    });
    let out = '',
      err = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.stderr.on('data', (d) => {
      err += d;
    });
    p.stdin.end(opts.input ?? '');
    p.on('close', (code) => resolve({ code: code ?? 1, out, err }));
  });
}

describe('vault-lab new', () => {
  it('scaffolds a lab that validates and tests green, with JUnit output', async () => {
    const made = await run(['new', 'my-lab', '--dir', 'labs']);
    expect(made.code).toBe(0);
    expect(made.out).toContain('Created labs/my-lab.yaml');
    const v = await run(['validate', 'labs/my-lab.yaml']);
    expect(v.out).toContain('1 valid, 0 invalid');
    expect(v.out).toContain('2 steps · 3 alternatives (1 over HTTP) · 2 anti-solutions');
    expect(v.code).toBe(0);
    const t = await run(['test', 'labs', '--junit', 'report.xml']);
    // Two steps, three alternatives (each followed by the later steps), and the retrying learner.
    expect(t.out).toContain('✓ read-hello [curl]');
    expect(t.out).toContain('✓ write-answer [the API path]');
    expect(t.out).toContain('✓ (retrying learner)');
    expect(t.out.trim().split('\n').pop()).toBe('6 passed, 0 failed');
    expect(t.code).toBe(0);
    const xml = fs.readFileSync(path.join(dir, 'report.xml'), 'utf8');
    expect(xml).toContain('<testsuite name="my-lab" tests="6" failures="0">');
    expect(xml).toContain('name="read-hello"');
  }, 60_000);

  it('refuses a bad id and an existing file', async () => {
    expect((await run(['new', 'My Lab'])).err).toContain('is not a lab id');
    await run(['new', 'x']);
    const again = await run(['new', 'x']);
    expect(again.code).toBe(1);
    expect(again.err).toContain('already exists');
  });
});

describe('vault-lab test failures', () => {
  it('exits non-zero with N passed, N failed and a JUnit failure', async () => {
    await run(['new', 'x']);
    const text = fs
      .readFileSync(path.join(dir, 'x.yaml'), 'utf8')
      .replace('vault kv put secret/x/answer answer=42', 'vault kv put secret/x/answer answer=41');
    fs.writeFileSync(path.join(dir, 'x.yaml'), text);
    const t = await run(['test', 'x.yaml', '--junit=r.xml']);
    expect(t.code).toBe(1);
    expect(t.out).toContain('x.yaml:');
    expect(t.out).toContain('data.data.answer is "41", expected "42"');
    // The step's own solution fails (in the main walk and for the retrying learner); that is not
    // blamed on the alternatives taken before it, which pass.
    expect(t.out).not.toContain('dead end');
    expect(t.out.trim().split('\n').pop()).toBe('4 passed, 2 failed');
    expect(fs.readFileSync(path.join(dir, 'r.xml'), 'utf8')).toContain('<failure message=');
  }, 60_000);
});

describe('vault-lab quiz', () => {
  it('asks every question in the plain terminal, scores per topic and names what to revisit', async () => {
    fs.mkdirSync(path.join(dir, 'course'));
    for (const [id, topic, answer] of [
      ['a-lab', 'Tokens', 0],
      ['b-lab', 'Policies', 1],
    ] as const) {
      fs.writeFileSync(
        path.join(dir, 'course', `${id}.yaml`),
        `id: ${id}\ntitle: Lab ${id}\ntopic: ${topic}\nminutes: 1\nsteps:\n  - id: s\n    title: S\n    body: b\n    hints: [h]\n    solution: ["true"]\n    check: [ { request: { path: x } } ]\nquiz:\n  - question: Q1 of ${id}\n    choices: [yes, no]\n    answer: ${answer}\n    explain: Because ${id}.\n  - question: Free text of ${id}\n    pattern: '^secret/data/'\n    explain: KV v2.\n  - question: From state\n    from_state: { api: { path: sys/health, at: version } }\n    explain: e\n`,
      );
    }
    // a-lab: right, right; b-lab: wrong (1 → "yes"), then an invalid input, then skip the text question.
    const q = await run(['quiz', '--labs', 'course'], { input: '1\nsecret/data/app\n7\n1\n\n' });
    expect(q.code).toBe(0);
    expect(q.out).toContain('[1/4] Tokens — Lab a-lab');
    expect(q.out).toContain('Please type one number between 1 and 2.');
    expect(q.out).toMatch(/Tokens\s+2\/2 \(100%\)/);
    expect(q.out).toMatch(/Policies\s+0\/2 \(0%\)/);
    expect(q.out).toContain('Worth revisiting:\n  - Lab b-lab (b-lab)');
    expect(q.out).toContain('2 question(s) about your own lab engine are asked inside the course.');
    const progress = JSON.parse(fs.readFileSync(path.join(dir, 'data', 'progress.json'), 'utf8'));
    expect(progress.labs['a-lab'].quiz.answers).toEqual({ 0: 0, 1: 'secret/data/app' });
  }, 30_000);

  it("speaks the learner's language where the lab has a translation", async () => {
    fs.mkdirSync(path.join(dir, 'fr'));
    fs.writeFileSync(
      path.join(dir, 'fr', 'l.yaml'),
      `id: l\ntitle: { default: Tokens, fr: Jetons }\nminutes: 1\nsteps:\n  - id: s\n    title: S\n    body: b\n    hints: [h]\n    solution: ["true"]\n    check: [ { request: { path: x } } ]\nquiz:\n  - question: { default: Which?, fr: Lequel ? }\n    choices: [ { default: first, fr: premier }, second ]\n    answer: 0\n    explain: { default: Because., fr: Parce que. }\n`,
    );
    const q = await run(['quiz', '--labs', 'fr'], { input: '1\n', env: { LANG: 'fr_FR.UTF-8' } });
    expect(q.out).toContain('Lequel ?\n  1) premier\n  2) second');
    expect(q.out).toContain('✓ Right. Parce que.');
    expect(q.out).toContain('General — Jetons');
  });

  it('never loads React', async () => {
    const src = fs.readFileSync(path.join(ROOT, 'labs', 'tools', 'quiz-cli.ts'), 'utf8');
    expect(src).not.toMatch(/from ['"](react|ink)/);
    const q = await run(['quiz', '--labs', 'nowhere']);
    expect(q.code).toBe(1);
  });
});

describe('a step that moves the clock', () => {
  it('vault-lab test runs a lab whose solution uses vault-lab clock advance, with command and after checks', async () => {
    const r = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile(
        process.execPath,
        [VAULT_LAB_JS, 'test', 'test/fixtures/labs-good'],
        { cwd: ROOT, timeout: 60_000 },
        (e, o) => resolve({ code: e ? 1 : 0, out: o }),
      ),
    );
    expect(r.out).toContain('✓ expire');
    expect(r.out).toContain('✓ (retrying learner)');
    expect(r.out.trim().split('\n').pop()).toBe('3 passed, 0 failed');
    expect(r.code).toBe(0);
  }, 60_000);

  it('--isolate tests each step in its own fresh engine, replaying the earlier solutions', async () => {
    const r = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile(
        process.execPath,
        [VAULT_LAB_JS, 'test', '--isolate', 'test/fixtures/labs-good/clock.yaml'],
        { cwd: ROOT, timeout: 60_000 },
        (e, o) => resolve({ code: e ? 1 : 0, out: o }),
      ),
    );
    expect(r.out.trim().split('\n').pop()).toBe('3 passed, 0 failed');
    expect(r.code).toBe(0);
  }, 60_000);
});

describe('vault-lab clock outside a lab', () => {
  it('explains that it needs a lab shell', async () => {
    const r = await run(['clock', 'advance', '1h'], { env: { VAULT_LAB_CONTROL: '', VAULT_LAB_CONTROL_KEY: '' } });
    expect(r.code).toBe(1);
    expect(r.err).toContain('no lab session here');
  });
});

describe('vault-lab validate', () => {
  it('refuses two labs with the same id in one course, at the second id', async () => {
    await run(['new', 'same', '--dir', 'c']);
    fs.copyFileSync(path.join(dir, 'c', 'same.yaml'), path.join(dir, 'c', 'z-copy.yaml'));
    const r = await run(['validate', 'c']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('c/z-copy.yaml:5:5: id: lab id "same" is already used by c/same.yaml');
  });

  it('validates the shipped course', async () => {
    const r = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile(
        process.execPath,
        [VAULT_LAB_JS, 'validate', 'content/labs/10-policies-and-tokens.yaml'],
        { cwd: ROOT },
        (e, o) => resolve({ code: e ? 1 : 0, out: o }),
      ),
    );
    expect(r.out).toContain('1 valid, 0 invalid');
    expect(r.code).toBe(0);
  });
});

describe('vault-lab test with a wrong HTTP solution', () => {
  it('reports the (http) step at the http_solution position', async () => {
    fs.writeFileSync(
      path.join(dir, 'h.yaml'),
      `id: h\ntitle: H\nminutes: 1\nsteps:\n  - id: put\n    title: Put\n    body: b\n    hints: [h]\n    solution: ["vault kv put secret/h a=1"]\n    http_solution:\n      - { method: POST, path: secret/h, data: { data: { a: "1" } } }\n    check:\n      - state: { path: secret/data/h, expect: [ { at: data.data.a, equals: "1" } ] }\n`,
    );
    const r = await run(['test', 'h.yaml']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('✓ put (');
    expect(r.out).toContain('✗ put [http_solution]');
    expect(r.out).toContain('h.yaml:11:7: checks still fail after alternative "http_solution"');
    expect(r.out).toContain('POST /v1/secret/h → ');
    expect(r.out.trim().split('\n').pop()).toBe('2 passed, 1 failed');
  }, 60_000);
});
