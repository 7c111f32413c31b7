#!/bin/sh
# Install 公开表工作台 for the current user (no root needed), from the unpacked tarball:
#   ./install.sh            installs into ~/.local/opt/gongkai, adds the menu entry and the `gongkai` command
#   ./install.sh --remove   removes them again (documents are never touched)
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
PREFIX="${PREFIX:-$HOME/.local}"
DEST="$PREFIX/opt/gongkai"
APPS="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
ICONS="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/256x256/apps"
MIME="${XDG_DATA_HOME:-$HOME/.local/share}/mime"

if [ "${1:-}" = "--remove" ]; then
    rm -rf "$DEST" "$PREFIX/bin/gongkai" "$APPS/gongkai.desktop" "$ICONS/gongkai.png" "$MIME/packages/gongkai.xml" \
        "${XDG_CACHE_HOME:-$HOME/.cache}/gongkai"
    command -v update-mime-database >/dev/null && update-mime-database "$MIME" || true
    command -v update-desktop-database >/dev/null && update-desktop-database "$APPS" || true
    echo "已卸载公开表工作台（文档未被改动）。"
    exit 0
fi

mkdir -p "$PREFIX/opt" "$PREFIX/bin" "$APPS" "$ICONS" "$MIME/packages"
rm -rf "$DEST"
cp -a "$HERE/gongkai" "$DEST"
cp "$HERE/gongkai-launch" "$DEST/gongkai-launch"
ln -sf "$DEST/gongkai" "$PREFIX/bin/gongkai"
sed "s|^Exec=gongkai-launch|Exec=$DEST/gongkai-launch|; s|^TryExec=gongkai-launch|TryExec=$DEST/gongkai-launch|" \
    "$HERE/gongkai.desktop" > "$APPS/gongkai.desktop"
cp "$HERE/gongkai.png" "$ICONS/gongkai.png"
cat > "$MIME/packages/gongkai.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<mime-info xmlns="http://www.freedesktop.org/standards/shared-mime-info">
  <mime-type type="application/x-gongkai-document">
    <comment>公开表工作台文档</comment>
    <glob pattern="*.gkb"/>
    <icon name="gongkai"/>
  </mime-type>
</mime-info>
XML
command -v update-mime-database >/dev/null && update-mime-database "$MIME" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$APPS" || true
echo "已安装到 $DEST；菜单中可找到“公开表工作台”，终端中可运行 gongkai。"
echo "检查安装：$DEST/gongkai --self-test"
