/**
 * Printing a rendered notebook to PDF through the system's Chromium (headless,
 * no network: the HTML is self-contained, and every request is refused).
 *
 * @example
 *   await printPdf(html, 'report.pdf');   // A4, backgrounds printed
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Debian's Chromium; $CHROMIUM_PATH overrides it. */
export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where Chromium is, or a one-line reason it cannot be used. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const exe = env['CHROMIUM_PATH'] ?? CHROMIUM;
  if (!existsSync(exe)) throw new Error(`--pdf needs Chromium at ${exe}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  return exe;
}

/** Renders `html` in headless Chromium and writes it as an A4 PDF to `file`. */
export async function printPdf(html: string, file: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const pdf = await renderPdf(html, env);
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, pdf);
}

/** Renders `html` in headless Chromium as an A4 PDF (pages in landscape where the HTML's `@page` says so). */
export async function renderPdf(html: string, env: NodeJS.ProcessEnv = process.env): Promise<Buffer> {
  const executablePath = chromiumPath(env);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_FLAGS });
  try {
    const page = await browser.newPage();
    await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
    await page.setContent(html, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  } finally {
    await browser.close();
  }
}

/** A screenshot of `html` as a PNG, `width` CSS pixels wide (the whole page, or `clipHeight` from the top). */
export async function screenshot(html: string, file: string, options: { width?: number; clipHeight?: number } = {}, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath(env), args: CHROMIUM_FLAGS });
  try {
    const page = await browser.newPage({ viewport: { width: options.width ?? 900, height: 1200 }, deviceScaleFactor: 1 });
    await page.setContent(html, { waitUntil: 'load' });
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    await page.screenshot({
      path: file,
      fullPage: !options.clipHeight,
      ...(options.clipHeight ? { clip: { x: 0, y: 0, width: options.width ?? 900, height: options.clipHeight } } : {}),
    });
  } finally {
    await browser.close();
  }
}
