#!/usr/bin/env bash
# Make Node >= 24 available (n8n 2.x and this package need it).
#
#   source scripts/ensure-node24.sh   # prepends Node 24's bin dir to PATH when needed
#   scripts/ensure-node24.sh          # prints the bin dir to add to PATH (nothing if node is already >= 24)
#
# If `node --version` is already >= 24 this does nothing. Otherwise it installs the npm package
# `node@24` into <repo>/.tools/node24 (once; gitignored) and uses its
# node_modules/.bin/node. Idempotent. When sourced it never exits the caller's shell and does not
# change the caller's shell options.

_ensure_node24_main() {
	local repo_root tools_dir bin_dir major
	repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)" || return 1
	tools_dir="${NODE24_TOOLS_DIR:-$repo_root/.tools/node24}"
	bin_dir="$tools_dir/node_modules/.bin"

	major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
	if [ "${major:-0}" -ge 24 ] 2>/dev/null; then
		return 0
	fi

	if ! "$bin_dir/node" --version >/dev/null 2>&1; then
		if ! command -v npm >/dev/null 2>&1; then
			echo "ensure-node24: node < 24 and npm not found; cannot install node@24" >&2
			return 1
		fi
		echo "ensure-node24: installing node@24 into $tools_dir" >&2
		mkdir -p "$tools_dir" || return 1
		[ -f "$tools_dir/package.json" ] || printf '{"private":true}\n' >"$tools_dir/package.json"
		# The `node` package fetches its platform binary in a preinstall script, so scripts must run.
		(cd "$tools_dir" && npm install --no-audit --no-fund --loglevel=error node@24 >&2) || {
			echo "ensure-node24: npm install node@24 failed" >&2
			return 1
		}
		"$bin_dir/node" --version >/dev/null 2>&1 || {
			echo "ensure-node24: $bin_dir/node does not run after install" >&2
			return 1
		}
	fi

	case ":$PATH:" in
	*":$bin_dir:"*) ;;
	*) PATH="$bin_dir:$PATH" ;;
	esac
	export PATH
	if [ "${BASH_SOURCE[0]}" = "$0" ]; then
		echo "$bin_dir"
	fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	_ensure_node24_main
else
	_ensure_node24_main
	_ensure_node24_rc=$?
	unset -f _ensure_node24_main
	return "$_ensure_node24_rc" 2>/dev/null || true
fi
