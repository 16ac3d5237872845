// Reading a forge's answer: what GitLab's and GitHub's readers share.
import type { HttpAnswer } from './http.js'
import type { ForgeReport } from './report.js'

/** The body as a JSON object, or null (not JSON, or not an object). */
export function json(text: string): unknown {
  try {
    const v: unknown = JSON.parse(text)
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : null
  } catch {
    return null
  }
}

export function headerText(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v
}

/** Any answer that says nothing about the token itself. */
export function otherStatus(forge: string, a: HttpAnswer, apiUrl: string, desc: string): ForgeReport {
  const why = desc ? `: ${desc.slice(0, 200)}` : ''
  if (a.status >= 300 && a.status < 400) {
    return {
      verdict: 'unknown',
      apiUrl,
      message: `${apiUrl} redirects (${a.status}); not followed: set git config credential.<url>.patApiUrl to the API's own address`,
    }
  }
  if (a.status === 404) {
    return {
      verdict: 'unknown',
      apiUrl,
      message: `no ${forge} token API at ${apiUrl} (404); if the API lives elsewhere, set git config credential.<url>.patApiUrl`,
    }
  }
  if (a.status === 200) return { verdict: 'unknown', apiUrl, message: `${apiUrl} answered 200 but not with ${forge}'s JSON` }
  return { verdict: 'unknown', apiUrl, message: `${forge} answered ${a.status}${why}; try again later` }
}
