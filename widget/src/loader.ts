// Entry of dist/widget.js, the stable loader partners paste
// (<script src=".../widget.js" defer>), served with a short cache. It adds the
// content-hashed bundle (dist/widget-HASH.js, served immutable at
// /widget/widget-HASH.js from the loader's own origin) to the page at once: a
// plain script, no inline code, no eval, so a host CSP `script-src <origin>`
// (or 'strict-dynamic') admits it. The bundle reads its own origin from
// document.currentScript (index.ts), which is this script's origin.

declare const __BUNDLE__: string;

// One expression, no variable: nothing is added to the page's globals.
document.head.append(Object.assign(document.createElement('script'), {
  src: new URL('/widget/' + __BUNDLE__, (document.currentScript as HTMLScriptElement | null)?.src || location.href),
}));
