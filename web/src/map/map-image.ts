/**
 * The map view as a PNG, made offline in the page: the base map's canvases, the SVG overlays (flows,
 * arrows, circles, pies) and the HTML markers (plant, ports, nodes, labels) are painted in pane
 * order into one canvas the size of the map, with the scale bar and attribution. Online tiles are
 * left out (another origin's pixels cannot be exported); the offline land and sea under them are drawn.
 * Loaded on demand (the Map PNG button).
 */

/** Panes that only hold hover tooltips and popups: not part of the picture. */
const SKIPPED_PANES = new Set(['leaflet-tooltip-pane', 'leaflet-popup-pane', 'leaflet-tile-pane']);
/** SVG presentation that may come from the stylesheet: copied onto the serialised copy. */
const SVG_STYLE = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-dasharray', 'stroke-linecap', 'stroke-linejoin', 'opacity', 'display', 'visibility'];

interface Origin {
  left: number;
  top: number;
}

/** A PNG of the map container as it is on screen, at its CSS pixel size. */
export async function mapToPng(container: HTMLElement): Promise<Blob> {
  const box = container.getBoundingClientRect();
  const width = Math.round(box.width);
  const height = Math.round(box.height);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('this browser cannot draw into a canvas');
  ctx.fillStyle = getComputedStyle(container).backgroundColor;
  ctx.fillRect(0, 0, width, height);
  const origin = { left: box.left, top: box.top };

  const mapPane = container.querySelector<HTMLElement>('.leaflet-map-pane');
  const panes = mapPane ? [...mapPane.children].filter((p): p is HTMLElement => p instanceof HTMLElement && p.classList.contains('leaflet-pane')) : [];
  const ordered = panes.filter((p) => ![...p.classList].some((c) => SKIPPED_PANES.has(c))).sort((a, b) => zIndex(a) - zIndex(b));
  for (const pane of ordered) {
    const style = getComputedStyle(pane);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    ctx.save();
    ctx.globalAlpha = Number(style.opacity);
    await paintTree(ctx, pane, origin);
    ctx.restore();
  }
  for (const control of container.querySelectorAll<HTMLElement>('.leaflet-control-scale, .leaflet-control-attribution')) await paintTree(ctx, control, origin);

  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the map image could not be encoded'))), 'image/png'));
}

function zIndex(el: HTMLElement): number {
  const z = Number.parseInt(getComputedStyle(el).zIndex, 10);
  return Number.isFinite(z) ? z : 0;
}

/** Paints an element and what it holds, in document order (later siblings over earlier ones). */
async function paintTree(ctx: CanvasRenderingContext2D, el: Element, origin: Origin): Promise<void> {
  const style = getComputedStyle(el);
  if (style.display === 'none') return;
  const hidden = style.visibility === 'hidden' || Number(style.opacity) === 0;
  if (el instanceof HTMLCanvasElement) {
    if (!hidden && el.width > 0 && el.height > 0) {
      const r = el.getBoundingClientRect();
      ctx.drawImage(el, r.left - origin.left, r.top - origin.top, r.width, r.height);
    }
    return;
  }
  if (el instanceof SVGSVGElement) {
    if (!hidden) await paintSvg(ctx, el, origin);
    return;
  }
  if (!(el instanceof HTMLElement)) return;
  if (!hidden) {
    paintBox(ctx, el, style, origin);
    for (const node of el.childNodes) if (node.nodeType === Node.TEXT_NODE && node.textContent?.trim()) paintText(ctx, node as Text, style, origin);
  }
  for (const child of el.children) await paintTree(ctx, child, origin);
}

/** Background, border and a plain outline (a spread box shadow), under the element's own rotation. */
function paintBox(ctx: CanvasRenderingContext2D, el: HTMLElement, style: CSSStyleDeclaration, origin: Origin): void {
  const fill = style.backgroundColor;
  const sides = (['Top', 'Right', 'Bottom', 'Left'] as const).map((side) => {
    const width = Number.parseFloat(style.getPropertyValue(`border-${side.toLowerCase()}-width`)) || 0;
    const line = style.getPropertyValue(`border-${side.toLowerCase()}-style`);
    const colour = style.getPropertyValue(`border-${side.toLowerCase()}-color`);
    return { width: line === 'none' || !visibleColour(colour) ? 0 : width, line, colour };
  });
  const even = sides.every((b) => b.width === sides[0].width && b.colour === sides[0].colour && b.line === sides[0].line);
  const borderWidth = sides[0].width;
  const borderColour = sides[0].colour;
  const outline = spreadShadow(style.boxShadow);
  const paintsFill = visibleColour(fill);
  const paintsBorder = even && borderWidth > 0;
  const paintsSides = !even;
  if (!paintsFill && !paintsBorder && !paintsSides && !outline) return;
  const r = el.getBoundingClientRect();
  const w = el.offsetWidth;
  const h = el.offsetHeight;
  if (w === 0 || h === 0) return;
  const radius = Math.min(Number.parseFloat(style.borderTopLeftRadius) || 0, w / 2, h / 2);
  ctx.save();
  ctx.translate(r.left - origin.left + r.width / 2, r.top - origin.top + r.height / 2);
  const m = style.transform && style.transform !== 'none' ? new DOMMatrixReadOnly(style.transform) : null;
  if (m) ctx.transform(m.a, m.b, m.c, m.d, 0, 0);
  const shape = (inset: number) => {
    ctx.beginPath();
    ctx.roundRect(-w / 2 + inset, -h / 2 + inset, w - 2 * inset, h - 2 * inset, Math.max(0, radius - inset));
  };
  if (outline) {
    ctx.fillStyle = outline.colour;
    shape(-outline.spread);
    ctx.fill();
  }
  if (paintsFill) {
    ctx.fillStyle = fill;
    shape(0);
    ctx.fill();
  }
  if (paintsBorder) {
    ctx.strokeStyle = borderColour;
    ctx.lineWidth = borderWidth;
    ctx.setLineDash(sides[0].line === 'dashed' ? [borderWidth * 2, borderWidth * 1.5] : []);
    shape(borderWidth / 2);
    ctx.stroke();
  }
  if (paintsSides) {
    // Uneven borders (a scale bar's three sides): each side as a straight line.
    const ends = [
      [-w / 2, -h / 2, w / 2, -h / 2],
      [w / 2, -h / 2, w / 2, h / 2],
      [w / 2, h / 2, -w / 2, h / 2],
      [-w / 2, h / 2, -w / 2, -h / 2],
    ];
    sides.forEach((b, i) => {
      if (b.width === 0) return;
      const [x0, y0, x1, y1] = ends[i];
      const inX = i === 1 ? -b.width / 2 : i === 3 ? b.width / 2 : 0;
      const inY = i === 0 ? b.width / 2 : i === 2 ? -b.width / 2 : 0;
      ctx.strokeStyle = b.colour;
      ctx.lineWidth = b.width;
      ctx.setLineDash(b.line === 'dashed' ? [b.width * 2, b.width * 1.5] : []);
      ctx.beginPath();
      ctx.moveTo(x0 + inX, y0 + inY);
      ctx.lineTo(x1 + inX, y1 + inY);
      ctx.stroke();
    });
  }
  ctx.restore();
}

/** A text run in its font and colour, with the halo its text shadow gives it. */
function paintText(ctx: CanvasRenderingContext2D, node: Text, style: CSSStyleDeclaration, origin: Origin): void {
  const range = document.createRange();
  range.selectNodeContents(node);
  const r = range.getBoundingClientRect();
  if (r.width === 0) return;
  const text = (node.textContent ?? '').replace(/\s+/g, ' ').trim();
  ctx.save();
  ctx.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  if (style.letterSpacing !== 'normal') ctx.letterSpacing = style.letterSpacing;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'center';
  const x = r.left - origin.left + r.width / 2;
  const y = r.top - origin.top + r.height / 2;
  const halo = style.textShadow !== 'none' ? /rgba?\([^)]*\)|#[0-9a-f]{3,8}/i.exec(style.textShadow)?.[0] : undefined;
  if (halo) {
    ctx.strokeStyle = halo;
    ctx.lineWidth = 3;
    ctx.lineJoin = 'round';
    ctx.strokeText(text, x, y);
  }
  ctx.fillStyle = style.color;
  ctx.fillText(text, x, y);
  ctx.restore();
}

/** An SVG (a Leaflet overlay or a pie) drawn as an image, with the stylesheet's presentation inlined. */
async function paintSvg(ctx: CanvasRenderingContext2D, svg: SVGSVGElement, origin: Origin): Promise<void> {
  const r = svg.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) return;
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const from = [svg, ...svg.querySelectorAll('*')];
  const to = [copy, ...copy.querySelectorAll('*')];
  from.forEach((source, i) => {
    const computed = getComputedStyle(source);
    const target = to[i] as SVGElement;
    for (const name of SVG_STYLE) target.style.setProperty(name, computed.getPropertyValue(name));
  });
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(r.width));
  copy.setAttribute('height', String(r.height));
  copy.style.removeProperty('transform');
  const source = new XMLSerializer().serializeToString(copy);
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(source)}`;
  await image.decode();
  ctx.drawImage(image, r.left - origin.left, r.top - origin.top, r.width, r.height);
}

function visibleColour(colour: string): boolean {
  return colour !== '' && colour !== 'transparent' && !/rgba\([^)]*,\s*0\)$/.test(colour);
}

/** `0 0 0 Npx colour` (an outline drawn as a shadow) → its colour and spread; other shadows are left out. */
function spreadShadow(shadow: string): { colour: string; spread: number } | null {
  if (!shadow || shadow === 'none') return null;
  const first = shadow.split(/,(?![^(]*\))/)[0];
  const colour = /rgba?\([^)]*\)/.exec(first)?.[0];
  const lengths = first.replace(/rgba?\([^)]*\)/, '').trim().split(/\s+/).map((v) => Number.parseFloat(v));
  if (!colour || lengths.length < 4 || lengths[0] !== 0 || lengths[1] !== 0 || lengths[2] !== 0 || !(lengths[3] > 0)) return null;
  return { colour, spread: lengths[3] };
}
