// Entry of dist/widget.js (loaded with <script src=".../widget.js" defer>).
// The only side effect: registering <orientation-widget>. The script's own
// origin becomes the default API base and the place of the lazy chunks.

import { OrientationWidget } from './element';

const me = document.currentScript as HTMLScriptElement | null;
if (!customElements.get('orientation-widget')) {
  try {
    if (me && me.src) OrientationWidget.scriptOrigin = new URL(me.src).origin;
  } catch {
    /* keep the page's origin */
  }
  customElements.define('orientation-widget', OrientationWidget);
}
