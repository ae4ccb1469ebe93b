/**
 * The lab file format: one zod schema, the single source of truth. The JSON Schema in
 * `content/lab.schema.json` is generated from it (`npm run build`), so editors complete
 * and validate lab YAML.
 */
import { z } from 'zod';

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

const Operation = z.enum(['read', 'list', 'create', 'update', 'delete', 'patch']);
const OneOrMany = <T extends z.ZodTypeAny>(s: T) => z.union([s, z.array(s)]);

export const RequestCheck = z.object({
  path: z.string().describe('Path glob: `*` matches within a segment, `**` across segments.'),
  operation: OneOrMany(Operation).optional(),
  status: OneOrMany(z.number().int()).optional().describe('HTTP status of the response (e.g. 200, 204, 403).'),
  policies: z.object({
    includes: OneOrMany(z.string()).optional(),
    excludes: OneOrMany(z.string()).optional(),
  }).strict().optional().describe("Policies of the token that made the request."),
  auth_mount: z.string().optional().describe('The auth mount that issued the token (e.g. `userpass`).'),
  token_type: z.enum(['service', 'batch']).optional(),
  display_name: z.string().optional(),
  count: z.number().int().min(1).default(1).describe('At least this many matching requests.'),
  response: z.array(z.lazy(() => Expectation)).optional().describe("Expectations on the audit response (secret values are HMAC'd there), e.g. `auth.policies` contains `read-only`."),
}).strict();

export const Expectation = z.object({
  at: z.string().describe('Dotted path into the response JSON, e.g. `data.data.db_user` or `data.keys`.'),
  equals: z.unknown().optional(),
  contains: z.unknown().optional(),
  matches: z.string().optional().describe('A regular expression the value (as text) must match.'),
  exists: z.boolean().optional(),
}).strict();

export const StateCheck = z.object({
  path: z.string(),
  operation: z.enum(['read', 'list']).default('read'),
  status: z.number().int().default(200).describe('Expected HTTP status of the read.'),
  expect: z.array(Expectation).default([]),
}).strict();

export interface CheckNode {
  request?: z.infer<typeof RequestCheck>;
  state?: z.infer<typeof StateCheck>;
  all?: CheckNode[];
  any?: CheckNode[];
  not?: CheckNode;
  message?: Text;
  id?: string;
  after?: string;
  [kind: string]: unknown;
}

/** Check kinds are registered in `labs/checks`; the schema knows their option shapes. */
export const CHECK_KINDS = ['request', 'state', 'all', 'any', 'not'] as const;

export const Check: z.ZodType<CheckNode> = z.lazy(() =>
  z.object({
    request: RequestCheck.optional(),
    state: StateCheck.optional(),
    all: z.array(Check).optional(),
    any: z.array(Check).optional(),
    not: Check.optional(),
    message: Text.optional().describe('What to tell the learner when this check fails.'),
    id: z.string().optional(),
    after: z.string().optional().describe('Id of a check that must have passed first.'),
  }).strict().superRefine((c, ctx) => {
    const kinds = CHECK_KINDS.filter((k) => c[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({ code: 'custom', message: kinds.length ? `a check has exactly one kind, found ${kinds.join(' and ')}` : `a check needs one of: ${CHECK_KINDS.join(', ')}` });
    }
  }) as unknown as z.ZodType<CheckNode>,
);

export const SetupItem = z.union([
  z.string().describe('A shell command run in the lab workspace with VAULT_ADDR and a root VAULT_TOKEN.'),
  z.object({ run: z.string() }).strict(),
  z.object({ file: z.object({ path: z.string(), content: z.string(), mode: z.string().optional() }).strict() }).strict(),
  z.object({ api: z.object({ method: z.enum(['GET', 'PUT', 'POST', 'DELETE', 'LIST', 'PATCH']), path: z.string(), data: z.record(z.string(), z.unknown()).optional() }).strict() }).strict(),
]);

export const AntiSolution = z.object({
  run: z.array(z.string()).min(1),
  diagnostic: Text.describe('The message (or part of it) the failing checks must show after these commands.'),
}).strict();

export const Step = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'step ids are lower-case words joined by dashes'),
  title: Text,
  body: Text.describe('Markdown shown to the learner.'),
  hints: z.array(Text).default([]).describe('A ladder: revealed one at a time.'),
  solution: z.array(z.string()).min(1).describe('Shell commands that complete the step.'),
  anti_solutions: z.array(AntiSolution).default([]),
  check: z.array(Check).min(1),
}).strict();

export const Question = z.object({
  question: Text,
  choices: z.array(Text).min(2).optional(),
  answer: z.union([z.number().int().min(0), z.array(z.number().int().min(0)), z.string()]).describe('Index of the right choice, indexes for multiple choice, or a regular expression for free text.'),
  explain: Text,
}).strict();

export const Lab = z.object({
  schema: z.literal(1).default(1),
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lab ids are lower-case words joined by dashes'),
  title: Text,
  summary: Text.optional(),
  topic: z.string().default('General'),
  order: z.number().default(100),
  minutes: z.number().int().positive(),
  level: z.enum(['beginner', 'intermediate', 'advanced']).default('beginner'),
  tags: z.array(z.string()).default([]),
  version: z.string().default('1'),
  needs: z.array(z.enum(['engine', 'postgres', 'kubernetes'])).default(['engine']),
  engine: z.object({ mode: z.enum(['dev']).default('dev'), kv_version: z.enum(['1', '2']).default('2') }).strict().default({ mode: 'dev', kv_version: '2' }),
  setup: z.array(SetupItem).default([]),
  steps: z.array(Step).min(1),
  quiz: z.array(Question).default([]),
}).strict();

export type Lab = z.infer<typeof Lab>;
export type Step = z.infer<typeof Step>;
export type Question = z.infer<typeof Question>;
export type SetupItem = z.infer<typeof SetupItem>;
