// Shared pieces of the browser tests (not a test itself): the result
// counter, the skip rule, a free loopback port, waiting for `syndic
// serve`, and launching Debian's Chromium through playwright-core with
// the flags this project always uses (never a downloaded browser).
import net from "node:net";

export const BIN = process.argv[2] || process.env.SYNDIC_BIN;
export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
  "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync"];

export const fails = [];
export function check(cond, what) {
  if (!cond) {
    fails.push(what);
    console.log("FAIL:", what);
  }
}

// Exit 77: CTest reports the test as skipped.
export function skip(why) {
  console.log("skip:", why);
  process.exit(77);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

// True once base/healthz answers (5 s at most).
export async function waitUp(base) {
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(base + "/healthz");
      if (r.ok) return true;
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

// A persistent context in profileDir (a fresh folder per run).
export function launchBrowser(chromium, profileDir, viewport) {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
  });
}
