/** The JSON Schema of a lab file, generated from the zod schema. */
import { z } from 'zod';
import { Lab } from './schema.js';

export function labJsonSchema(): Record<string, unknown> {
  const s = z.toJSONSchema(Lab, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'vault-lab lab file', ...s };
}
