# SPDX-License-Identifier: GPL-2.0
# vs_kver SERIES|RELEASE: the installed Debian kernel release to use, e.g.
# "6.1" -> "6.1.0-56-amd64", "6.12" -> "6.12.117+deb12-amd64".
vs_kver() {
	local want=$1 k
	if [ -e "/boot/vmlinuz-$want" ]; then
		echo "$want"
		return 0
	fi
	k=$(cd /boot 2>/dev/null && ls -d vmlinuz-"$want".*-amd64 2>/dev/null |
		sed 's/^vmlinuz-//' | sort -V | tail -n 1)
	if [ -z "$k" ]; then
		echo "no installed kernel matches '$want' (run scripts/setup)" >&2
		return 1
	fi
	echo "$k"
}

# vs_debug_dir: where scripts/debug-kernel keeps (or will keep) the debug
# kernel, named by what it is built from.
vs_debug_dir() {
	local top key
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	key=$({
		cat "$top/scripts/debug-kernel.d/debug.config"
		sed -n 's/^recipe=//p' "$top/scripts/debug-kernel"
		dpkg-query -W -f='${Version}\n' linux-source-6.1 2>/dev/null
		gcc --version | head -n 1
	} | sha256sum | cut -c1-12)
	echo "${VS_DEBUG_CACHE:-/var/cache/vs-debug-kernel}/6.1-$key"
}
