// Token names are unique within one metadata file: a name that is taken
// gets the first free `-2`, `-3`, … (add, store and the prompt alike).
// A name is shown everywhere (list, log, prompts), so no part of one is a
// token: a default name built from a URL's user or path could carry one.
import { looksLikeToken } from './redact.js'

export function uniqueName(taken: Iterable<string>, base: string): string {
  base = withoutTokens(base)
  const names = new Set(taken)
  if (!names.has(base)) return base
  for (let i = 2; ; i++) if (!names.has(`${base}-${i}`)) return `${base}-${i}`
}

/** Each part of a name (between - . @ +) that looks like a token becomes `token`. */
export function withoutTokens(name: string): string {
  return name
    .split(/([-.@+])/)
    .map(part => (looksLikeToken(part) ? 'token' : part))
    .join('')
}
