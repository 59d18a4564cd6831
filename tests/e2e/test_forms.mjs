// Browser test of the forms in the system's headless Chromium
// (playwright-core, launched as test_site.mjs does), with `syndic serve`
// sending its mail to a real SMTP server (tests/integration/smtpsink.py):
// fill the subscribe box of an article, read the confirmation link from
// the mail received, open it ("You have successfully subscribed!"),
// unsubscribe through the link of a later mail, and send the partner
// inquiry form. Nothing is loaded from other hosts.
// Usage: node test_forms.mjs SYNDIC_BIN   (exit 77 = skipped)
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BIN, CHROMIUM, check, fails, freePort, launchBrowser, skip,
  waitUp }
  from "./harness.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SINK = path.join(HERE, "..", "integration", "smtpsink.py");

// The decoded text of every quoted-printable part of a raw message.
function qpDecode(raw) {
  return raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g,
    (_, h) => String.fromCharCode(parseInt(h, 16)));
}

// Wait for a mail to `to` whose text matches re; return the match.
async function mailLink(dir, to, re) {
  for (let i = 0; i < 600; i++) {
    const names = fs.existsSync(dir)
      ? fs.readdirSync(dir).filter((n) => n.endsWith(".eml")).sort() : [];
    for (const n of names) {
      const raw = fs.readFileSync(path.join(dir, n), "latin1");
      const head = raw.split(/\r?\n\r?\n/)[0];
      if (!new RegExp("^To:.*" + to.replace(/[.]/g, "\\."), "mi").test(head))
        continue;
      const m = qpDecode(raw).match(re);
      if (m) return m[0];
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

async function startSink(dir) {
  const p = spawn("/usr/bin/python3", [SINK, "--dir", dir,
    "--max-seconds", "300"], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise((resolve, reject) => {
    let out = "";
    p.stdout.on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve(parseInt(out, 10));
    });
    p.on("exit", () => reject(new Error("smtpsink exited")));
  });
  return { p, port };
}

async function main() {
  if (!BIN || !fs.existsSync(BIN)) skip("no syndic binary");
  if (!fs.existsSync(CHROMIUM)) skip("no " + CHROMIUM);
  if (spawnSync("/usr/bin/python3", ["-c", "import aiosmtpd"]).status !== 0)
    skip("python3-aiosmtpd is not installed");
  let chromium;
  try {
    ({ chromium } = await import("playwright-core"));
  } catch {
    skip("playwright-core not installed (npm install in tests/e2e)");
  }
  const buildDir = path.dirname(path.resolve(BIN));
  const helper = path.join(buildDir, "unit_web_test_sitedata");
  if (!fs.existsSync(helper)) skip("unit_web_test_sitedata not built");

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "syndic-e2e-forms-"));
  const db = path.join(tmp, "site.db");
  const sinkDir = path.join(tmp, "sink");
  if (spawnSync(helper, ["--write", db], { stdio: "inherit" }).status !== 0)
    throw new Error("sitedata failed");
  const sink = await startSink(sinkDir);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const conf = path.join(tmp, "syndic.ini");
  fs.writeFileSync(conf, `[site]\ntitle = Test News\nbase_url = ${base}\n` +
    `[mail]\nsmtp_url = smtp://127.0.0.1:${sink.port}\n` +
    "from = Test News <news@example.org>\n" +
    "team_addresses = team@example.org\n");
  const server = spawn(BIN, ["-q", "--db", db, "--config", conf, "serve",
    "--listen", `127.0.0.1:${port}`, "--no-fetch"], { stdio: "inherit" });
  let context;
  try {
    if (!(await waitUp(base))) throw new Error("server did not start");
    context = await launchBrowser(chromium, path.join(tmp, "profile"),
      { width: 1366, height: 900 });
    const outside = [];
    const consoleErrors = [];
    await context.route("**/*", (route) => {
      const req = route.request();
      const url = req.url();
      if (url.startsWith(base)) return route.continue();
      if (req.resourceType() === "image")
        return route.fulfill({ status: 200, contentType: "image/png",
          body: Buffer.alloc(0) });
      outside.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });

    // The subscribe box of an article.
    await page.goto(base + "/a/25/rivers-rise-as-rains-return");
    const box = page.locator("section.subscribe form");
    check(await box.count() === 1, "article has the subscribe box");
    check(!(await page.locator("#sub-website-url").isVisible()),
      "honeypot hidden");
    await page.fill("#sub-email", "reader@example.org");
    await page.fill("#sub-name", "Reader Zoë");
    await page.selectOption("#sub-freq", "weekly");
    await Promise.all([page.waitForNavigation(),
      box.locator("button[type=submit]").click()]);
    let text = await page.textContent("main");
    check(text.includes(
      "Almost done: check your inbox to confirm your subscription."),
      "subscribe answer: " + text.trim().slice(0, 120));

    const confirm = await mailLink(sinkDir, "reader@example.org",
      /https?:\/\/[^\s"<>]*\/subscribe\/confirm\?t=[A-Za-z0-9_-]+/);
    check(confirm !== null, "confirmation mail received with its link");
    if (confirm) {
      check(confirm.startsWith(base), "the link points at this site");
      await page.goto(confirm);
      text = await page.textContent("main");
      check(text.includes("You have successfully subscribed!"),
        "confirmed: " + text.trim().slice(0, 120));
    }

    // Subscribing again (already confirmed): the same answer, and a mail
    // with the preferences and unsubscribe links.
    await page.goto(base + "/subscribe");
    await page.fill("#f-email", "reader@example.org");
    await Promise.all([page.waitForNavigation(),
      page.click("main form button[type=submit]")]);
    text = await page.textContent("main");
    check(text.includes("Almost done: check your inbox"),
      "same answer for a confirmed address");
    const unsub = await mailLink(sinkDir, "reader@example.org",
      /https?:\/\/[^\s"<>]*\/unsubscribe\?t=[A-Za-z0-9_-]+/);
    check(unsub !== null, "a mail with the unsubscribe link");
    if (unsub) {
      await page.goto(unsub);
      await Promise.all([page.waitForNavigation(),
        page.click("main form button[type=submit]")]);
      text = await page.textContent("main");
      check(text.includes("You have been unsubscribed"),
        "unsubscribed: " + text.trim().slice(0, 120));
    }

    // The partner inquiry form, from the call to action of the footer.
    await page.goto(base + "/");
    await Promise.all([page.waitForNavigation(),
      page.click(".cta a.button")]);
    check((await page.textContent("h1")).includes(
      "Connect with us to build a partnership"), "partner page title");
    await page.fill("#p-org", "River Voices");
    await page.fill("#p-name", "Ines Kamau");
    await page.fill("#p-email", "ines@example.net");
    await page.fill("#p-website", "https://rv.example");
    await page.fill("#p-country", "Kenya");
    await page.selectOption("#p-kind", "content");
    await page.fill("#p-message", "Hello,\nwe publish weekly stories.");
    await page.check("input[name=subscribe]");
    await Promise.all([page.waitForNavigation(),
      page.click("main form button[type=submit]")]);
    text = await page.textContent("main");
    check(text.includes("Thank you — we received your inquiry"),
      "inquiry answer: " + text.trim().slice(0, 120));
    check(await mailLink(sinkDir, "team@example.org", /River Voices/) !==
      null, "the team is notified");
    check(await mailLink(sinkDir, "ines@example.net",
      /\/subscribe\/confirm\?t=/) !== null,
      "the subscribe checkbox sent a confirmation");

    check(consoleErrors.length === 0,
      "no console errors: " + consoleErrors.join(" | "));
    check(outside.length === 0, "nothing from other hosts: " +
      outside.join(" "));
  } finally {
    if (context) await context.close();
    server.kill("SIGTERM");
    await new Promise((r) => server.on("exit", r));
    sink.p.kill("SIGTERM");
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`${fails.length === 0 ? 1 : 0} passed, ${fails.length ? 1 : 0} failed`);
  process.exit(fails.length ? 1 : 0);
}

main().catch((e) => {
  console.error("FAIL:", e);
  process.exit(1);
});
