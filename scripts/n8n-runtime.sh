#!/usr/bin/env bash
# A real n8n runtime for end-to-end tests and `npm run dev`, kept outside this package's own
# dependencies in a per-user cache that every clone on the machine reuses.
#
#   scripts/n8n-runtime.sh install
#       Install n8n into the cache (once; ~4-7 min, ~3 GB) and link <repo>/.n8n-runtime to it.
#   scripts/n8n-runtime.sh dir
#       Print the cache dir (installed or not).
#   scripts/n8n-runtime.sh path
#       Print the n8n bin path (run it with Node >= 24: `source scripts/ensure-node24.sh`).
#   scripts/n8n-runtime.sh n8n [ARGS...]
#       Run the n8n CLI with Node 24 (e.g. `import:credentials --input=...`, `execute --id=...`).
#       N8N_USER_FOLDER (required) names the instance it acts on.
#   scripts/n8n-runtime.sh start --user-folder DIR --port P [--broker-port B] [-- N8N_ARGS...]
#       Start n8n in the foreground (exec), quiet and on 127.0.0.1. Any N8N_* / other variable
#       already in the environment wins over the defaults set here. Stop it by killing its
#       process group (n8n starts task-runner child processes).
#   scripts/n8n-runtime.sh link-package USER_FOLDER PACKAGE_DIR
#       Load PACKAGE_DIR (built, with dist/) as an installed community package in USER_FOLDER.
#
# Cache dir: ${N8N_RUNTIME_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-m365/n8n-<version>}
set -euo pipefail

N8N_RUNTIME_VERSION="2.41.1"
# linkedom 0.18.15 needs `cssomnom`, which the registry here lacks; 0.18.14 works.
LINKEDOM_VERSION="0.18.14"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${N8N_RUNTIME_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-m365/n8n-$N8N_RUNTIME_VERSION}"
MARKER_NAME=".n8n-runtime-complete"
MARKER_CONTENT="n8n@$N8N_RUNTIME_VERSION linkedom@$LINKEDOM_VERSION"
N8N_BIN="$CACHE_DIR/node_modules/.bin/n8n"
tmp="" # install staging dir (global so the EXIT trap sees it)

die() {
	echo "n8n-runtime: $*" >&2
	exit 1
}
log() { echo "n8n-runtime: $*" >&2; }

use_node24() {
	# shellcheck source=scripts/ensure-node24.sh
	source "$REPO_ROOT/scripts/ensure-node24.sh" || die "Node >= 24 is not available"
}

is_installed() {
	[ -f "$CACHE_DIR/$MARKER_NAME" ] && [ "$(cat "$CACHE_DIR/$MARKER_NAME")" = "$MARKER_CONTENT" ] &&
		[ -x "$N8N_BIN" ]
}

link_into_repo() {
	local link="$REPO_ROOT/.n8n-runtime"
	if [ -e "$link" ] && [ ! -L "$link" ]; then
		log "$link exists and is not a symlink; leaving it alone"
		return 0
	fi
	ln -sfn "$CACHE_DIR" "$link"
}

# Directory containing include/node/common.gypi for the running node, for node-gyp. Without it
# node-gyp would use the user npmrc's nodedir (Node 20 headers) or try to download headers.
# The npm package `node` hard-links its binary from node-linux-<arch>, which carries the headers.
node_headers_dir() {
	local prefix arch major candidate
	prefix="$(cd "$(dirname "$(node -p 'process.execPath')")/.." && pwd)"
	arch="$(node -p 'process.arch')"
	major="$(node -p 'process.versions.node.split(".")[0]')"
	for candidate in "$prefix" "$prefix/node_modules/node-linux-$arch" "$(dirname "$prefix")/node-linux-$arch"; do
		if [ -f "$candidate/include/node/common.gypi" ] &&
			grep -q "define NODE_MAJOR_VERSION $major\$" "$candidate/include/node/node_version.h"; then
			echo "$candidate"
			return 0
		fi
	done
}

do_install() {
	local parent base lock start headers
	parent="$(dirname "$CACHE_DIR")"
	base="$(basename "$CACHE_DIR")"
	mkdir -p "$parent"

	if is_installed; then
		link_into_repo
		log "n8n $N8N_RUNTIME_VERSION already installed in $CACHE_DIR"
		return 0
	fi

	use_node24
	lock="$parent/.$base.lock"
	exec 9>"$lock"
	if ! flock -n 9; then
		log "another install is running (lock $lock); waiting for it"
		flock 9
	fi
	# Re-check under the lock: the other caller may have finished the install.
	if is_installed; then
		link_into_repo
		log "n8n $N8N_RUNTIME_VERSION already installed in $CACHE_DIR"
		return 0
	fi

	# Leftovers of interrupted installs (we hold the lock, so nobody is using them).
	rm -rf "$parent/.$base.tmp."* "$parent/.$base.old."*
	if [ -e "$CACHE_DIR" ]; then
		log "removing incomplete install in $CACHE_DIR"
		mv "$CACHE_DIR" "$parent/.$base.old.$$"
		rm -rf "$parent/.$base.old.$$"
	fi

	tmp="$parent/.$base.tmp.$$"
	mkdir "$tmp"
	trap 'rm -rf "${tmp:?}"' EXIT
	start=$SECONDS
	log "installing n8n $N8N_RUNTIME_VERSION with node $(node --version) into $CACHE_DIR (~4-7 min, ~3 GB)"
	printf '{"private":true,"dependencies":{"n8n":"%s"},"overrides":{"linkedom":"%s"}}\n' \
		"$N8N_RUNTIME_VERSION" "$LINKEDOM_VERSION" >"$tmp/package.json"

	# --ignore-scripts: a Kafka client's install step downloads a binary and fails offline.
	# isolated-vm ships prebuilt binaries for Node 24; sqlite3 must be built (below).
	(cd "$tmp" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error)

	# build_from_source: skip prebuild-install's download (no internet). nodedir: Node 24's
	# headers, not the user npmrc's nodedir=/usr (Node 20). Build output goes to sqlite3-build.log.
	headers="$(node_headers_dir)"
	if [ -n "$headers" ]; then
		export npm_config_nodedir="$headers"
	else
		log "warning: no Node $(node --version) headers found; node-gyp uses npm's nodedir setting"
	fi
	log "building sqlite3 from source (~90 s) with nodedir=${npm_config_nodedir:-<npm default>}"
	# npm 11 warns that sqlite3's install script is "not covered by allowScripts" but still runs
	# it (strict-allow-scripts is off); the load check below proves the build happened.
	if ! (cd "$tmp" && npm_config_build_from_source=true \
		npm rebuild sqlite3 --foreground-scripts --loglevel=error) >"$tmp/sqlite3-build.log" 2>&1; then
		tail -n 40 "$tmp/sqlite3-build.log" >&2
		die "building sqlite3 failed"
	fi

	# Smoke checks: the native modules load and the CLI runs, under this node.
	(cd "$tmp" && node -e '
		const db = new (require("sqlite3").Database)(":memory:");
		db.get("select sqlite_version() v", (e, r) => { if (e) throw e; console.error("sqlite3 ok", r.v); db.close(); });
		require("isolated-vm"); console.error("isolated-vm ok");
	') || die "native modules do not load; see the output above"
	(cd "$tmp" && node node_modules/.bin/n8n --version >/dev/null) || die "n8n --version failed"

	printf '%s\n' "$MARKER_CONTENT" >"$tmp/$MARKER_NAME"
	mv -T "$tmp" "$CACHE_DIR"
	trap - EXIT
	link_into_repo
	log "installed in $((SECONDS - start)) s; $(du -sh "$CACHE_DIR" | cut -f1) in $CACHE_DIR"
}

require_installed() {
	is_installed || die "n8n is not installed; run: scripts/n8n-runtime.sh install"
}

do_start() {
	local user_folder="" port="" broker_port=""
	while [ $# -gt 0 ]; do
		case "$1" in
		--user-folder) user_folder="${2:?--user-folder needs a value}"; shift 2 ;;
		--user-folder=*) user_folder="${1#*=}"; shift ;;
		--port) port="${2:?--port needs a value}"; shift 2 ;;
		--port=*) port="${1#*=}"; shift ;;
		--broker-port) broker_port="${2:?--broker-port needs a value}"; shift 2 ;;
		--broker-port=*) broker_port="${1#*=}"; shift ;;
		--) shift; break ;;
		*) die "start: unknown argument $1" ;;
		esac
	done
	[ -n "$user_folder" ] || die "start: --user-folder DIR is required"
	[ -n "$port" ] || die "start: --port P is required"
	broker_port="${broker_port:-$((port + 1))}"
	[ "$broker_port" != "$port" ] || die "start: --broker-port must differ from --port"
	require_installed
	use_node24
	mkdir -p "$user_folder"

	export N8N_USER_FOLDER="$user_folder"
	# n8n writes temp files (e.g. /tmp/n8nDataTableUploads) under os.tmpdir(): keep them per instance.
	export TMPDIR="$user_folder/tmp"
	mkdir -p "$TMPDIR"
	export N8N_PORT="$port"
	export N8N_RUNNERS_BROKER_PORT="$broker_port"
	# Listen on loopback only; URLs n8n builds (OAuth2 callback, webhooks) point there too.
	export N8N_LISTEN_ADDRESS="${N8N_LISTEN_ADDRESS:-127.0.0.1}"
	export N8N_HOST="${N8N_HOST:-127.0.0.1}"
	export N8N_PROTOCOL="${N8N_PROTOCOL:-http}"
	export N8N_EDITOR_BASE_URL="${N8N_EDITOR_BASE_URL:-http://127.0.0.1:$port}"
	export N8N_WEBHOOK_URL="${N8N_WEBHOOK_URL:-http://127.0.0.1:$port/}"
	export N8N_RUNNERS_BROKER_LISTEN_ADDRESS="${N8N_RUNNERS_BROKER_LISTEN_ADDRESS:-127.0.0.1}"
	# Cookies over plain http (REST clients with a cookie jar).
	export N8N_SECURE_COOKIE="${N8N_SECURE_COOKIE:-false}"
	# Quiet: no telemetry, update checks, templates, surveys, banners.
	export N8N_DIAGNOSTICS_ENABLED="${N8N_DIAGNOSTICS_ENABLED:-false}"
	export N8N_VERSION_NOTIFICATIONS_ENABLED="${N8N_VERSION_NOTIFICATIONS_ENABLED:-false}"
	export N8N_TEMPLATES_ENABLED="${N8N_TEMPLATES_ENABLED:-false}"
	export N8N_PERSONALIZATION_ENABLED="${N8N_PERSONALIZATION_ENABLED:-false}"
	export N8N_HIRING_BANNER_ENABLED="${N8N_HIRING_BANNER_ENABLED:-false}"
	export N8N_COMMUNITY_PACKAGES_PREVENT_LOADING="${N8N_COMMUNITY_PACKAGES_PREVENT_LOADING:-false}"
	export N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED="${N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED:-false}"
	export N8N_DYNAMIC_BANNERS_ENABLED="${N8N_DYNAMIC_BANNERS_ENABLED:-false}"
	# No MCP registry refresh (fetches api.n8n.io at start; offline it logs a stack trace).
	# The "Failed to start Python task runner" warning at start is harmless (no venv; JS only).
	export N8N_DISABLED_MODULES="${N8N_DISABLED_MODULES-mcp-registry}"
	export EXTERNAL_FRONTEND_HOOKS_URLS="${EXTERNAL_FRONTEND_HOOKS_URLS:-}"
	export N8N_DIAGNOSTICS_CONFIG_FRONTEND="${N8N_DIAGNOSTICS_CONFIG_FRONTEND:-}"
	export N8N_DIAGNOSTICS_CONFIG_BACKEND="${N8N_DIAGNOSTICS_CONFIG_BACKEND:-}"
	exec node "$N8N_BIN" start "$@"
}

do_link_package() {
	local user_folder="${1:?usage: link-package USER_FOLDER PACKAGE_DIR}"
	local package_dir="${2:?usage: link-package USER_FOLDER PACKAGE_DIR}"
	local nodes_dir name
	package_dir="$(cd "$package_dir" && pwd)"
	[ -f "$package_dir/package.json" ] || die "link-package: no package.json in $package_dir"
	name="$(node -p 'require(process.argv[1]).name' "$package_dir/package.json" 2>/dev/null || echo n8n-nodes-m365)"
	[ -d "$package_dir/dist" ] || log "warning: $package_dir/dist is missing; run npm run build"
	nodes_dir="$user_folder/.n8n/nodes"
	mkdir -p "$nodes_dir/node_modules"
	[ -f "$nodes_dir/package.json" ] ||
		printf '{"name":"installed-nodes","private":true}\n' >"$nodes_dir/package.json"
	ln -sfn "$package_dir" "$nodes_dir/node_modules/$name"
	echo "$nodes_dir/node_modules/$name -> $package_dir"
}

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
install) do_install ;;
path)
	require_installed
	echo "$N8N_BIN"
	;;
dir) echo "$CACHE_DIR" ;;
n8n)
	require_installed
	# Without N8N_USER_FOLDER n8n writes ~/.n8n (encryption key, database): never do that silently.
	[ -n "${N8N_USER_FOLDER:-}" ] || die "n8n: set N8N_USER_FOLDER to the instance's user folder"
	use_node24
	exec node "$N8N_BIN" "$@"
	;;
start) do_start "$@" ;;
link-package) do_link_package "$@" ;;
*)
	sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}" >&2
	exit 2
	;;
esac
