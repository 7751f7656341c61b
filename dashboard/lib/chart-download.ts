/**
 * Downloads of a chart, in the browser: the chart's own SVG (the `<svg
 * role="img">` charts/render.ts drew, standalone: SVG namespace, the page's
 * white background) and a PNG rasterised from that SVG on a canvas at twice
 * its size. The server-rendered markup is the input, so what is downloaded is
 * what the page shows (a legend Plot draws as HTML beside the svg is not in it).
 *
 * @example
 *   const svg = standaloneSvg(markup, new DOMParser());
 *   download(new Blob([svg], { type: 'image/svg+xml' }), `${chartFileName('FCR rate')}.svg`);
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

/** A file name from a chart's title: lower case, words joined by '-' ('FCR rate, by month' → 'fcr-rate-by-month'). */
export function chartFileName(title: string): string {
  return (
    title
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 80) || 'chart'
  );
}

/** The chart's svg out of its markup (the svg itself, or the figure holding it), as a standalone SVG document's text. */
export function standaloneSvg(markup: string, parser: Pick<DOMParser, 'parseFromString'>): string {
  const doc = parser.parseFromString(`<!doctype html><html><body>${markup}</body></html>`, 'text/html');
  const svg = doc.querySelector('svg[role="img"]') ?? doc.querySelector('svg');
  if (!svg) throw new Error('the chart has no svg');
  const copy = svg.cloneNode(true) as Element;
  copy.setAttribute('xmlns', SVG_NS);
  const style = copy.getAttribute('style') ?? '';
  if (!/background/.test(style)) copy.setAttribute('style', `${style}${style && !style.trim().endsWith(';') ? ';' : ''}background:#fff`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${copy.outerHTML}`;
}

/** Width and height of an SVG's text (its attributes, else its viewBox). */
export function svgSize(svg: string): { width: number; height: number } {
  const attr = (name: string) => Number(new RegExp(`<svg[^>]*\\s${name}="([\\d.]+)"`).exec(svg)?.[1] ?? NaN);
  const box = /<svg[^>]*\sviewBox="[\d.-]+ [\d.-]+ ([\d.]+) ([\d.]+)"/.exec(svg);
  const width = attr('width') || Number(box?.[1]) || 640;
  const height = attr('height') || Number(box?.[2]) || 400;
  return { width, height };
}

/** The SVG drawn on a white canvas at `scale` times its size, as a PNG blob (browser only). */
export async function svgToPng(svg: string, scale = 2): Promise<Blob> {
  const { width, height } = svgSize(svg);
  // a data: URL, as the dashboard's CSP allows images from (img-src 'self' data:), not a blob: one
  const img = new Image(width, height);
  await new Promise<void>((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error('the chart could not be drawn'));
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  });
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no canvas');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.scale(scale, scale);
  ctx.drawImage(img, 0, 0, width, height);
  return new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('no PNG'))), 'image/png'));
}

/** Saves `blob` as `name` (a temporary link, clicked). */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
