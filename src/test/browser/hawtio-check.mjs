// Drives Hawtio in headless Chromium as a user would: saves a remote connection to the app's Jolokia endpoint,
// opens it, logs in when Hawtio asks, opens the Camel routes view and reads the route table.
// Run by HawtioBrowserIntegrationTest. Input: environment variables (below). Output: one JSON line on stdout,
// {"loginAsked":…, "routes":{"<id>":{"completed":N,"total":N}}, "screenshots":[…]}; exit 1 with a message on failure.
// The password is never printed.
import { chromium } from 'playwright-core';
import path from 'node:path';

function env(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`environment variable ${name} is required`);
  }
  return value;
}

const hawtioUrl = env('HAWTIO_URL'); // e.g. http://127.0.0.1:8888/hawtio/
const connection = {
  id: 'shopify-sync',
  name: 'shopify-sync',
  scheme: 'http',
  host: env('JOLOKIA_HOST'),
  port: Number(env('JOLOKIA_PORT')),
  path: env('JOLOKIA_PATH'),
};
const user = env('JOLOKIA_USER');
const password = env('JOLOKIA_PASSWORD');
const expectedRoutes = env('EXPECT_ROUTES').split(',');
const diagramRoutes = env('DIAGRAM_ROUTES').split(',');
const screenshotDir = env('SCREENSHOT_DIR');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const timeout = Number(process.env.STEP_TIMEOUT_MS || '30000');

const browser = await chromium.launch({
  executablePath: chromiumPath,
  // the network is closed: without these Chromium waits on Google services
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const result = { loginAsked: false, routes: {}, screenshots: [] };
// tall enough for the whole route table and route diagram in one screenshot
const page = await browser.newPage({ viewport: { width: 1440, height: 1280 }, deviceScaleFactor: 1.5 });
try {
  page.setDefaultTimeout(timeout);

  // Hawtio 4 keeps remote connections in localStorage under connect.connections and opens one with ?con=<id>
  await page.goto(hawtioUrl);
  await page.evaluate((c) => localStorage.setItem('connect.connections', JSON.stringify({ [c.id]: c })), connection);
  await page.goto(`${hawtioUrl}?con=${encodeURIComponent(connection.id)}`);

  // the app's Jolokia answers 401 without credentials, so Hawtio shows its connection login form first
  const login = page.locator('#connect-login-form-username');
  const camelTree = page.getByText('routes', { exact: true }).first();
  await login.or(camelTree).first().waitFor();
  if (await login.isVisible()) {
    result.loginAsked = true;
    await login.fill(user);
    await page.locator('#connect-login-form-password').fill(password);
    await page.getByRole('button', { name: /log in/i }).click();
  }

  // Camel plugin: the context's "routes" folder shows the route table with exchange counts
  await camelTree.click();
  const camelNav = page.locator('nav[aria-label="Camel Nav"]');
  await camelNav.getByRole('link', { name: 'Routes', exact: true }).waitFor();
  const table = page.locator('table').filter({ has: page.getByRole('columnheader', { name: /Completed/ }) });
  for (const id of expectedRoutes) {
    await table.locator('tbody').getByText(id, { exact: true }).first().waitFor();
  }
  const headers = (await table.locator('thead th').allInnerTexts()).map((h) => h.trim());
  const col = (name) => {
    const i = headers.indexOf(name);
    if (i < 0) throw new Error(`the routes table has no column ${name}: ${headers.join(' | ')}`);
    return i;
  };
  const [nameCol, completedCol, totalCol] = [col('Name'), col('Completed'), col('Total')];
  for (const row of await table.locator('tbody tr').all()) {
    const cells = (await row.locator('td').allInnerTexts()).map((c) => c.trim());
    result.routes[cells[nameCol]] = { completed: Number(cells[completedCol]), total: Number(cells[totalCol]) };
  }
  const routesShot = path.join(screenshotDir, 'hawtio-routes.png');
  await page.screenshot({ path: routesShot });
  result.screenshots.push(routesShot);

  // each route's diagram, drawn from the route's model read over Jolokia, with every step's exchange count
  result.diagramNodes = {};
  for (const id of diagramRoutes) {
    await page.getByRole('treeitem').getByText(id, { exact: true }).first().click();
    await camelNav.getByRole('link', { name: 'Route Diagram', exact: true }).click();
    await page.locator('.react-flow__node').first().waitFor();
    // each node's exchange count arrives with the next statistics dump, after the diagram is drawn
    await page.waitForFunction(() => [...document.querySelectorAll('.react-flow__node .number')]
      .some((n) => n.textContent.trim() !== ''));
    result.diagramCounts = result.diagramCounts || {};
    result.diagramCounts[id] = (await page.locator('.react-flow__node .number').allInnerTexts())
      .map((t) => t.trim()).filter((t) => t !== '').map(Number);
    const diagramShot = path.join(screenshotDir, `hawtio-diagram-${id}.png`);
    await page.screenshot({ path: diagramShot });
    result.screenshots.push(diagramShot);
    result.diagramNodes[id] = await page.locator('.react-flow__node').count();
  }

  console.log(JSON.stringify(result));
} catch (e) {
  const failureShot = path.join(screenshotDir, 'hawtio-failure.png');
  await page.screenshot({ path: failureShot }).catch(() => {});
  console.error(`Hawtio check failed at ${page.url()} (screenshot ${failureShot}): ${e.message}`);
  console.log(JSON.stringify(result));
  process.exitCode = 1;
} finally {
  await browser.close();
}
