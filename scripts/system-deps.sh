#!/usr/bin/env bash
# Installs the Debian packages the pipeline needs, only those that are missing.
# WeasyPrint (PDF) needs pango and harfbuzz; fonts-dejavu gives the reports a font with
# Italian accents on a bare machine; poppler-utils lets the tests read the PDFs as a reader
# would (pdftotext, pdftoppm); chromium opens the pages as a reader would and runs axe-core
# in them (accessibility), which npm installs (Debian's npm only when the machine has no npm:
# a Node.js installed otherwise brings its own). Extra packages can be asked for with EXTRA_DEB.
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils
          chromium ${EXTRA_DEB:-})
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
