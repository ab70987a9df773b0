#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The web panel in a real browser, on the host (vsd --no-kernel): Debian's
# headless chromium, driven by playwright-core (selftests/web, installed by
# scripts/setup), logs in, adds a virtual server and a real server through
# the panel's forms, has a bad value refused with the parser's message,
# and sees the new server in CONTROL/MONITORING; then the same for an
# IPv6 virtual server (an IPv4 real server refused in it). The screenshot is kept as
# build/artifacts/panel.png.
#
#   chromium ──HTTP──> vsd 127.0.0.1:PORT (web panel) ──> in-memory table
. "$(dirname "$0")/lib.sh"
require_cmd node python3
[ -x /usr/bin/chromium ] || { skip "no /usr/bin/chromium (scripts/setup installs it)"; finish; }
[ -d "$VS_TOP/selftests/web/node_modules/playwright-core" ] ||
	{ skip "no playwright-core in selftests/web (scripts/setup runs npm ci)"; finish; }

vsd=$VS_TOP/build/bin/vsd
[ -x "$vsd" ] || make -s -C "$VS_TOP/user" > /dev/null 2>&1 || die "build vsd"
tmp=$(mktemp -d)
defer "rm -rf $tmp"
art=$VS_TOP/build/artifacts
mkdir -p "$art"
rm -f "$art/panel.png"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$tmp/vsd.conf" << EOF
serial_no = 1
web_port = $port
web_passwd_file = $tmp/passwd
virtual web {
	address = 10.1.1.1
	port = 80
	check_type = none
	server a {
		address = 10.2.2.1
	}
}
EOF
printf 'browser test\n' | "$vsd" -f "$tmp/vsd.conf" passwd admin > /dev/null ||
	die "vsd passwd"
"$vsd" -d --no-kernel -f "$tmp/vsd.conf" -s "$tmp/sock" -p "$tmp/pid" > "$tmp/log" 2>&1 &
vpid=$!
defer "kill $vpid 2> /dev/null"
check "vsd starts with the panel" busywait 5000 "$vsd" -s "$tmp/sock" status || finish

mkdir "$tmp/profile"
out=$(cd "$VS_TOP/selftests/web" &&
	VSD_URL="http://127.0.0.1:$port/" VSD_USER=admin VSD_PASSWORD="browser test" \
	SCREENSHOT="$art/panel.png" PROFILE="$tmp/profile" \
	timeout 240 node panel_test.js 2>&1)
while IFS= read -r line; do
	case $line in
	PASS\ *) ok "${line#PASS }" ;;
	FAIL\ *) fail "${line#FAIL }" ;;
	*) log "$line" ;;
	esac
done <<< "$out"
check "the browser's steps all ran" grep -q '^PASS no script error' <<< "$out"
check "the screenshot is in build/artifacts/panel.png" test -s "$art/panel.png"
check_eq "what the browser saved is in the file (serial_no 7)" "serial_no = 7" \
	"$(grep '^serial_no' "$tmp/vsd.conf")"
status=$("$vsd" -s "$tmp/sock" status)
check "and vsd runs it" grep -q "^  s1 .*10.2.2.7:443 .*up" <<< "$status"
check "the IPv6 server too" grep -q "^  s6 .*\[2001:db8::7\]:443 .*up" <<< "$status"
finish
