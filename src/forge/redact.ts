// Messages about a forge request: no message ever holds the secret, and a
// URL is shown without userinfo or query (either may carry a token).

/** A URL for messages: no userinfo, no query. */
export function redactUrl(href: string): string {
  try {
    const u = new URL(href)
    u.username = ''
    u.password = ''
    u.search = ''
    return u.href
  } catch {
    return href.replace(/\/\/[^/@]*@/, '//').replace(/\?.*$/, '')
  }
}

/** Belt and braces: no message leaves with the secret in it. */
export function scrub(text: string, secret: string): string {
  return secret.length >= 4 ? text.split(secret).join('[redacted]') : text
}
