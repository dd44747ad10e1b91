#!/usr/bin/env bash
# Build the Linux bundle of Quầy Một Cửa from a clean virtual environment.
#
#   installers/build-linux.sh            # build (skipped when dist/ is newer than every source)
#   installers/build-linux.sh --force    # always rebuild
#
# Steps: a new venv in build/bundle-venv (removed first), the project installed into it with
# pip (not editable, no development extras), PyInstaller run on installers/counter-app.spec.
# Output:
#   dist/quay-mot-cua/                                     the one-folder application
#   dist/quay-mot-cua-<version>-linux-x86_64.tar.gz        that folder + desktop entry, icon,
#                                                          install.sh
# The version is [project].version of pyproject.toml (installers/version.py).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

PYTHON="${PYTHON:-python3}"
VERSION=$("$PYTHON" installers/version.py)
NAME=quay-mot-cua
ARCH=$(uname -m)
BUNDLE=dist/$NAME
TARBALL=dist/$NAME-$VERSION-linux-$ARCH.tar.gz
STAMP=dist/.$NAME-linux.stamp

# Everything that goes into the bundle; a change to any of them means a rebuild.
SOURCES=(pyproject.toml counter_app sync_protocol resources installers)

if [ "${1:-}" != "--force" ] && [ -f "$STAMP" ] && [ -f "$TARBALL" ] && [ -x "$BUNDLE/counter-app" ]; then
  newer=$(find "${SOURCES[@]}" -type f -newer "$STAMP" \
            -not -path '*/__pycache__/*' -not -name '*.pyc' -print -quit)
  if [ -z "$newer" ]; then
    echo "bundle $BUNDLE is up to date ($VERSION)" >&2
    exit 0
  fi
  echo "rebuilding: $newer changed" >&2
fi

# A bundle built before from exactly these sources (same bytes, whatever the checkout) is
# taken from the cache instead of being built again: a fresh clone of a commit already built on
# this machine (CI after the developer's run) skips the 1-3 minutes. BUNDLE_CACHE= turns it off.
CACHE_ROOT="${BUNDLE_CACHE-${XDG_CACHE_HOME:-$HOME/.cache}/quay-mot-cua/bundles}"
KEY=$( (uname -m; "$PYTHON" -V; find "${SOURCES[@]}" -type f -not -path '*/__pycache__/*' \
        -not -name '*.pyc' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-24)
CACHED="$CACHE_ROOT/$KEY"
if [ "${1:-}" != "--force" ] && [ -n "$CACHE_ROOT" ] && [ -f "$CACHED/done" ]; then
  mkdir -p dist
  rm -rf "$BUNDLE" "$TARBALL"
  cp -a "$CACHED/$NAME" "$BUNDLE"
  cp -a "$CACHED/$(basename "$TARBALL")" "$TARBALL"
  touch "$STAMP"
  echo "bundle $BUNDLE taken from the cache ($KEY, $VERSION)" >&2
  exit 0
fi

start=$(date +%s)
# The stamp carries the time the sources were read, so a file saved during the build still
# makes the next run rebuild.
mkdir -p dist
rm -f "$STAMP"
touch "$STAMP.new"
VENV=build/bundle-venv
rm -rf "$VENV" build/pyinstaller build/wheel-src
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
# Install from a copy of the sources so setuptools' build/ and *.egg-info never land in the
# working tree and nothing of a previous build is reused.
mkdir -p build/wheel-src
cp -r pyproject.toml README.md counter_app sync_protocol build/wheel-src/
find build/wheel-src -name __pycache__ -prune -exec rm -rf {} +
"$VENV/bin/python" -m pip install -q ./build/wheel-src "pyinstaller>=6.10" \
  2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
# The bundle must be made from the installed package, never from this checkout.
where=$(cd build && "$ROOT/$VENV/bin/python" -c 'import counter_app; print(counter_app.__file__)')
case "$where" in
  "$ROOT/$VENV"/*) ;;
  *) echo "counter_app comes from $where, not from the clean venv" >&2; exit 1 ;;
esac

rm -rf "$BUNDLE"
(cd build && "$ROOT/$VENV/bin/pyinstaller" --noconfirm --log-level WARN \
   --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" "$ROOT/installers/counter-app.spec")

# The .tar.gz: quay-mot-cua-<version>/ holding the application, the desktop entry, the icon and
# an installer script for the current user.
STAGE=build/tar/$NAME-$VERSION
rm -rf build/tar
mkdir -p "$STAGE"
cp -a "$BUNDLE" "$STAGE/$NAME"
cp installers/linux/$NAME.desktop installers/icons/$NAME.png "$STAGE/"
cp installers/linux/install.sh "$STAGE/"
chmod +x "$STAGE/install.sh"
tar -C build/tar -czf "$TARBALL" "$NAME-$VERSION"
rm -rf build/tar
mv "$STAMP.new" "$STAMP"
if [ -n "$CACHE_ROOT" ]; then  # keep this build and the one before it
  rm -rf "$CACHED.tmp" && mkdir -p "$CACHED.tmp"
  cp -a "$BUNDLE" "$CACHED.tmp/$NAME" && cp -a "$TARBALL" "$CACHED.tmp/"
  touch "$CACHED.tmp/done" && rm -rf "$CACHED" && mv "$CACHED.tmp" "$CACHED"
  find "$CACHE_ROOT" -mindepth 1 -maxdepth 1 -type d -not -name "$KEY" -printf '%T@ %p\n' \
    | sort -rn | tail -n +2 | cut -d' ' -f2- | xargs -r rm -rf
fi
echo "built $BUNDLE and $TARBALL in $(( $(date +%s) - start )) s" >&2
