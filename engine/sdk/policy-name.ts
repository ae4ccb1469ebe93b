/** Vault normalises policy names: trimmed and lower-cased. */
export function normalizePolicyName(name: string): string {
  return name.trim().toLowerCase();
}
