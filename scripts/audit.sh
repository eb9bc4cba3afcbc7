#!/usr/bin/env bash
# Dependency audit run by `make audit` (and so by `make test`): govulncheck
# on the Go module, `npm audit --omit=dev` on widget/, admin-spa/ and
# client/. A finding fails unless its ID (GO-…, GHSA-…) is listed, with the
# reason, in audit-allowlist.txt (see SECURITY.md).
#
# When the vulnerability database or the npm audit endpoint cannot be
# reached, the check says so and is skipped — only on proof: a failed DNS
# lookup or connection, or an answer that is not the audit service's (a
# proxy allowing GET only). AUDIT_REQUIRE_NETWORK=1 makes that an error too.
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

# Go: govulncheck reports the vulnerabilities whose code is reachable.
out=$($GO tool govulncheck ${AUDIT_GO_PACKAGES:-./...} 2>&1)
rc=$?
if [ $rc -eq 0 ]; then
	echo "audit: govulncheck: no vulnerability reached"
elif grep -qE 'fetching vulnerabilities|vuln\.go\.dev' <<<"$out" && grep -qE 'no such host|dial tcp|connection refused|i/o timeout|network is unreachable|TLS handshake timeout' <<<"$out"; then
	skipped govulncheck "vuln.go.dev is unreachable from here ($(grep -oE '(lookup|dial) [^:]+: [^"]*' <<<"$out" | head -1))"
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
