#!/usr/bin/env bash
# Builds McpGuard from this clone and installs `mcpguard` for this user (docs/install.md).
#
#   ./install.sh            the native tool (Native AOT, starts in milliseconds; the compile takes a few minutes)
#   ./install.sh --quick    a framework-dependent build (about a minute; needs the .NET 10 runtime to run)
#   ./install.sh --feed DIR install the packages already packed into DIR (what .ci/run packs) instead of packing
#
# Everything goes under $MCPGUARD_HOME (default ~/.mcpguard, mode 0700): the tool in bin/, the quick build in
# app/. Nothing is left in the clone: the package feed and its nuget.config live in a temporary folder.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
home="${MCPGUARD_HOME:-$HOME/.mcpguard}"
bin="$home/bin"
quick=false
feed="${MCPGUARD_FEED:-}"

usage() { sed -n '2,9s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=true ;;
    --feed)
      [ $# -ge 2 ] || { echo "install.sh: --feed needs a folder" >&2; exit 2; }
      [ -d "$2" ] || { echo "install.sh: --feed $2: no such folder (pack into it first: docs/install.md)" >&2; exit 2; }
      feed="$2"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown option '$1' (--quick, --feed DIR, --help)" >&2; exit 2 ;;
  esac
  shift
done

command -v dotnet >/dev/null 2>&1 || {
  echo "install.sh: 'dotnet' not found: install the .NET 10 SDK (https://dot.net/download) and run this again." >&2
  exit 1
}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# The desk's secret, the counters and the audit log live here: this user only, whoever created the folder.
umask 077
mkdir -p "$bin"
chmod 700 "$home"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if $quick; then
  echo "Building the framework-dependent mcpguard (about a minute)..."
  dotnet tool uninstall --tool-path "$bin" McpGuard >/dev/null 2>&1 || true
  rm -rf "$home/app"
  dotnet publish "$repo/src/McpGuard" -c Release -p:PublishAot=false -o "$home/app" -v q -nologo -clp:ErrorsOnly
  ln -sfn "$home/app/mcpguard" "$bin/mcpguard"
else
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) rid=linux-x64 ;;
    *) rid="" ;;
  esac
  if [ -z "$rid" ]; then
    echo "install.sh: no native build for $(uname -s) $(uname -m) yet; installing the framework-dependent one (--quick)." >&2
    exec "${BASH_SOURCE[0]}" --quick
  fi

  if [ -z "$feed" ]; then
    feed="$work/feed"
    echo "Packing McpGuard: the Native AOT compile takes 3-6 minutes and prints nothing until it is done..."
    dotnet pack "$repo/src/McpGuard" -c Release -o "$feed" -v q -nologo -clp:ErrorsOnly
    dotnet pack "$repo/src/McpGuard" -c Release -r "$rid" -o "$feed" -v q -nologo -clp:ErrorsOnly
  fi
  feed="$(cd "$feed" && pwd)"

  # A nuget.config that clears every other source: --add-source alone still asks nuget.org (docs/install.md).
  printf '<configuration><packageSources><clear /><add key="local" value="%s" /></packageSources></configuration>\n' \
    "$feed" > "$work/nuget.config"
  rm -rf "$home/app"
  [ -L "$bin/mcpguard" ] && [ ! -d "$bin/.store/mcpguard" ] && rm -f "$bin/mcpguard"
  dotnet tool uninstall --tool-path "$bin" McpGuard >/dev/null 2>&1 || true
  # A package cache of its own: a rebuilt package keeps its version, and the user's cache would hand back the old one.
  NUGET_PACKAGES="$work/packages" dotnet tool install --tool-path "$bin" --configfile "$work/nuget.config" McpGuard \
    >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; exit 1; }
fi

"$bin/mcpguard" --version >/dev/null || { echo "install.sh: the installed $bin/mcpguard does not run." >&2; exit 1; }
echo "Installed $bin/mcpguard ($("$bin/mcpguard" --version))."

# On PATH: already, or through a personal bin folder that is on PATH, or the one line to add.
found="$(command -v mcpguard || true)"
if [ -n "$found" ] && [ "$(readlink -f "$found")" = "$(readlink -f "$bin/mcpguard")" ]; then
  echo "mcpguard is on your PATH ($found)."
  exit 0
fi
for dir in "$HOME/.local/bin" "$HOME/bin"; do
  case ":$PATH:" in
    *":$dir:"*)
      if [ -d "$dir" ] && [ -w "$dir" ] && { [ ! -e "$dir/mcpguard" ] || [ -L "$dir/mcpguard" ]; }; then
        ln -sfn "$bin/mcpguard" "$dir/mcpguard"
        echo "mcpguard is on your PATH: $dir/mcpguard -> $bin/mcpguard"
        exit 0
      fi ;;
  esac
done
echo "To put mcpguard on your PATH, add this line to ~/.profile (or your shell's rc file) and open a new shell:"
echo "export PATH=\"$bin:\$PATH\""
