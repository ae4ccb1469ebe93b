/**
 * The lab file format: one zod schema, the single source of truth. The JSON Schema in
 * `content/lab.schema.json` is generated from it (`npm run build`), so editors complete
 * and validate lab YAML. `docs/authoring.md` explains every field with examples.
 */
import { z } from 'zod';

/** The version of the lab format this runtime reads (`schema: 1` in a lab file). */
export const SCHEMA_VERSION = 1;

/** A string with optional translations: `"text"` or `{ default: "text", fr: "texte" }`. */
export const Text = z.union([
  z.string(),
  z.object({ default: z.string() }).catchall(z.string()).describe('A string with translations keyed by language code.'),
]);
export type Text = z.infer<typeof Text>;

/** Picks the translation for a language, falling back to the default. */
export function t(text: Text | undefined, lang = 'default'): string {
  if (text === undefined) return '';
  if (typeof text === 'string') return text;
  return text[lang] ?? text[lang.split(/[-_]/)[0]] ?? text.default;
}

export const Operation = z.enum(['read', 'list', 'create', 'update', 'delete', 'patch']);
const OneOrMany = <T extends z.ZodTypeAny>(s: T) => z.union([s, z.array(s)]);
const Capability = z.enum(['create', 'read', 'update', 'patch', 'delete', 'list', 'sudo', 'deny', 'root']);

export const Expectation = z
  .object({
    at: z
      .string()
      .describe('JSONPath-like place in the JSON: `data.data.db_user`, `$.data.keys[0]`, `rows[*].rolname`.'),
    equals: z.unknown().optional(),
    contains: z.unknown().optional(),
    matches: z.string().optional().describe('A regular expression the value (as text) must match.'),
    exists: z.boolean().optional(),
    length: z.number().int().min(0).optional().describe('Number of items (list) or keys (mapping) or characters.'),
  })
  .strict();

/** A number of things: exactly `N`, or a range `{ min, max }` (either end optional). */
export const Count = z.union([
  z.number().int().min(0),
  z.object({ min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional() }).strict(),
]);

/**
 * A `state` expectation can also compare with the step's start: the value read when the
 * step began (its first evaluation). `at` and `equals` may hold `{{X}}` (X in this read)
 * and `{{start:X}}` (X in this read when the step began).
 */
export const StateExpectation = Expectation.extend({
  at: z
    .string()
    .describe(
      'Place in the JSON, e.g. `data.current_version`; may hold `{{X}}` (X in this read) or `{{start:X}}` ' +
        '(X when the step began): `data.versions.{{start:data.current_version}}.deletion_time`.',
    ),
  increased: z.literal(true).optional().describe('The number is greater than when the step began (missing = 0).'),
  increased_by: Count.optional().describe('The number rose by exactly N (or by `{ min, max }`) since the step began.'),
  changed: z.literal(true).optional().describe('The value differs from when the step began.'),
  unchanged: z.literal(true).optional().describe('The value is the same as when the step began.'),
}).strict();

export const RequestCheck = z
  .object({
    path: z.string().describe('Path glob: `*` matches within a segment, `**` across segments.'),
    operation: OneOrMany(Operation).optional(),
    status: OneOrMany(z.number().int()).optional().describe('HTTP status of the response (e.g. 200, 204, 403).'),
    policies: z
      .object({
        includes: OneOrMany(z.string()).optional(),
        excludes: OneOrMany(z.string()).optional(),
      })
      .strict()
      .optional()
      .describe('Policies of the token that made the request.'),
    auth_mount: z.string().optional().describe('The auth mount that issued the token (e.g. `userpass`).'),
    token_type: z.enum(['service', 'batch']).optional(),
    display_name: z.string().optional(),
    count: z.number().int().min(1).default(1).describe('At least this many matching requests.'),
    error: z
      .string()
      .optional()
      .describe("A regular expression the error of the answer must match (errors are not HMAC'd), e.g. `too old`."),
    response: z
      .array(Expectation)
      .optional()
      .describe(
        "Expectations on the audit response (secret values are HMAC'd there), e.g. `auth.policies` contains `read-only`.",
      ),
  })
  .strict();

export const StateCheck = z
  .object({
    path: z.string(),
    operation: z.enum(['read', 'list']).default('read'),
    status: z
      .number()
      .int()
      .default(200)
      .describe('Expected HTTP status of the read (404: the thing must be gone — it must have been seen first).'),
    expect: z.array(StateExpectation).default([]),
  })
  .strict();

/** Which identity a `capabilities` check judges: exactly one of these. */
export const CapabilitiesCheck = z
  .object({
    path: z.string().describe('The API path to ask about, e.g. `secret/data/myapp/config`.'),
    policy: OneOrMany(z.string())
      .optional()
      .describe('Judge a token that carries exactly these policies (each must exist).'),
    token_from: z
      .object({
        path: z.string(),
        operation: OneOrMany(Operation).optional(),
      })
      .strict()
      .optional()
      .describe(
        'Judge the token the learner created or logged in with: the latest response at this path that issued one.',
      ),
    last_token: z.boolean().optional().describe("Judge the token of the learner's latest request."),
    includes: z.array(Capability).optional(),
    excludes: z.array(Capability).optional(),
    equals: z.array(Capability).optional(),
  })
  .strict();

export const SqlCheck = z
  .object({
    query: z.string().describe('SQL run on the lab database as its administrator.'),
    system: z.enum(['postgres']).default('postgres'),
    rows: z
      .union([
        z.number().int().min(0),
        z.object({ min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional() }).strict(),
      ])
      .optional()
      .describe('How many rows the query must return.'),
    expect: z.array(Expectation).default([]).describe('Expectations on `{ rows, count }`, e.g. `rows[0].rolname`.'),
    added: Count.optional().describe(
      'How many rows the query returns now that it did not when the step began (rows compared as JSON).',
    ),
    removed: Count.optional().describe('How many rows the query returned when the step began and no longer does.'),
  })
  .strict();

export const LeasesCheck = z
  .object({
    prefix: z.string().min(1).describe('Lease ids under this path, e.g. `database/creds/readonly`.'),
    created: Count.optional().describe('How many leases under the prefix appeared since the step began.'),
    revoked: Count.optional().describe(
      'How many leases under the prefix that existed in this step (at its start or since) are gone now.',
    ),
  })
  .strict();

export const FileCheck = z
  .object({
    path: z.string().describe("Relative to the learner's workspace."),
    exists: z.boolean().default(true),
    contains: z.string().optional(),
    matches: z.string().optional(),
    mode: z
      .string()
      .regex(/^0?[0-7]{3}$/, 'an octal mode such as "600"')
      .optional(),
  })
  .strict();

export const CommandCheck = z
  .object({
    matches: z
      .string()
      .optional()
      .describe('A regular expression the command line must match (values of key=value arguments read as `***`).'),
    contains: z.string().optional(),
    means: OneOrMany(z.string().min(1))
      .optional()
      .describe(
        "A command the line must mean (any of a list): read with the CLI's own flag parser for `vault`, " +
          'order-free for other programs; env prefixes, flag order, quoting, `-mount=` and `-format=json | jq` ' +
          'are the same meaning.',
      ),
    exit: OneOrMany(z.number().int().min(0)).optional().describe('Exit code(s) the command must end with.'),
    count: z.number().int().min(1).default(1),
  })
  .strict();

export const ScriptCheck = z
  .object({
    run: z
      .string()
      .describe(
        'Shell script run in the workspace as a checker token; passes on exit 0. Its last output line is the message.',
      ),
    timeout: z.number().positive().default(10).describe('Seconds.'),
  })
  .strict();

export interface CheckNode {
  request?: z.infer<typeof RequestCheck>;
  state?: z.infer<typeof StateCheck>;
  capabilities?: z.infer<typeof CapabilitiesCheck>;
  sql?: z.infer<typeof SqlCheck>;
  leases?: z.infer<typeof LeasesCheck>;
  file?: z.infer<typeof FileCheck>;
  command?: z.infer<typeof CommandCheck>;
  script?: z.infer<typeof ScriptCheck>;
  all?: CheckNode[];
  any?: CheckNode[];
  not?: CheckNode;
  message?: Text;
  id?: string;
  after?: string;
  [kind: string]: unknown;
}

/** Check kinds are evaluated in `labs/checks`; the schema knows their option shapes. */
export const CHECK_KINDS = [
  'request',
  'state',
  'capabilities',
  'sql',
  'file',
  'command',
  'script',
  'leases',
  'all',
  'any',
  'not',
] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

export const Check: z.ZodType<CheckNode> = z.lazy(
  () =>
    z
      .object({
        request: RequestCheck.optional(),
        state: StateCheck.optional(),
        capabilities: CapabilitiesCheck.optional(),
        sql: SqlCheck.optional(),
        leases: LeasesCheck.optional(),
        file: FileCheck.optional(),
        command: CommandCheck.optional(),
        script: ScriptCheck.optional(),
        all: z.array(Check).min(1).optional(),
        any: z.array(Check).min(1).optional(),
        not: Check.optional(),
        message: Text.optional().describe('What to tell the learner when this check fails.'),
        id: z.string().optional(),
        after: z.string().optional().describe('Id of a check in this step that must have passed earlier.'),
      })
      .strict()
      .superRefine((c, ctx) => {
        const kinds = CHECK_KINDS.filter((k) => c[k] !== undefined);
        if (kinds.length !== 1) {
          ctx.addIssue({
            code: 'custom',
            message: kinds.length
              ? `a check has exactly one kind, found ${kinds.join(' and ')}`
              : `a check needs one of: ${CHECK_KINDS.join(', ')}`,
          });
        }
        if (c.capabilities) {
          const who = (['policy', 'token_from', 'last_token'] as const).filter((k) => c.capabilities![k] !== undefined);
          if (who.length !== 1)
            ctx.addIssue({
              code: 'custom',
              path: ['capabilities'],
              message: `a capabilities check judges exactly one of policy, token_from, last_token${who.length ? ` (found ${who.join(' and ')})` : ''}`,
            });
          if (!c.capabilities.includes && !c.capabilities.excludes && !c.capabilities.equals)
            ctx.addIssue({
              code: 'custom',
              path: ['capabilities'],
              message: 'a capabilities check needs includes, excludes or equals',
            });
        }
        if (c.leases && c.leases.created === undefined && c.leases.revoked === undefined)
          ctx.addIssue({ code: 'custom', path: ['leases'], message: 'a leases check needs created or revoked' });
        if (
          c.command &&
          c.command.matches === undefined &&
          c.command.contains === undefined &&
          c.command.means === undefined &&
          c.command.exit === undefined
        ) {
          ctx.addIssue({
            code: 'custom',
            path: ['command'],
            message: 'a command check needs means, matches, contains or exit',
          });
        }
      }) as unknown as z.ZodType<CheckNode>,
);

const HttpMethod = z.enum(['GET', 'PUT', 'POST', 'DELETE', 'LIST', 'PATCH']);

export const SetupItem = z.union([
  z.string().describe('A shell command run in the lab workspace with VAULT_ADDR and a root VAULT_TOKEN.'),
  z.object({ run: z.string() }).strict(),
  z
    .object({
      file: z
        .object({
          path: z.string(),
          content: z.string().optional(),
          from: z.string().optional().describe('A file next to the lab file to copy instead of `content`.'),
          mode: z
            .string()
            .regex(/^0?[0-7]{3}$/, 'an octal mode such as "600"')
            .optional(),
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      api: z
        .object({ method: HttpMethod, path: z.string(), data: z.record(z.string(), z.unknown()).optional() })
        .strict(),
    })
    .strict(),
]);

export const AntiSolution = z
  .object({
    run: z.array(z.string()).min(1),
    diagnostic: Text.describe('The message (or part of it) the failing checks must show after these commands.'),
  })
  .strict();

/** One raw HTTP call of a step's HTTP solution (`vault-lab test` completes the step once this way). */
export const HttpCall = z
  .object({
    method: HttpMethod,
    path: z.string().describe('API path without /v1/, e.g. `secret/data/myapp/config`.'),
    data: z.record(z.string(), z.unknown()).optional(),
    token: z.string().default('$VAULT_TOKEN').describe('The token to send: a literal or `$NAME` of a shell variable.'),
    export: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string())
      .optional()
      .describe('Shell variables to set from the response JSON, e.g. `{ RO_TOKEN: auth.client_token }`.'),
  })
  .strict();

/** Another right way to do a step: shell commands (another CLI form, curl, jq…) or raw HTTP calls. */
export const Alternative = z
  .object({
    name: z.string().optional().describe('A few words naming this way, e.g. `-mount= form` or `curl`.'),
    run: z.array(z.string()).min(1).optional().describe('Shell commands, run like a solution.'),
    http: z.array(HttpCall).min(1).optional().describe('Raw HTTP calls, made like an `http_solution`.'),
  })
  .strict()
  .superRefine((a, ctx) => {
    if ((a.run === undefined) === (a.http === undefined))
      ctx.addIssue({ code: 'custom', message: 'an alternative has exactly one of run or http' });
  });

/** Why a step goes without something `vault-lab validate` otherwise asks of every step. */
const Reason = z.string().min(12, 'say why in a sentence');
export const Exempt = z
  .object({
    alternatives: Reason.optional().describe('Why this step has only one right way.'),
    anti_solutions: Reason.optional().describe('Why no wrong way can be shown.'),
    retry: Reason.optional().describe('Why the step cannot tolerate its solution run twice or a read run early.'),
  })
  .strict();

export const Step = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'step ids are lower-case words joined by dashes'),
    title: Text,
    body: Text.describe('Markdown shown to the learner.'),
    hints: z.array(Text).default([]).describe('A ladder: revealed one at a time.'),
    solution: z.array(z.string()).min(1).describe('Shell commands that complete the step.'),
    http_solution: z.array(HttpCall).optional().describe('The same step done through raw HTTP calls.'),
    alternatives: z
      .array(Alternative)
      .default([])
      .describe('Other right ways; `vault-lab test` proves each one and every later step after it.'),
    anti_solutions: z.array(AntiSolution).default([]),
    exempt: Exempt.optional().describe('Reasoned opt-outs from the alternative, anti-solution and retry rules.'),
    check: z.array(Check).min(1),
  })
  .strict();

/** Where a state-computed quiz answer comes from. */
export const FromState = z.union([
  z
    .object({
      event: z
        .object({
          path: z.string().optional(),
          operation: OneOrMany(Operation).optional(),
          status: OneOrMany(z.number().int()).optional(),
        })
        .strict()
        .describe("The learner's latest request matching this."),
      pick: z
        .enum(['denied_by', 'policies', 'path', 'operation', 'status', 'display_name'])
        .describe('`denied_by`: the policy whose rule decided a denial (or `default deny`).'),
    })
    .strict(),
  z
    .object({
      api: z.object({ path: z.string(), at: z.string() }).strict().describe('A value read from the engine now.'),
    })
    .strict(),
]);

export const Question = z
  .object({
    question: Text,
    topic: z.string().optional().describe("Defaults to the lab's topic; `vault-lab quiz` scores per topic."),
    choices: z.array(Text).min(2).optional(),
    answer: z
      .union([z.number().int().min(0), z.array(z.number().int().min(0)).min(1), z.string()])
      .optional()
      .describe('Index of the right choice, indexes for multiple choice, or a regular expression for free text.'),
    pattern: z
      .string()
      .optional()
      .describe('Free text: a regular expression (case-insensitive) the answer must match.'),
    from_state: FromState.optional().describe("The answer is computed from the learner's own engine."),
    explain: Text,
  })
  .strict();

export const Lab = z
  .object({
    $schema: z.string().optional(),
    schema: z.literal(SCHEMA_VERSION).default(SCHEMA_VERSION).describe('Version of the lab format.'),
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lab ids are lower-case words joined by dashes'),
    title: Text,
    summary: Text.optional(),
    topic: z.string().default('General'),
    order: z.number().default(100),
    minutes: z.number().int().positive(),
    level: z.enum(['beginner', 'intermediate', 'advanced']).default('beginner'),
    kind: z
      .enum(['hands-on', 'reading'])
      .default('hands-on')
      .describe(
        'reading: no system to drive; its steps look things up and its quiz checks (course map: "reading + quiz").',
      ),
    tags: z.array(z.string()).default([]),
    version: z.string().default('1').describe("The lab's own version; bump it when steps change."),
    needs: z.array(z.enum(['engine', 'postgres', 'kubernetes', 'sshd', 'oathtool', 'syslog'])).default(['engine']),
    engine: z
      .object({ mode: z.enum(['dev']).default('dev'), kv_version: z.enum(['1', '2']).default('2') })
      .strict()
      .default({ mode: 'dev', kv_version: '2' }),
    setup: z.array(SetupItem).default([]),
    steps: z.array(Step).min(1),
    quiz: z.array(Question).default([]),
  })
  .strict();

export type Lab = z.infer<typeof Lab>;
export type Step = z.infer<typeof Step>;
export type Question = z.infer<typeof Question>;
export type SetupItem = z.infer<typeof SetupItem>;
export type HttpCall = z.infer<typeof HttpCall>;
export type Alternative = z.infer<typeof Alternative>;

export type QuestionKind = 'single' | 'multiple' | 'text' | 'state';

/** How a quiz question is answered: one choice, several, free text, or computed from the learner's engine. */
export function questionKind(q: Question): QuestionKind {
  if (q.from_state) return 'state';
  if (!q.choices) return 'text';
  return Array.isArray(q.answer) ? 'multiple' : 'single';
}
