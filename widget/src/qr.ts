// Lazy chunk "qr": the QR code of the answer's link, drawn as SVG from
// lean-qr's module matrix (no markup string, no canvas).

import { generate } from 'lean-qr';

const NS = 'http://www.w3.org/2000/svg';

export function qrSvg(text: string): SVGSVGElement {
  const code = generate(text);
  const n = code.size, pad = 4, size = n + 2 * pad;
  let d = '';
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) if (code.get(x, y)) d += `M${x + pad} ${y + pad}h1v1h-1z`;
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('shape-rendering', 'crispEdges');
  const bg = document.createElementNS(NS, 'rect');
  bg.setAttribute('width', String(size));
  bg.setAttribute('height', String(size));
  bg.setAttribute('fill', '#fff');
  const path = document.createElementNS(NS, 'path');
  path.setAttribute('d', d);
  path.setAttribute('fill', '#000');
  svg.append(bg, path);
  return svg;
}
