// XSS test in a real browser: every vector of the public corpus
// ($SYNDIC_CORPUS/xss/public-vectors.json, when present) and of
// tests/data/xss/vectors.json goes through `syndic sanitize`, is rendered in
// a page served from 127.0.0.1 by a tiny HTTP server, and every element is
// hovered, focused and clicked in Debian's chromium (playwright-core, never
// a downloaded browser).
//
// The test fails on any sign of script: a call to alert/confirm/prompt/
// print or window.__xss (instrumented before any page script), a dialog, a
// Content-Security-Policy-Report-Only violation of script-src (reported for
// every inline script, event handler or javascript: URL that runs, without
// blocking it), a navigation of the page, a request of any kind but images
// and media (scripts, styles, frames, fetches, beacons...), or a request
// whose scheme is not http(s). No request leaves the machine: everything but
// the test page is aborted, images included (the sanitizer allows http(s)
// images by policy; they are counted, not loaded). Clicking an allowed link
// (http, https, mailto) is cancelled so that the page stays; any other href
// would run. The rendered DOM is also checked statically against the
// allowlist (no on* attribute, no unsafe URL).
//
// Usage: node test_xss.mjs SYNDIC_BIN. Exit 0 pass, 1 fail, 77 skip (no
// chromium or node).
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, launchBrowser } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = process.argv[2] || process.env.SYNDIC_BIN;
const chromium = CHROMIUM;
const PER_PAGE = 40;          // vectors per page
const PAGE_TIMEOUT_MS = 60000;
const ACTION_TIMEOUT_MS = 300;
const BASE = 'https://sanitized.test/story/';

if (!existsSync(chromium)) {
    console.log('SKIP: no chromium at ' + chromium);
    process.exit(77);
}
if (!bin || !existsSync(bin)) {
    console.error('usage: node test_xss.mjs SYNDIC_BIN');
    process.exit(1);
}
if (!existsSync(path.join(here, 'node_modules', 'playwright-core'))) {
    execFileSync('npm', ['install', '--no-audit', '--no-fund'],
                 { cwd: here, stdio: 'inherit' });
}
const t0 = Date.now();
const log = (m) => { if (process.env.XSS_DEBUG) console.log(`[${Date.now() - t0} ms] ${m}`); };
const { chromium: pw } = await import('playwright-core');

// ---- vectors --------------------------------------------------------------
const vectors = [];
const corpus = process.env.SYNDIC_CORPUS;
const pub = corpus ? path.join(corpus, 'xss', 'public-vectors.json') : null;
if (pub && existsSync(pub)) {
    vectors.push(...JSON.parse(readFileSync(pub, 'utf8')));
} else {
    console.log('note: public XSS corpus absent (SYNDIC_CORPUS), own vectors only');
}
const dataDir = process.env.SYNDIC_TEST_DATA || path.join(here, '..', 'data');
vectors.push(...JSON.parse(readFileSync(path.join(dataDir, 'xss', 'vectors.json'), 'utf8')));

// ---- sanitize, several syndic processes at a time -------------------------
function sanitize(html) {
    return new Promise((resolve, reject) => {
        const p = spawn(bin, ['sanitize', '--base', BASE]);
        const out = [], err = [];
        p.stdout.on('data', (d) => out.push(d));
        p.stderr.on('data', (d) => err.push(d));
        p.on('error', reject);
        p.on('close', (code) => {
            if (code !== 0)
                reject(new Error(`syndic sanitize exit ${code}: ${Buffer.concat(err)}`));
            else
                resolve(Buffer.concat(out).toString('utf8'));
        });
        p.stdin.end(html);
    });
}
const safe = new Array(vectors.length);
{
    let next = 0;
    const workers = Array.from({ length: Math.max(2, os.cpus().length * 2) }, async () => {
        while (next < vectors.length) {
            const i = next++;
            safe[i] = await sanitize(vectors[i].html);
        }
    });
    await Promise.all(workers);
}

log('sanitized');
// ---- the pages ------------------------------------------------------------
const pages = [];
for (let i = 0; i < vectors.length; i += PER_PAGE) {
    const items = [];
    for (let j = i; j < Math.min(i + PER_PAGE, vectors.length); j++)
        items.push(`<div class="vec" data-id="${vectors[j].id}">${safe[j]}</div>`);
    pages.push('<!doctype html><html><head><meta charset="utf-8"><title>xss</title>' +
               '</head><body>' + items.join('\n') + '</body></html>');
}
// A control page, not sanitized: the detectors must see it run, or the
// test proves nothing.
const CONTROL = '<!doctype html><div class="vec" data-id="control">' +
    '<img src="data:," onerror="alert(1)"><p onmouseover="__xss(2)">hover</p>' +
    '<a href="javascript:alert(3)">click</a></div>';
const server = http.createServer((req, res) => {
    if (req.url === '/control') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(CONTROL);
        return;
    }
    const m = /^\/page\/(\d+)$/.exec(req.url);
    if (!m || !pages[+m[1]]) {
        res.writeHead(404);
        res.end();
        return;
    }
    res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy-Report-Only':
            "script-src 'none'; object-src 'none'; frame-src 'none'; " +
            "base-uri 'none'; form-action 'none'",
    });
    res.end(pages[+m[1]]);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

// Runs in every frame before any of the page's own code.
const instrument = () => {
    window.__hits = [];
    const hit = (kind, arg) => window.__hits.push(kind + '(' + String(arg).slice(0, 80) + ')');
    for (const k of ['alert', 'confirm', 'prompt', 'print'])
        window[k] = (a) => hit(k, a);
    window.__xss = (a) => hit('__xss', a);
    document.addEventListener('securitypolicyviolation', (e) => {
        hit('csp:' + e.violatedDirective, e.blockedURI + ' ' + (e.sample || ''));
    }, true);
    // A policy-allowed link leaves the site: cancel it so the page stays.
    // Any other href (javascript:...) is left alone and would run.
    document.addEventListener('click', (e) => {
        const a = e.target && e.target.closest && e.target.closest('a[href]');
        if (a && /^(https?|mailto):/i.test(a.href))
            e.preventDefault();
    }, true);
};

// Static check of the rendered DOM against the allowlist.
const domCheck = () => {
    const allowed = new Set(['P', 'DIV', 'H3', 'H4', 'H5', 'H6', 'BLOCKQUOTE', 'PRE', 'UL', 'OL',
        'LI', 'DL', 'DT', 'DD', 'FIGURE', 'FIGCAPTION', 'HR', 'BR', 'WBR', 'A', 'EM', 'STRONG', 'B',
        'I', 'U', 'S', 'SMALL', 'MARK', 'CITE', 'Q', 'DFN', 'ABBR', 'TIME', 'CODE', 'VAR', 'SAMP',
        'KBD', 'SUB', 'SUP', 'SPAN', 'BDI', 'BDO', 'INS', 'DEL', 'IMG', 'VIDEO', 'AUDIO', 'SOURCE',
        'TABLE', 'CAPTION', 'COLGROUP', 'COL', 'THEAD', 'TBODY', 'TFOOT', 'TR', 'TD', 'TH']);
    const urlAttrs = new Set(['href', 'src', 'cite', 'poster']);
    const bad = [];
    for (const c of document.querySelectorAll('div.vec')) {
        for (const el of c.querySelectorAll('*')) {
            if (!allowed.has(el.tagName) || el.namespaceURI !== 'http://www.w3.org/1999/xhtml')
                bad.push(c.dataset.id + ': tag ' + el.tagName);
            for (const a of el.attributes) {
                if (/^on/i.test(a.name) || a.name === 'style' || a.name === 'srcdoc')
                    bad.push(c.dataset.id + ': attribute ' + a.name);
                if (urlAttrs.has(a.name) && !/^(https?|mailto):/i.test(a.value))
                    bad.push(c.dataset.id + ': URL ' + a.name + '=' + a.value);
            }
        }
    }
    return bad;
};

const profile = mkdtempSync(path.join(os.tmpdir(), 'syndic-xss-'));
const browser = await launchBrowser(pw, profile, undefined);
log('browser up');
const failures = [];
let elements = 0, realInput = 0, blockedImages = 0;
try {
    await browser.addInitScript(instrument);
    {
        const page = await browser.newPage();
        await page.goto(`${origin}/control`, { waitUntil: 'load' });
        await page.hover('p');
        await page.click('a');
        await page.waitForTimeout(200);
        const hits = await page.evaluate(() => window.__hits);
        if (hits.length < 3)
            failures.push('control page: detectors saw only ' + JSON.stringify(hits));
        await page.close();
    }
    for (let p = 0; p < pages.length; p++) {
        const page = await browser.newPage();
        const url = `${origin}/page/${p}`;
        const fail = (what) => failures.push(`page ${p}: ${what}`);
        let loaded = false;
        page.on('dialog', (d) => { fail('dialog ' + d.type() + ': ' + d.message()); d.dismiss().catch(() => {}); });
        page.on('framenavigated', (f) => {
            if (loaded && f === page.mainFrame())
                fail('navigated to ' + f.url());
        });
        page.on('popup', (pop) => { fail('popup ' + pop.url()); pop.close().catch(() => {}); });
        await page.route('**/*', (route) => {
            const r = route.request();
            if (r.url() === url)
                return route.continue();
            const type = r.resourceType();
            if ((type === 'image' || type === 'media') && /^https?:/.test(r.url()))
                blockedImages++;
            else
                fail(`request ${type} ${r.url()}`);
            return route.abort();
        });
        const deadline = Date.now() + PAGE_TIMEOUT_MS;
        await page.goto(url, { waitUntil: 'domcontentloaded', timeout: PAGE_TIMEOUT_MS });
        loaded = true;
        for (const bad of await page.evaluate(domCheck))
            fail(bad);
        // Synthetic events reach every element, even hidden or empty ones.
        elements += await page.evaluate(() => {
            const els = document.querySelectorAll('div.vec *');
            for (const el of els) {
                for (const t of ['mouseover', 'mouseenter', 'mousemove', 'mousedown', 'mouseup'])
                    el.dispatchEvent(new MouseEvent(t, { bubbles: true }));
                if (el.focus)
                    el.focus();
                el.dispatchEvent(new FocusEvent('focusin', { bubbles: true }));
                if (el.click)
                    el.click();
            }
            return els.length;
        });
        // Real mouse input on every element that has a box on screen.
        for (const el of await page.$$('div.vec *')) {
            if (Date.now() > deadline) {
                fail('page timeout');
                break;
            }
            await el.scrollIntoViewIfNeeded({ timeout: ACTION_TIMEOUT_MS }).catch(() => {});
            const box = await el.boundingBox().catch(() => null);
            if (!box || box.width < 1 || box.height < 1)
                continue;
            const x = box.x + box.width / 2, y = box.y + box.height / 2;
            await page.mouse.move(x, y);
            await el.focus().catch(() => {});
            await page.mouse.click(x, y);
            realInput++;
        }
        await page.waitForTimeout(100);
        const hits = await page.evaluate(() => window.__hits).catch(() => ['page gone']);
        for (const h of hits || [])
            fail('script ran: ' + h);
        await page.close();
        log('page ' + p);
    }
} finally {
    await browser.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
}

console.log(`${vectors.length} vectors on ${pages.length} pages, ${elements} elements ` +
            `hovered/focused/clicked (${realInput} also with the real mouse), ` +
            `${blockedImages} image requests aborted, ` +
            `${failures.length} executions or violations`);
if (failures.length > 0) {
    for (const f of failures.slice(0, 50))
        console.log('FAIL ' + f);
    process.exit(1);
}
