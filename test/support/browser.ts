/**
 * What browser tests share: the Chromium to drive (never Playwright's own
 * download, which cannot be fetched here; `scripts/ensure-chromium.sh` installs
 * Debian's), launched headless through playwright-core with the flags a
 * container needs, and a page that is always closed.
 */
import { accessSync, constants, statSync } from "node:fs"
import { delimiter, join } from "node:path"
import { type Browser, type Page, chromium } from "playwright-core"

const isExecutable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK)
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** The first of `names` found in a directory of PATH, as `which` would. */
const onPath = (names: ReadonlyArray<string>): string | undefined => {
  const dirs = (process.env["PATH"] ?? "").split(delimiter).filter((dir) => dir !== "")
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name)
      if (isExecutable(candidate)) return candidate
    }
  }
  return undefined
}

/**
 * The Chromium executable: CHROMIUM_PATH if set, else /usr/bin/chromium,
 * /usr/bin/chromium-browser, or `chromium` / `chromium-browser` on PATH.
 * Throws, in words, when there is none.
 */
export const chromiumPath = (): string => {
  const configured = process.env["CHROMIUM_PATH"]
  if (configured !== undefined && configured !== "") {
    if (isExecutable(configured)) return configured
    throw new Error(`CHROMIUM_PATH=${configured} is not an executable file`)
  }
  for (const candidate of ["/usr/bin/chromium", "/usr/bin/chromium-browser"]) {
    if (isExecutable(candidate)) return candidate
  }
  const found = onPath(["chromium", "chromium-browser"])
  if (found !== undefined) return found
  throw new Error(
    "No Chromium found: run `bash scripts/ensure-chromium.sh` (installs Debian's chromium as root), " +
      "install Chromium yourself, or set CHROMIUM_PATH to a Chromium or Chrome executable"
  )
}

/**
 * Flags for Chromium in a container. Playwright adds --headless (with
 * `headless: true`), --no-sandbox (unless `chromiumSandbox: true`) and its own
 * fresh, temporary --user-data-dir for every launch (removed on close; passing
 * --user-data-dir here is refused). Without the background-networking flags
 * Chromium keeps trying to reach Google's hosts, which a closed network refuses.
 */
export const chromiumArgs: ReadonlyArray<string> = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // A small /dev/shm (64 MB in a default Docker container) crashes renderers.
  "--disable-dev-shm-usage"
]

/** A headless Chromium; the caller closes it (`await browser.close()`). Launch gives up after 15 s (below vitest's 20 s testTimeout). */
export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [...chromiumArgs],
    timeout: 15_000
  })

/**
 * How long a Playwright action or navigation in `withPage` may take: below
 * vitest's testTimeout (20 s), so that a stuck step fails with Playwright's
 * message naming it rather than vitest's bare timeout (Playwright's default is 30 s).
 */
export const pageTimeout = 10_000

/**
 * Runs `f` on a fresh page in a fresh context of `browser` (or of a browser
 * launched for this call alone), and always closes what it opened.
 */
export const withPage = async <A>(f: (page: Page) => Promise<A>, browser?: Browser): Promise<A> => {
  const target = browser ?? (await launchBrowser())
  try {
    const context = await target.newContext()
    try {
      context.setDefaultTimeout(pageTimeout)
      context.setDefaultNavigationTimeout(pageTimeout)
      return await f(await context.newPage())
    } finally {
      await context.close()
    }
  } finally {
    if (browser === undefined) await target.close()
  }
}
