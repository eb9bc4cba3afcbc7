// Entry of the main bundle, dist/widget-HASH.js, which the loader
// dist/widget.js (src/loader.ts) adds to the page as a script from its own
// origin. The only side effect: registering <orientation-widget>. The
// script's own origin (that of widget.js) becomes the default API base and
// the place of the lazy chunks.

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
