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
