#!/usr/bin/env bash
# Dependency audit run by `make audit` (and so by `make test`): govulncheck
# on the Go module, `npm audit --omit=dev` on widget/, admin-spa/ and
# client/. A finding fails unless its ID (GO-…, GHSA-…) is listed, with the
# reason, in audit-allowlist.txt (see SECURITY.md).
#
# When vuln.go.dev cannot be reached, govulncheck reads a database built
# here from the Go vulnerability database's own repository, golang.org/x/vulndb,
# fetched from the Go module proxy (its newest snapshot, else the pinned
# VULNDB_VERSION below), with its own tool (cmd/gendb); the build is cached.
# When neither that nor the npm audit endpoint can be reached, the check says
# so and is skipped — only on proof: a failed DNS lookup or connection, or an
# answer that is not the audit service's (a proxy allowing GET only).
# AUDIT_REQUIRE_NETWORK=1 makes a skip an error.
set -uo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
ALLOW=audit-allowlist.txt
allowed() { grep -qE "^$1([[:space:]]|$)" "$ALLOW" 2>/dev/null; }
status=0
skipped() {
	echo "audit: $1 SKIPPED: $2"
	if [ "${AUDIT_REQUIRE_NETWORK:-0}" = 1 ]; then status=1; fi
}

# The snapshot of golang.org/x/vulndb used when the proxy cannot say which is
# the newest (update: go list -m golang.org/x/vulndb@latest).
VULNDB_VERSION=v0.0.0-20261105234957-e22db6528018

unreachable() {
	grep -qE 'fetching vulnerabilities|vuln\.go\.dev' <<<"$1" && grep -qE 'no such host|dial tcp|connection refused|i/o timeout|network is unreachable|TLS handshake timeout' <<<"$1"
}

# vulndb_from_proxy VERSION: builds (once) the govulncheck database of that
# golang.org/x/vulndb snapshot and prints its directory.
vulndb_from_proxy() {
	local version=$1 cache=${XDG_CACHE_HOME:-$HOME/.cache}/aiguillage/vulndb
	local out=$cache/$version
	if [ -f "$out/index/db.json" ]; then echo "$out"; return 0; fi
	local dir src work stamp
	dir=$($GO mod download -json "golang.org/x/vulndb@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') || return 1
	[ -d "$dir/data/osv" ] || return 1
	work=$(mktemp -d) || return 1
	src=$work/repo
	mkdir -p "$src/data" && cp -r "$dir/data/osv" "$src/data/" && chmod -R u+w "$src" || { rm -rf "$work"; return 1; }
	# gendb reads the entries from a Git repository and dates the database
	# by its commit: the snapshot's own date, from its pseudo-version.
	stamp=$(sed -E 's/^v0\.0\.0-([0-9]{4})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})-.*/\1-\2-\3T\4:\5:\6Z/' <<<"$version")
	(cd "$src" && git init -q && git add -A &&
		GIT_AUTHOR_DATE=$stamp GIT_COMMITTER_DATE=$stamp git -c user.name=audit -c user.email=audit@localhost commit -qm "golang.org/x/vulndb $version") || { rm -rf "$work"; return 1; }
	mkdir -p "$cache"
	GOFLAGS= $GO run "golang.org/x/vulndb/cmd/gendb@$version" -repo "$src" -out "$work/db" >"$work/gendb.log" 2>&1 || { cat "$work/gendb.log" >&2; rm -rf "$work"; return 1; }
	rm -rf "$out" && mv "$work/db" "$out" && rm -rf "$work" && echo "$out"
}

# Go: govulncheck reports the vulnerabilities whose code is reachable.
out=$($GO tool govulncheck ${AUDIT_GO_PACKAGES:-./...} 2>&1)
rc=$?
if [ $rc -ne 0 ] && unreachable "$out"; then
	why=$(grep -oE '(lookup|dial) [^:]+: [^"]*' <<<"$out" | head -1)
	version=$($GO list -m -f '{{.Version}}' golang.org/x/vulndb@latest 2>/dev/null) || version=$VULNDB_VERSION
	if db=$(vulndb_from_proxy "$version"); then
		echo "audit: govulncheck: vuln.go.dev is unreachable ($why): using golang.org/x/vulndb@$version from the module proxy"
		out=$($GO tool govulncheck -db "file://$db" ${AUDIT_GO_PACKAGES:-./...} 2>&1)
		rc=$?
	fi
fi
if [ $rc -eq 0 ]; then
	echo "audit: govulncheck: no vulnerability reached"
elif unreachable "$out"; then
	skipped govulncheck "vuln.go.dev is unreachable from here and no snapshot of golang.org/x/vulndb could be built ($(grep -oE '(lookup|dial) [^:]+: [^"]*' <<<"$out" | head -1))"
elif [ $rc -eq 3 ]; then
	for id in $(grep -E '^Vulnerability #' <<<"$out" | grep -oE 'GO-[0-9]{4}-[0-9]+' | sort -u); do
		if allowed "$id"; then
			echo "audit: govulncheck: $id allowed ($(grep -E "^$id" "$ALLOW" | cut -d' ' -f2-))"
		else
			echo "audit: govulncheck: $id is reachable and not in $ALLOW"
			status=1
		fi
	done
	[ $status -eq 0 ] || echo "$out"
else
	echo "$out"
	echo "audit: govulncheck failed ($rc)"
	status=1
fi

# npm: production dependencies only (what ships in the widget and the SPA).
for dir in widget admin-spa client; do
	json=$(cd "$dir" && npm audit --omit=dev --json 2>/dev/null)
	verdict=$(ALLOWLIST="$ALLOW" node -e '
		const fs = require("fs");
		let r; try { r = JSON.parse(fs.readFileSync(0, "utf8")); } catch (e) { console.log("error unreadable npm audit output"); process.exit(0); }
		if (r.statusCode || (r.error && !r.vulnerabilities)) {
			const why = r.message || (r.error && (r.error.summary || r.error.code)) || "no audit report";
			const net = r.statusCode === 404 || r.statusCode === 405 || r.statusCode === 501 || /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH/.test(JSON.stringify(r));
			console.log((net ? "unreachable " : "error ") + why); process.exit(0);
		}
		const allow = new Set((fs.existsSync(process.env.ALLOWLIST) ? fs.readFileSync(process.env.ALLOWLIST, "utf8") : "")
			.split("\n").map((l) => l.trim().split(/\s+/)[0]).filter((l) => l && !l.startsWith("#")));
		const bad = [];
		for (const [name, v] of Object.entries(r.vulnerabilities || {})) {
			for (const via of v.via || []) {
				if (typeof via !== "object") continue;
				const id = (via.url || "").split("/").pop() || String(via.source);
				if (!allow.has(id) && !allow.has(name)) bad.push(`${name} ${v.severity} ${id} ${via.title || ""}`);
			}
		}
		console.log(bad.length ? "findings " + bad.join("; ") : "ok");
	' <<<"$json")
	case "$verdict" in
	ok) echo "audit: npm $dir: no vulnerability in the production dependencies" ;;
	unreachable*) skipped "npm $dir" "the registry does not serve the audit endpoint (${verdict#unreachable })" ;;
	findings*) echo "audit: npm $dir: ${verdict#findings }"; status=1 ;;
	*) echo "audit: npm $dir: ${verdict#error }"; status=1 ;;
	esac
done
exit $status
