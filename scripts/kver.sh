# SPDX-License-Identifier: GPL-2.0
# vs_kver SERIES|RELEASE|debug: the installed Debian kernel release to use,
# e.g. "6.1" -> "6.1.0-56-amd64", "6.12" -> "6.12.117+deb12-amd64"; "debug"
# is the kernel of scripts/debug-kernel.
vs_kver() {
	local want=$1 k dir
	if [ "$want" = debug ]; then
		dir=$(vs_debug_dir)
		if [ ! -e "$dir/done" ]; then
			echo "the debug kernel is not built (scripts/debug-kernel)" >&2
			return 1
		fi
		cat "$dir/release"
		return 0
	fi
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

# vs_kernel_files RELEASE: "VMLINUZ MODULES_DIR" of a kernel release: a
# Debian kernel's from /boot and /lib/modules, the debug kernel's from its
# build directory.
vs_kernel_files() {
	local kver=$1 dir
	if [ -e "/boot/vmlinuz-$kver" ]; then
		echo "/boot/vmlinuz-$kver /lib/modules/$kver"
		return 0
	fi
	dir=$(vs_debug_dir)
	if [ -e "$dir/done" ] && [ "$(cat "$dir/release")" = "$kver" ]; then
		echo "$dir/vmlinuz $dir/modules/lib/modules/$kver"
		return 0
	fi
	echo "no kernel $kver (neither Debian's nor scripts/debug-kernel's)" >&2
	return 1
}
