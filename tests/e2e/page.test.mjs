// End-to-end: the page at `/` driven in headless Chromium with the keyboard, as a coder
// would use it. Types a header code, sees the non-billable finding, picks a billable child
// from the offered list, sees the finding clear, and saves a screenshot for the README.
//
// CLAIMSCRUB: the binary (default target/release/claimscrub); CHROMIUM: the browser
// (default /usr/bin/chromium); SCREENSHOT: where to save it (default docs/serve-page.png).
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const root = resolve(import.meta.dirname, "../..");
const bin = process.env.CLAIMSCRUB || join(root, "target/release/claimscrub");
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
const shot = process.env.SCREENSHOT || join(root, "docs/serve-page.png");
const STEP_MS = 15000;

function fail(msg) { console.error(`e2e: FAIL: ${msg}`); process.exitCode = 1; throw new Error(msg); }

const server = spawn(bin, ["serve", "--addr", "127.0.0.1:0"], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
const addr = await new Promise((ok, no) => {
  const t = setTimeout(() => no(new Error("the server printed no address")), 60000);
  createInterface({ input: server.stdout }).once("line", (l) => {
    clearTimeout(t);
    const m = l.match(/listening on (http:\/\/\S+)/);
    m ? ok(m[1]) : no(new Error(`unexpected first line: ${l}`));
  });
  server.once("exit", (c) => no(new Error(`the server exited (${c})`)));
});

const profile = mkdtempSync(join(tmpdir(), "claimscrub-e2e-"));
let browser;
try {
  // A fresh profile directory each run (playwright passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: browserPath,
    headless: true,
    viewport: { width: 1000, height: 760 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-quic"],
  });
  const page = browser.pages()[0] || (await browser.newPage());
  page.setDefaultTimeout(STEP_MS);
  await page.goto(addr);

  // The first diagnosis field has the focus: type as a coder would.
  const dx = page.getByLabel("Diagnosis 1", { exact: true });
  if (!(await dx.evaluate((e) => e === document.activeElement))) fail("the first diagnosis field is not focused");
  await page.keyboard.type("E11", { delay: 40 });
  // Fill the facts with the keyboard: Tab through to each field.
  await page.getByLabel("Procedure 1 code", { exact: true }).focus();
  await page.keyboard.type("G0103", { delay: 20 });
  await page.getByLabel("Age", { exact: true }).focus();
  await page.keyboard.type("64");
  await page.getByLabel("Sex", { exact: true }).focus();
  await page.keyboard.press("M");
  await page.getByLabel("Date of service").fill("2026-03-01");

  const header = page.locator('#findings li[data-rule="ICD002"]');
  await header.waitFor();
  const text = await header.innerText();
  if (!/category header, not a billable code/.test(text)) fail(`unexpected ICD002 text: ${text}`);
  if (!/CARC CO-16/.test(text)) fail("the finding shows no CARC");
  if (!(await header.locator('a[href="/v1/rules/ICD002"]').count())) fail("no link to the rule's docs");

  // The header offers its billable children; pick E11.9 with the keyboard.
  const pick = page.getByLabel(/E11 is a header; pick a billable code/);
  await pick.waitFor();
  await pick.focus();
  await pick.selectOption("E11.9");
  await page.screenshot({ path: shot, fullPage: true });
  await page.keyboard.press("Tab");
  if (!(await page.evaluate(() => document.activeElement.classList.contains("use")))) fail("Tab does not reach the Use code button");
  await page.keyboard.press("Enter");
  if ((await dx.inputValue()) !== "E11.9") fail(`the pick did not fill the field: ${await dx.inputValue()}`);
  await header.waitFor({ state: "detached" });
  // The PSA line still lacks Z12.5: the other finding stays.
  await page.locator('#findings li[data-rule="MN001"]').waitFor();

  // An unknown code offers near matches.
  await dx.fill("");
  await dx.focus();
  await page.keyboard.type("E11.99");
  const suggestion = page.locator(".suggestion").first();
  await suggestion.waitFor();
  console.log(`e2e: ok (${addr}); screenshot ${shot}`);
} finally {
  if (browser) await browser.close();
  server.kill("SIGTERM");
  rmSync(profile, { recursive: true, force: true });
}
