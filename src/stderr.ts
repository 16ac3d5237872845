// Messages for the user on git's stderr. stdout is git's channel: nothing
// but protocol lines may ever go there from get/store/erase.
export function say(message: string): void {
  process.stderr.write(`git-credential-pat: ${message}\n`)
}
