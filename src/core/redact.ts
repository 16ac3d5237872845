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
  return (
    text
      // URL separators too: a token pasted into a clone URL's path, userinfo or query is a word of its own.
      .split(/(\s+|[,/:@?&=#])/)
      .map(w => (looksLikeToken(w) ? '[redacted]' : w))
      .join('')
  )
}
