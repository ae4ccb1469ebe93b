/** Pieces of the UI on their own: markdown, the activity feed's explanations, keys, themes, screens. */
import { describe, expect, it, afterEach } from 'vitest';
import { renderMarkdown } from '../../tui/components/markdown.js';
import { describeEvent, shownInFeed } from '../../tui/activity.js';
import { BINDINGS, actionFor, actionForWord, helpLines, hintLine, KEY, wordHelp } from '../../tui/keys.js';
import { DARK, LIGHT, NO_COLOR_THEME, paint, pickTheme } from '../../tui/theme.js';
import { Help } from '../../tui/screens/Help.js';
import { Quiz } from '../../tui/screens/Quiz.js';
import { Results } from '../../tui/screens/Results.js';
import { CourseMap } from '../../tui/screens/CourseMap.js';
import { loadLabDir } from '../../labs/format/load.js';
import { emptyLab, type LabProgress } from '../../labs/runtime/progress.js';
import type { AuditEvent, Engine } from '../../engine/index.js';
import { devEngine, http, vault } from '../support/engine.js';
import { FIXTURE_COURSE, renderUi, widest } from './render.js';

// eslint-disable-next-line no-control-regex
const ESC = /\u001b\[/;

describe('lesson markdown', () => {
  const md =
    'Some **bold**, *emphasis* and `inline code` in a sentence long enough to wrap at forty columns.\n\n| Field | Value |\n|---|---|\n| db_user | appuser |\n\n```\nvault kv put secret/app db_user=appuser a_rather_long_argument=1\n```\n\n- one\n- two\n';

  it('wraps prose to the width, keeps code blocks whole, and draws tables with rules', () => {
    const lines = renderMarkdown(md, 40, NO_COLOR_THEME);
    const code = lines.find((l) => l.includes('vault kv put'))!;
    expect(code).toBe('    vault kv put secret/app db_user=appuser a_rather_long_argument=1');
    for (const l of lines.filter((x) => x !== code)) expect([...l].length).toBeLessThanOrEqual(40);
    expect(lines).toContain('Field   │ Value  ');
    expect(lines.some((l) => /^─+┼─+$/.test(l))).toBe(true);
    expect(lines).toContain('• one');
    expect(lines.join('\n')).not.toMatch(ESC);
  });

  it('keeps inline code visible without colour and styles emphasis with colour', () => {
    expect(renderMarkdown(md, 80, NO_COLOR_THEME).join(' ')).toContain('`inline code`');
    const dark = renderMarkdown(md, 80, DARK).join('\n');
    expect(dark).toContain('\u001b[1mbold\u001b[0m');
    expect(dark).toContain('\u001b[3memphasis\u001b[0m');
    expect(dark).toContain('\u001b[33minline code\u001b[0m');
    expect(renderMarkdown(md, 80, LIGHT).join('\n')).toContain('\u001b[35minline code\u001b[0m');
  });
});

describe('activity feed explanations, from real engine audit events', () => {
  let engine: Engine | undefined;
  afterEach(async () => {
    await engine?.stop();
    engine = undefined;
  });

  it('says which policy and rule allowed or denied each request', async () => {
    engine = await devEngine();
    const events: AuditEvent[] = [];
    engine.events.on('audit', (e: AuditEvent) => {
      if (e.type === 'response') events.push(e);
    });
    await http(engine, 'PUT', 'sys/policies/acl/read-only', {
      body: {
        policy:
          'path "secret/data/myapp/config" {\n  capabilities = ["read"]\n}\npath "secret/data/locked" {\n  capabilities = ["deny"]\n}',
      },
    });
    const tok = await http(engine, 'POST', 'auth/token/create', {
      body: { policies: ['read-only'], display_name: 'app' },
    });
    const ro = tok.body.auth.client_token as string;
    await http(engine, 'PUT', 'secret/data/myapp/config', { body: { data: { db_user: 'appuser' } } });
    await http(engine, 'GET', 'secret/data/myapp/config', { token: ro });
    await http(engine, 'PUT', 'secret/data/myapp/config', { token: ro, body: { data: { db_user: 'hacker' } } });
    await http(engine, 'GET', 'secret/data/another/path', { token: ro });
    await http(engine, 'GET', 'secret/data/locked', { token: ro });
    const d = events.map(describeEvent);
    const byPath = (op: string, p: string) => d.find((x) => x.summary.startsWith(`${op} ${p} `))!;
    expect(byPath('create', 'secret/data/myapp/config').why).toBe('allowed: root token (every capability everywhere)');
    expect(byPath('read', 'secret/data/myapp/config')).toMatchObject({
      ok: true,
      summary: 'read secret/data/myapp/config → 200',
      why: 'allowed: policy read-only grants read on secret/data/myapp/config',
    });
    expect(byPath('read', 'secret/data/myapp/config').who).toMatch(/app.*\[default, read-only\]/);
    const denied = d.filter((x) => x.summary.startsWith('update secret/data/myapp/config') && !x.ok)[0];
    expect(denied).toMatchObject({
      ok: false,
      summary: 'update secret/data/myapp/config → 403',
      why: 'denied: policy read-only grants read only on secret/data/myapp/config',
    });
    expect(byPath('read', 'secret/data/another/path').why).toBe(
      'denied: no policy of this token (default and read-only) grants anything on secret/data/another/path',
    );
    expect(byPath('read', 'secret/data/locked').why).toBe(
      'denied: policy read-only explicitly denies secret/data/locked',
    );
  });
});

describe('activity feed explanations for identity', () => {
  it('names the group a policy came from and the template a rule was rendered from', async () => {
    const engine = await devEngine();
    try {
      const events: AuditEvent[] = [];
      engine.events.on('audit', (e: AuditEvent) => {
        if (e.type === 'response') events.push(e);
      });
      await http(engine, 'PUT', 'sys/policies/acl/team-kv', {
        body: { policy: 'path "secret/data/team/*" { capabilities = ["read"] }' },
      });
      await http(engine, 'PUT', 'sys/policies/acl/own-kv', {
        body: { policy: 'path "secret/data/users/{{identity.entity.name}}/*" { capabilities = ["read", "create"] }' },
      });
      await http(engine, 'POST', 'sys/auth/userpass', { body: { type: 'userpass' } });
      await http(engine, 'POST', 'auth/userpass/users/ann', { body: { password: 'pw', token_policies: 'own-kv' } });
      const login = await http(engine, 'POST', 'auth/userpass/login/ann', { token: null, body: { password: 'pw' } });
      const { client_token: tok, entity_id: eid } = login.body.auth;
      await http(engine, 'POST', `identity/entity/id/${eid}`, { body: { name: 'ann' } });
      await http(engine, 'POST', 'identity/group', {
        body: { name: 'devs', policies: 'team-kv', member_entity_ids: eid },
      });
      await http(engine, 'PUT', 'secret/data/team/a', { body: { data: { v: 1 } } });
      await http(engine, 'GET', 'secret/data/team/a', { token: tok });
      await http(engine, 'PUT', 'secret/data/users/ann/n', { token: tok, body: { data: { v: 1 } } });
      const d = events.map(describeEvent);
      const by = (s: string) => d.find((x) => x.summary.startsWith(s) && x.who.startsWith('userpass-ann'))!;
      expect(by('read secret/data/team/a').why).toBe(
        'allowed: policy team-kv grants read on secret/data/team/* (policy team-kv comes from group devs)',
      );
      // The audit entry lists the group's policy among those the request was judged by, as Vault's does.
      const ev = events.find(
        (e) => e.request.path === 'secret/data/team/a' && e.auth?.display_name === 'userpass-ann',
      )!;
      expect(ev.auth).toMatchObject({
        policies: ['default', 'own-kv', 'team-kv'],
        token_policies: ['default', 'own-kv'],
        identity_policies: ['team-kv'],
      });
      expect(by('create secret/data/users/ann/n').why).toBe(
        'allowed: policy own-kv grants create, read on secret/data/users/ann/* ' +
          '(the rule is the template secret/data/users/{{identity.entity.name}}/* filled in for this entity)',
      );
    } finally {
      await engine.stop();
    }
  });
});

describe('activity feed contents', () => {
  it('leaves out the CLI preflight that `vault kv` sends before each command, and keeps the command', async () => {
    const engine = await devEngine();
    try {
      const events: AuditEvent[] = [];
      engine.events.on('audit', (e: AuditEvent) => {
        if (e.type === 'response') events.push(e);
      });
      const env = { VAULT_ADDR: engine.url, VAULT_TOKEN: engine.rootToken };
      expect((await vault(['kv', 'put', 'secret/feed', 'a=1'], env)).code).toBe(0);
      expect((await vault(['kv', 'get', 'secret/feed'], env)).code).toBe(0);
      const paths = events.map((e) => e.request.path);
      expect(paths.filter((p) => p.startsWith('sys/internal/ui/mounts/')).length).toBeGreaterThanOrEqual(2);
      expect(events.filter(shownInFeed).map((e) => `${e.request.operation} ${e.request.path}`)).toEqual([
        'create secret/data/feed',
        'read secret/data/feed',
      ]);
    } finally {
      await engine.stop();
    }
  });
});

describe('keybindings as data', () => {
  it('gives each key one meaning per screen and documents every binding', () => {
    for (const scope of ['map', 'lesson', 'quiz', 'results'] as const) {
      const seen = new Map<string, string>();
      for (const b of BINDINGS.filter((x) => x.scope === scope || x.scope === 'any')) {
        expect(b.description.length).toBeGreaterThan(5);
        for (const k of b.keys) {
          if (seen.has(k)) expect(seen.get(k)).toBe(b.action);
          seen.set(k, b.action);
        }
      }
    }
    expect(actionFor(KEY.ctrlBracket, 'lesson')).toBe('focus');
    expect(actionFor(KEY.f2, 'lesson')).toBe('focus');
    expect(actionFor(KEY.ctrlC, 'lesson')).toBe('quit');
    expect(actionForWord('Hint')).toBe('hint');
    expect(wordHelp().map((w) => w.word)).toEqual(
      expect.arrayContaining(['hint', 'solution', 'reset', 'skip', 'advance', 'activity', 'quiz', 'quit']),
    );
  });

  it('fits each footer in 80 columns', () => {
    for (const scope of ['map', 'lesson', 'quiz', 'results'] as const)
      expect(hintLine(scope).length).toBeLessThanOrEqual(78);
  });

  it('generates the help overlay from the table', () => {
    const ui = renderUi(<Help scope="lesson" theme={NO_COLOR_THEME} width={80} />);
    for (const l of helpLines('lesson')) expect(ui.frame()).toContain(l.key);
    expect(ui.frame()).toContain('advance the engine clock by 1h');
    expect(ui.frame().replace(/\s+/g, ' ')).toContain('Ctrl-C interrupts, Ctrl-D ends input');
  });
});

describe('themes', () => {
  it('turns colour off with NO_COLOR and picks light or dark', () => {
    expect(pickTheme({ NO_COLOR: '1' })).toBe(NO_COLOR_THEME);
    expect(pickTheme({ NO_COLOR: '' })).toBe(DARK);
    expect(pickTheme({ VAULT_LAB_THEME: 'light' })).toBe(LIGHT);
    expect(pickTheme({ COLORFGBG: '0;15' })).toBe(LIGHT);
    expect(pickTheme({ COLORFGBG: '15;0' })).toBe(DARK);
    expect(paint(NO_COLOR_THEME, 'fail', 'x', { bold: true })).toBe('x');
    expect(paint(DARK, 'fail', 'x', { bold: true })).toBe('\u001b[1;31mx\u001b[0m');
  });
});

describe('screens', () => {
  const { labs } = loadLabDir(FIXTURE_COURSE);

  it('course map: groups by topic with minutes, needs and each status', () => {
    const progress: Record<string, LabProgress> = {
      'fixture-basics': { ...emptyLab(), status: 'in-progress', step: 1, done: ['store'] },
      'fixture-database': { ...emptyLab(), status: 'done', done: ['only'], quiz: { answers: {}, score: 2, total: 3 } },
    };
    const ui = renderUi(
      <CourseMap
        labs={labs}
        progress={(id) => progress[id] ?? emptyLab()}
        selected={1}
        theme={NO_COLOR_THEME}
        width={80}
        height={24}
        notices={[]}
      />,
    );
    const f = ui.frame();
    expect(f).toMatch(/Basics · 5 min\n\s+Fixture basics\s+5 min\s+—\s+1\/2 · resume at 2/);
    expect(f).toMatch(
      /Dynamic secrets · 20 min\n › Fixture database credentials\s+20 min\s+PostgreSQL\s+done · quiz 2\/3/,
    );
    expect(f).toContain('Enter start/resume');
    expect(widest(f)).toBeLessThanOrEqual(80);
  });

  it('course map: a reading lab shows "reading + quiz" where others show what they need', () => {
    const reading = labs.map((l, i) => (i === 0 ? { ...l, lab: { ...l.lab, kind: 'reading' as const } } : l));
    const ui = renderUi(
      <CourseMap
        labs={reading}
        progress={() => emptyLab()}
        selected={1}
        theme={NO_COLOR_THEME}
        width={80}
        height={24}
        notices={[]}
      />,
    );
    const f = ui.frame();
    expect(f).toMatch(/Fixture basics\s+5 min\s+reading \+ quiz\s+new/);
    expect(f).toMatch(/Fixture database credentials\s+20 min\s+PostgreSQL\s+new/);
    expect(widest(f)).toBeLessThanOrEqual(80);
  });

  it('quiz: shows choices, then whether the answer was right and why', () => {
    const ui = renderUi(
      <Quiz
        title="T"
        theme={NO_COLOR_THEME}
        width={80}
        quiz={{
          index: 1,
          total: 3,
          kind: 'multiple',
          typed: false,
          question: 'Which?',
          choices: ['a', 'b', 'c'],
          cursor: 2,
          picked: [0, 2],
          text: '',
          score: 1,
          feedback: { correct: false, expected: 'a; b', explain: 'Because.' },
        }}
      />,
    );
    expect(ui.frame()).toContain('question 2/3 · score 1');
    expect(ui.frame()).toContain('1. [x] a');
    expect(ui.frame()).toContain('2. [ ] b');
    expect(ui.frame()).toContain('✗ Not quite. The answer: a; b');
    expect(ui.frame()).toContain('Because.');
  });

  it('results: time, steps, hints, solutions and quiz score', () => {
    const ui = renderUi(
      <Results
        title="T"
        theme={NO_COLOR_THEME}
        results={{
          status: 'done',
          steps: 6,
          done: 5,
          skipped: 1,
          hints: 3,
          solutions: 1,
          minutes: 12.4,
          quiz: { score: 2, total: 3 },
        }}
      />,
    );
    expect(ui.frame()).toMatch(/Time\s+12 min/);
    expect(ui.frame()).toMatch(/Steps\s+5 done, 1 skipped, of 6/);
    expect(ui.frame()).toMatch(/Hints used\s+3/);
    expect(ui.frame()).toMatch(/Solutions shown\s+1/);
    expect(ui.frame()).toMatch(/Quiz\s+2\/3/);
  });
});
