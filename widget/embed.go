// Package widget embeds the built <orientation-widget> (dist/, produced by
// `npm run build` from src/ and committed) and its pages (pages/: the demo
// page and the integration guide), for the API binary to serve.
package widget

import (
	"embed"
	"io/fs"
)

//go:embed dist pages
var files embed.FS

// FS returns the widget's files: dist/widget.js (the loader),
// dist/widget-HASH.js (the bundle), dist/chunks/*, each with its .br and .gz,
// and pages/*.
func FS() fs.FS { return files }
