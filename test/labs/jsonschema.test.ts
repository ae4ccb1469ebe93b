/** content/lab.schema.json is what labs/schema.ts generates, so editors see the real format. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { labJsonSchema } from '../../labs/format/jsonschema.js';
import { CHECK_KINDS } from '../../labs/format/schema.js';
import { ROOT } from '../support/engine.js';

describe('lab JSON Schema', () => {
  it('the committed file matches the zod schema', () => {
    const onDisk = JSON.parse(fs.readFileSync(path.join(ROOT, 'content', 'lab.schema.json'), 'utf8'));
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(labJsonSchema())));
  });

  it('knows every check kind and refuses unknown keys', () => {
    const text = JSON.stringify(labJsonSchema());
    for (const k of CHECK_KINDS) expect(text).toContain(`"${k}":`);
    expect((labJsonSchema() as { additionalProperties?: boolean }).additionalProperties).toBe(false);
  });
});
