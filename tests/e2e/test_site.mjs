// Browser test of the public site in the system's headless Chromium
// (playwright-core, never a downloaded browser): home -> article ->
// source, the continue-reading target, every share link's redirect,
// progressive enhancement, right-to-left, dark mode, no horizontal
// scrolling at 390 px, screenshots at 390x844 and 1366x900 (saved under
// the build folder), and no console error or CSP violation anywhere.
// Nothing is loaded from other hosts: images of the fixture site are
// answered locally, any other outside request fails the test.
// Usage: node test_site.mjs SYNDIC_BIN   (exit 77 = skipped)
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { BIN, CHROMIUM, check, fails, freePort, launchBrowser, skip,
  waitUp }
  from "./harness.mjs";


// A 1x1 PNG for hot-linked fixture images.
const PIXEL = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64");

const SHARE_HOSTS = {
  pinterest: "https://www.pinterest.com/pin/create/button/",
  facebook: "https://www.facebook.com/sharer/sharer.php",
  x: "https://x.com/intent/tweet",
  linkedin: "https://www.linkedin.com/sharing/share-offsite/",
  whatsapp: "https://wa.me/",
  telegram: "https://t.me/share/url",
  reddit: "https://www.reddit.com/submit",
  email: "mailto:",
};

async function main() {
  if (!BIN || !fs.existsSync(BIN)) skip("no syndic binary");
  if (!fs.existsSync(CHROMIUM)) skip("no " + CHROMIUM);
  let chromium;
  try {
    ({ chromium } = await import("playwright-core"));
  } catch {
    skip("playwright-core not installed (npm install in tests/e2e)");
  }
  const buildDir = path.dirname(path.resolve(BIN));
  const helper = path.join(buildDir, "unit_web_test_sitedata");
  if (!fs.existsSync(helper)) skip("unit_web_test_sitedata not built");
  const shots = path.join(buildDir, "e2e-screenshots");
  fs.mkdirSync(shots, { recursive: true });

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "syndic-e2e-"));
  const db = path.join(tmp, "site.db");
  if (spawnSync(helper, ["--write", db], { stdio: "inherit" }).status !== 0)
    throw new Error("sitedata failed");
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(BIN, ["-q", "--db", db, "serve", "--listen",
    `127.0.0.1:${port}`, "--no-fetch", "--no-mail", "--base-url", base,
    "--title", "Test News"], { stdio: "inherit" });
  let context;
  try {
    if (!(await waitUp(base))) throw new Error("server did not start");
    context = await launchBrowser(chromium, path.join(tmp, "profile"),
      { width: 1366, height: 900 });
    const consoleErrors = [];
    const outside = [];
    await context.route("**/*", (route) => {
      const req = route.request();
      const url = req.url();
      if (url.startsWith(base)) return route.continue();
      if (req.resourceType() === "image")
        return route.fulfill({ status: 200, contentType: "image/png",
          body: PIXEL });
      outside.push(url);
      return route.abort();
    });
    await context.addInitScript(() => {
      window.__csp = [];
      document.addEventListener("securitypolicyviolation", (e) =>
        window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const page = context.pages()[0] || (await context.newPage());
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => consoleErrors.push(`${page.url()}: ${e}`));
    const cspOf = async () => page.evaluate(() => window.__csp);

    // Home.
    await page.goto(base + "/");
    check((await page.locator("h1").textContent()).includes("Latest"),
      "home heading");
    check(await page.locator("main[id=main]").count() === 1, "main landmark");
    check(await page.locator("header[role=banner] nav").count() === 1,
      "banner with navigation");
    check(await page.locator('label[for="q"]').count() === 1,
      "search field has a label");
    await page.screenshot({ path: path.join(shots, "home-1366.png"),
      fullPage: true });
    check((await cspOf()).length === 0, "no CSP violation on home");

    // Home -> article (the English fixture in a cluster).
    await page.click('a[href="/a/25/rivers-rise-as-rains-return"] >> nth=1');
    await page.waitForURL("**/a/25/**");
    const cont = page.locator("a", { hasText:
      "Continue reading on the source site" });
    check(await cont.count() === 1, "one continue-reading link");
    const target = await cont.getAttribute("href");
    const canonical = await page.locator('link[rel="canonical"]')
      .getAttribute("href");
    check(target === "https://source0.example.org/story/0",
      `continue-reading target ${target}`);
    check(canonical === target, "canonical is the original");
    check(await page.locator("time[datetime]").count() >= 1, "time element");
    check(await page.getByText("Pin It on Pinterest").count() === 1,
      "Pinterest link");
    check(await page.getByRole("heading", { name: "Share This" }).count() ===
      1, "Share This group");
    // The enhancement script ran: copy-link shows (clipboard exists here).
    check(await page.locator(".share-copy").isVisible(),
      "copy-link button shown by JS");
    const hasShare = await page.evaluate(() => "share" in navigator);
    const nativeShown = await page.locator(".share-native").isVisible();
    check(nativeShown === hasShare,
      `native share button only with the Web Share API (${nativeShown}, ${hasShare})`);
    // Every share link counts and redirects to its network.
    const links = await page.locator('a[href^="/share/"]').evaluateAll(
      (as) => as.map((a) => a.getAttribute("href")));
    check(links.length === 8, `8 share links (got ${links.length})`);
    for (const href of links) {
      const net = href.split("/").pop();
      const r = await page.request.get(base + href, { maxRedirects: 0 });
      const loc = r.headers()["location"] || "";
      check(r.status() === 302 && loc.startsWith(SHARE_HOSTS[net]),
        `share ${net} -> ${loc.slice(0, 60)}`);
      if (net !== "email")
        check(loc.includes(encodeURIComponent(base + "/a/25/")),
          `share ${net} carries the page URL`);
    }
    // Every form control has a label (hidden fields aside).
    const unlabeled = await page.evaluate(() =>
      [...document.querySelectorAll("input, select, textarea")]
        .filter((el) => el.type !== "hidden" && el.labels.length === 0 &&
          !el.getAttribute("aria-label"))
        .map((el) => el.name || el.id));
    check(unlabeled.length === 0, "unlabeled controls: " + unlabeled);
    check(await page.locator('form[action="/subscribe"] input[name="csrf"]')
      .count() === 1, "subscribe form carries a CSRF field");
    await page.screenshot({ path: path.join(shots, "article-1366.png"),
      fullPage: true });
    check((await cspOf()).length === 0, "no CSP violation on article");

    // Article -> source.
    await page.click("p.source a");
    await page.waitForURL("**/s/1");
    check((await page.locator("h1").textContent()).includes("Valley Times"),
      "source page heading");

    const rtlPath = (await page.request.get(base + "/a/27",
      { maxRedirects: 0 })).headers()["location"];
    // Phone width: no horizontal scrolling, screenshots.
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [name, url] of [["home", "/"],
      ["article", "/a/25/rivers-rise-as-rains-return"],
      ["article-rtl", rtlPath], ["search", "/search?q=rivers"]]) {
      await page.goto(base + url);
      const wide = await page.evaluate(() =>
        document.documentElement.scrollWidth);
      check(wide <= 390, `${name}: no horizontal scroll at 390 px (${wide})`);
      await page.screenshot({ path: path.join(shots, `${name}-390.png`),
        fullPage: true });
      check((await cspOf()).length === 0, `no CSP violation on ${name}`);
    }
    // Right to left.
    await page.goto(base + rtlPath);
    check(await page.locator('article[dir="rtl"]').count() === 1 &&
      await page.locator('html[dir="rtl"]').count() === 1,
      "Arabic article is rtl");
    // Search highlights.
    await page.goto(base + "/search?q=rivers");
    check(await page.locator(".snippet mark").count() >= 1,
      "search highlights");
    // Keyboard focus is visible.
    await page.goto(base + "/");
    await page.keyboard.press("Tab");
    const outline = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement);
      return s.outlineStyle + " " + s.outlineWidth;
    });
    check(!outline.startsWith("none"), `focus is visible (${outline})`);
    // Dark mode.
    const light = await page.evaluate(() =>
      getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: "dark" });
    const dark = await page.evaluate(() =>
      getComputedStyle(document.body).backgroundColor);
    check(light !== dark, `dark mode changes the background (${dark})`);
    await page.screenshot({ path: path.join(shots, "home-dark-390.png") });

    check(consoleErrors.length === 0,
      "no console errors: " + consoleErrors.join(" | "));
    check(outside.length === 0, "nothing but images from other hosts: " +
      outside.join(" "));
  } finally {
    if (context) await context.close();
    server.kill("SIGTERM");
    await new Promise((r) => server.on("exit", r));
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`${fails.length === 0 ? 1 : 0} passed, ${fails.length ? 1 : 0} failed`);
  process.exit(fails.length ? 1 : 0);
}

main().catch((e) => {
  console.error("FAIL:", e);
  process.exit(1);
});
