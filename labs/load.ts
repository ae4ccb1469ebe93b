/**
 * Transitional: `tui/main.tsx` (on main) imports `formatProblem` from this path. Faces
 * should take it from `labs/index.ts`; delete this file once tui/ does.
 */
export { formatProblem } from './format/problem.js';
