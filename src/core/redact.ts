// Recognising and hiding secrets in text we did not write ourselves
// (usage errors that echo arguments, log fields).

const TOKEN_PREFIXES = /^(glpat-|gldt-|glptt-|glrt-|ghp_|gho_|ghu_|ghs_|ghr_|github_pat_|ATBB|ATCTT|ATATT)/

/** Whether a word looks like a token rather than a scope, name or flag. */
export function looksLikeToken(word: string): boolean {
  if (TOKEN_PREFIXES.test(word)) return true
  if (word.length < 20 || /[/.:@]/.test(word)) return false
  // Long run of mixed letters and digits with no separators people type in names.
  return /^[A-Za-z0-9_\-+=]+$/.test(word) && /[0-9]/.test(word) && /[A-Za-z]/.test(word)
}

export function redactWords(text: string): string {
  return text
    .split(/(\s+|,)/)
    .map(w => (looksLikeToken(w) ? '[redacted]' : redactParts(w)))
    .join('')
}

/**
 * A token pasted into a URL or path (its userinfo, a path segment, a query
 * value): a part with a token's prefix, or a long mix of letters and digits
 * with no hyphen (a directory such as `build-2026-x86` is words, not a token).
 */
function redactParts(word: string): string {
  if (!/[/:@?&=#]/.test(word)) return word
  return word
    .split(/([/:@?&=#])/)
    .map(p => (TOKEN_PREFIXES.test(p) || (p.length >= 20 && /^[A-Za-z0-9_+]+$/.test(p) && /[0-9]/.test(p) && /[A-Za-z]/.test(p)) ? '[redacted]' : p))
    .join('')
}
