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

// FS returns the widget's files: dist/widget.js, dist/chunks/*, pages/*.
func FS() fs.FS { return files }
