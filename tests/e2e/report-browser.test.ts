import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ROOT, runCli, scratchDir } from '../helpers.js';
import { writeFixtureRun } from '../unit/reporters/run-fixture.js';

/**
 * `dlc report` opened in headless Chromium (Debian's package `chromium`): every chart draws marks, the
 * metric tabs switch curves, and the page asks for nothing but itself. The screenshot goes to a temporary
 * directory; UPDATE_SCREENSHOTS=1 writes it to docs/images/report.png instead.
 */
const CHROMIUM = process.env.DLC_CHROMIUM ?? '/usr/bin/chromium';
const tmp = scratchDir('dlc-report-');
after(() => rmSync(tmp, { recursive: true, force: true }));

test('the HTML report in a browser: non-empty charts, working tabs, no network', { skip: existsSync(CHROMIUM) ? false : `no browser at ${CHROMIUM} (Debian package chromium)` }, async () => {
  const run = join(tmp, 'runs', '20260301-100000-quickstart');
  writeFixtureRun(run, { trials: 4, epochs: 5 });
  const out = join(tmp, 'report.html');
  const r = runCli(['report', run, '-o', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), out);

  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const requests: string[] = [];
    page.on('request', (req) => requests.push(req.url()));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(out).href);
    assert.deepEqual(requests, [pathToFileURL(out).href], 'the page loads nothing else');

    // Each chart has a size and draws marks of its kind.
    const charts = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        const visible = !(svg.closest('[hidden]') !== null);
        return { cls: svg.getAttribute('class'), width: box.width, height: box.height, visible, paths: svg.querySelectorAll('path').length, rects: svg.querySelectorAll('rect').length, circles: svg.querySelectorAll('circle').length };
      }),
    );
    const kinds = (c: string) => charts.filter((x) => x.cls === `chart ${c}`);
    assert.equal(kinds('curves').length, 4);
    for (const c of kinds('curves')) assert.ok(c.paths >= 4 && c.circles >= 4 * 5, JSON.stringify(c));
    const gantt = kinds('gantt')[0]!;
    assert.ok(gantt.visible && gantt.width > 500 && gantt.rects >= 40, JSON.stringify(gantt));
    assert.equal(kinds('scatter').length, 2);
    for (const c of kinds('scatter')) assert.ok(c.visible && c.circles === 4, JSON.stringify(c));
    const dag = kinds('dag')[0]!;
    assert.ok(dag.visible && dag.rects === 8 && dag.paths >= 7, JSON.stringify(dag));
    for (const c of charts.filter((x) => x.visible)) assert.ok(c.width > 0 && c.height > 0, JSON.stringify(c));

    // The first tab shows the objective; another tab swaps the visible curve chart.
    const shown = () => page.$$eval('.curve', (els) => els.filter((e) => !e.hasAttribute('hidden')).map((e) => e.getAttribute('data-metric')));
    assert.deepEqual(await shown(), ['val_accuracy']);
    await page.click('.tab[data-metric="loss"]');
    assert.deepEqual(await shown(), ['loss']);
    await page.click('.tab[data-metric="val_accuracy"]');
    // Pointing at a trial in the legend brings it forward everywhere.
    await page.hover('.legend li[data-trial="2"]');
    assert.equal(await page.$eval('section.train', (s) => s.classList.contains('focusing')), true);
    assert.ok((await page.$$('section.train .gantt .focus')).length >= 5);
    await page.mouse.move(0, 0);
    assert.deepEqual(errors, []);

    const shot = process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'images', 'report.png') : join(tmp, 'report.png');
    mkdirSync(join(shot, '..'), { recursive: true });
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(existsSync(shot));
  } finally {
    await browser.close();
  }
});
