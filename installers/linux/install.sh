#!/bin/sh
# Install Quầy Một Cửa for the current user from the unpacked .tar.gz:
#   ./install.sh            -> ~/.local/opt/quay-mot-cua, ~/.local/bin/counter-app, menu entry
#   ./install.sh --remove   -> removes those again
# The station's data (~/.local/share/quay-mot-cua) and the ledger mirror
# (~/.config/quay-mot-cua) are never touched, neither by an upgrade nor by --remove.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
name=quay-mot-cua
prefix="${PREFIX:-$HOME/.local}"
data_home="${XDG_DATA_HOME:-$HOME/.local/share}"
app_dir="$prefix/opt/$name"
bin_link="$prefix/bin/counter-app"
desktop="$data_home/applications/$name.desktop"
icon="$data_home/icons/hicolor/256x256/apps/$name.png"

if [ "${1:-}" = "--remove" ]; then
  rm -rf "$app_dir"
  rm -f "$bin_link" "$desktop" "$icon"
  echo "Đã gỡ $name (dữ liệu của quầy được giữ nguyên)."
  exit 0
fi

# An upgrade replaces the program folder as a whole, so no old library is left behind.
rm -rf "$app_dir.new"
mkdir -p "$prefix/opt" "$prefix/bin" "$(dirname "$desktop")" "$(dirname "$icon")"
cp -a "$here/$name" "$app_dir.new"
rm -rf "$app_dir"
mv "$app_dir.new" "$app_dir"
ln -sf "$app_dir/counter-app" "$bin_link"
cp "$here/$name.png" "$icon"
sed -e "s|^Exec=.*|Exec=$app_dir/counter-app|" -e "s|^TryExec=.*|TryExec=$app_dir/counter-app|" \
  -e "s|^Icon=.*|Icon=$icon|" "$here/$name.desktop" > "$desktop"
chmod 644 "$desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$(dirname "$desktop")" || true
echo "Đã cài $name vào $app_dir; lệnh: $bin_link"
