// Package adminspa embeds the référents' single-page app (dist/, built by
// `npm run build` from src/ and committed) for the API binary to serve
// under /admin/.
package adminspa

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var files embed.FS

// FS returns the app's files: dist/index.html, dist/assets/*…
func FS() fs.FS { return files }
