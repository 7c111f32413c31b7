#!/usr/bin/env bash
# Build the Linux one-folder bundle and its tarball, then run the bundle's self-test offscreen.
#
#   bash packaging/build-linux.sh
#
# Creates its own build environment (build/venv) from a clean clone: Python 3.11+ and network access to
# PyPI are all it needs. Output:
#   dist/gongkai/                                  the bundle (run dist/gongkai/gongkai)
#   dist/gongkai-VERSION-linux-ARCH.tar.gz         the bundle + install.sh + gongkai.desktop + icon
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
PYTHON="${PYTHON:-python3}"
VENV="$ROOT/build/venv"
start=$(date +%s)

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/pip" install -q --upgrade pip
"$VENV/bin/pip" install -q "$ROOT" "pyinstaller>=6.5"

rm -rf "$ROOT/dist/gongkai"
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" "$ROOT/packaging/gongkai.spec"

VERSION="$("$VENV/bin/python" -c 'import desktop; print(desktop.__version__)')"
ARCH="$(uname -m)"
NAME="gongkai-$VERSION-linux-$ARCH"
STAGE="$ROOT/build/$NAME"
rm -rf "$STAGE"
mkdir -p "$STAGE"
cp -a "$ROOT/dist/gongkai" "$STAGE/gongkai"
cp "$ROOT/packaging/linux/gongkai.desktop" "$ROOT/packaging/linux/install.sh" "$ROOT/packaging/linux/gongkai-launch" "$ROOT/resources/icons/gongkai.png" "$STAGE/"
chmod +x "$STAGE/install.sh" "$STAGE/gongkai-launch"
tar -C "$ROOT/build" -czf "$ROOT/dist/$NAME.tar.gz" "$NAME"

echo "== self-test of the bundle (offscreen)"
QT_QPA_PLATFORM=offscreen "$ROOT/dist/gongkai/gongkai" --self-test

end=$(date +%s)
echo "bundle:  $ROOT/dist/gongkai ($(du -sh "$ROOT/dist/gongkai" | cut -f1))"
echo "tarball: $ROOT/dist/$NAME.tar.gz ($(du -sh "$ROOT/dist/$NAME.tar.gz" | cut -f1))"
echo "build time: $((end - start)) s"
