/** What `vault audit enable | disable | list` share. */

export const norm = (p: string) =>
  p.replace(/^\/+/, '').endsWith('/') ? p.replace(/^\/+/, '') : p.replace(/^\/+/, '') + '/';
