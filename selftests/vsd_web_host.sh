#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The web panel's API on the host (vsd --no-kernel, nothing touches this
# host's kernel), over real HTTP from real local addresses:
#
#   127.0.0.1 (allowed) ──┐
#   127.0.0.3-5 (allowed) ┼──> vsd web_listen 127.0.0.1:PORT, web_allow 127.0.0.1 127.0.0.3-5
#   127.0.0.2 (refused) ──┘
#
# `vsd passwd` stores a slow salted hash in a 0600 file; every page is
# behind the allow list; the API needs a session; a wrong password is
# refused and repeated failures are rate-limited (even the right password
# then waits); a change without the CSRF token, with a wrong one or from
# another origin is refused; a read-only user cannot change; a bad value
# is refused with the parser's own file:line message and the file is left
# alone; a good change is written atomically (new inode renamed over, the
# old one kept as .bak), its serial_no bumped and applied (vsd status shows
# it); a stale serial or a file changed on disk is not overwritten; a
# password change ends sessions; logout ends them, a read-only user's
# too; a password file not root's is refused; the limit on logins from
# all addresses says so; a second vsd cannot share the panel's port; a
# panel added by a reload waits for a restart and says so; TLS marks the
# cookie Secure; a tunnel_source reaches the table and leaves it.
. "$(dirname "$0")/lib.sh"
require_cmd python3 openssl curl

vsd=$VS_TOP/build/bin/vsd
client="python3 $VS_TOP/selftests/vsd_web_client.py"
[ -x "$vsd" ] || make -s -C "$VS_TOP/user" > /dev/null 2>&1 || die "build vsd"
tmp=$(mktemp -d)
defer "rm -rf $tmp"

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# jget EXPR: a Python expression on the JSON of stdin (as j).
jget() {
	python3 -c "import json, sys; j = json.load(sys.stdin); print($1)"
}

# req [client options] METHOD PATH [BODY]: "STATUS\nBODY" from $url
req() {
	$client "$@" 2>&1
}

# The status line alone, and the body alone.
status_of() { head -1 <<< "$1"; }
body_of() { tail -n +2 <<< "$1"; }

port=$(free_port)
url=http://127.0.0.1:$port
conf=$tmp/vsd.conf
cat > "$conf" << EOF
# A hand-written file, with a comment.
serial_no = 1
web_port = $port
web_listen = 127.0.0.1
web_allow = 127.0.0.1 127.0.0.3 127.0.0.4 127.0.0.5
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

# ---------------------------------------------------------------- passwd
out=$(printf 'short\n' | "$vsd" -f "$conf" passwd admin 2>&1)
check_eq "vsd passwd refuses a short password" \
	"1 vsd: a password needs at least 8 characters" "$? $out"
check "and writes nothing" test ! -e "$tmp/passwd"
printf 'correct horse\n' | "$vsd" -f "$conf" passwd admin > /dev/null
printf 'just looking\n' | "$vsd" -f "$conf" passwd viewer --role read > /dev/null
check_eq "the password file is root's alone (0600)" "600" "$(stat -c %a "$tmp/passwd")"
check "it holds crypt(3) hashes ($(cut -d'$' -f2 "$tmp/passwd" | head -1)), not the passwords" \
	sh -c "grep -q '^admin:admin:\\\$y\\\$' '$tmp/passwd' && grep -q '^viewer:read:\\\$y\\\$' '$tmp/passwd' && ! grep -q 'horse\\|looking' '$tmp/passwd'"
h1=$(grep '^admin:' "$tmp/passwd")
printf 'correct horse\n' | "$vsd" -f "$conf" passwd admin > /dev/null
check "the same password again gets a new salt" test "$h1" != "$(grep '^admin:' "$tmp/passwd")"
out=$(printf 'whatever12\n' | "$vsd" -f "$conf" passwd 'bad:user' 2>&1)
check_eq "a bad user name is refused" \
	"1 vsd: bad user name 'bad:user' (expected 1 to 63 letters, digits, '_', '-' or '.')" "$? $out"
ino=$(stat -c %i "$tmp/passwd")
cp "$tmp/passwd" "$tmp/passwd.before"
out=$("$vsd" -f "$conf" passwd nobody --delete 2>&1)
check_eq "deleting a user that does not exist fails" \
	"1 vsd: no user 'nobody' in $tmp/passwd" "$? $out"
check "and leaves the file alone (same inode, same text)" \
	sh -c "test $ino = \$(stat -c %i '$tmp/passwd') && cmp -s '$tmp/passwd.before' '$tmp/passwd'"
out=$(printf '%0255d\n' 0 | "$vsd" -f "$conf" passwd long 2>&1)
check_eq "a password of 255 bytes is refused, not cut" \
	"1 vsd: a password can have at most 254 bytes" "$? $out"
out=$(printf '%0300d' 0 | "$vsd" -f "$conf" passwd long 2>&1)
check_eq "one of 300 without a newline too" "1 vsd: a password can have at most 254 bytes" "$? $out"
check "and no user is set" cmp -s "$tmp/passwd.before" "$tmp/passwd"
out=$(printf '%0254d\n' 0 | "$vsd" -f "$conf" passwd long 2>&1)
check_eq "254 bytes are a password" "0 $tmp/passwd: set long" "$? $out"
out=$("$vsd" -f "$conf" passwd long --delete 2>&1)
check_eq "deleting a user that exists" "0 $tmp/passwd: removed long" "$? $out"
check "leaves the others" cmp -s "$tmp/passwd.before" "$tmp/passwd"

# ---------------------------------------------------------------- start
"$vsd" -d --no-kernel -f "$conf" -s "$tmp/sock" -p "$tmp/pid" > "$tmp/log" 2>&1 &
vpid=$!
defer "kill $vpid 2> /dev/null"
check "vsd starts with the panel" busywait 5000 "$vsd" -s "$tmp/sock" status
check "and logs where it serves" grep -q "web: panel on http://127.0.0.1:$port/" "$tmp/log"
# No SO_REUSEPORT: the kernel would split the connections between the two.
out=$("$vsd" --no-kernel -f "$conf" -s "$tmp/sock3" -p "$tmp/pid3" 2>&1)
check_eq "a second vsd on the same web port does not start, and says why" \
	"1 vsd: web panel: cannot listen on 127.0.0.1:$port: Address already in use" "$? $out"
"$vsd" -s "$tmp/sock3" status > /dev/null 2>&1 && kill "$(cat "$tmp/pid3")"
check "the first one still serves" grep -q '<title>' <<< "$(req "$url" GET /)"

# ---------------------------------------------------------------- allow list
# web_allow is applied when the connection is accepted: an address outside
# it is closed before a byte is read, and holds no connection slot.
for path in / /help /panel.js /api/session; do
	out=$(req --src 127.0.0.2 "$url" GET "$path" 2>&1)
	check "127.0.0.2 (not in web_allow) gets no answer for $path" \
		grep -qE "ConnectionResetError|RemoteDisconnected" <<< "$out"
done
out=$(req --src 127.0.0.2 "$url" POST /api/login '{"user":"admin","password":"correct horse"}' 2>&1)
check "and cannot even try a login" grep -qE "ConnectionResetError|RemoteDisconnected|BrokenPipeError" <<< "$out"
# 80 idle connections from 8 outside addresses (the panel has 64 slots,
# 16 per address) do not keep 127.0.0.1 out.
python3 - "$port" > "$tmp/holders" 2>&1 <<'PY' &
import socket, sys, time
held = []
for i in range(80):
    s = socket.socket()
    s.bind(("127.0.0.%d" % (10 + i % 8), 0))
    try:
        s.connect(("127.0.0.1", int(sys.argv[1])))
        held.append(s)
    except OSError:
        pass
print("connected", len(held), flush=True)
time.sleep(20)
PY
holders=$!
defer "kill $holders 2> /dev/null"
busywait 5000 grep -q connected "$tmp/holders"
check_eq "with 80 outside connections open, 127.0.0.1 still gets the panel" 200 \
	"$(status_of "$(req "$url" GET /help)")"
kill $holders 2> /dev/null
out=$(req "$url" GET /)
check "127.0.0.1 gets the panel" grep -q '<title>vsd - LVS director</title>' <<< "$out"
check_eq "the help page too" 200 "$(status_of "$(req "$url" GET /help)")"

# ---------------------------------------------------------------- auth
for p in status table history config session; do
	check_eq "GET /api/$p without a session: 401" 401 "$(status_of "$(req "$url" GET /api/$p)")"
done
out=$(req "$url" POST /api/config '{"serial":1,"ops":[]}')
check_eq "POST /api/config without a session: 401" 401 "$(status_of "$out")"
out=$(req --jar "$tmp/bad" "$url" POST /api/login '{"user":"admin","password":"wrong horse"}')
check_eq "a wrong password is refused" \
	'401 {"error":"wrong user name or password"}' "$(tr '\n' ' ' <<< "$out" | sed 's/ $//')"
out=$(req "$url" POST /api/login '{"user":"nobody","password":"correct horse"}')
check_eq "an unknown user gets the same answer" 401 "$(status_of "$out")"
# A user name with a newline must not forge a log line.
req "$url" POST /api/login '{"user":"mallory\n12:00:00.000 vsd: notice: web: admin (admin) logged in","password":"x"}' > /dev/null
check "a newline in a user name cannot forge a log line" \
	sh -c "! grep -q '^12:00:00.000 vsd: notice' $tmp/log"
check "it is logged escaped, on the one line" \
	grep -q "login of 'mallory\\\\x0a12:00:00.000 vsd: notice" "$tmp/log"
python3 -c 'print("{\"user\":\"admin\",\"password\":\"" + "x" * 1100 + "\"}")' > "$tmp/long-login.json"
out=$(req --body-file "$tmp/long-login.json" "$url" POST /api/login)
check_eq "a login body over 1 KB is not read: 413" \
	"413 the request body is larger than 1024 bytes" \
	"$(status_of "$out") $(body_of "$out" | jget 'j["error"]')"
out=$(req --type text/plain "$url" POST /api/login '{"user":"admin","password":"correct horse"}')
check_eq "a login that is not JSON (a cross-site form) is refused" 415 "$(status_of "$out")"

# Rate limit, from 127.0.0.3: five failures (five user names), then even
# the right password waits.
codes=""
for i in 1 2 3 4 5; do
	codes="$codes $(status_of "$(req --src 127.0.0.3 "$url" POST /api/login '{"user":"guest'$i'","password":"guess"}')")"
done
check_eq "five wrong passwords from 127.0.0.3: five 401" " 401 401 401 401 401" "$codes"
out=$(req --src 127.0.0.3 --header Retry-After "$url" POST /api/login '{"user":"admin","password":"correct horse"}')
check_eq "the sixth try, right password and all, is held back: 429" 429 "$(status_of "$out")"
check "with a Retry-After of some seconds" test "$(body_of "$out")" -ge 1
out=$(req --src 127.0.0.3 "$url" POST /api/login '{"user":"admin","password":"correct horse"}')
check "saying the address failed too often" \
	grep -q '^{"error":"too many failed logins from 127.0.0.3: try again in [0-9]* s","retry_after":[0-9]*}$' <<< "$(body_of "$out")"
check "and the log names the address" grep -q "a login from 127.0.0.3 refused: too many failed logins" "$tmp/log"
out=$(req --src 127.0.0.3 "$url" POST /api/login '{"user":')
check_eq "held back before its body is parsed: bad JSON gets 429 too" 429 "$(status_of "$out")"
# Per user name too: guesses for one name spread over addresses.
codes=""
for src in 127.0.0.4 127.0.0.4 127.0.0.5 127.0.0.5; do
	codes="$codes $(status_of "$(req --src $src "$url" POST /api/login '{"user":"carol","password":"guess"}')")"
done
check_eq "three wrong passwords for carol from two addresses, then 429" \
	" 401 401 401 429" "$codes"
out=$(req --src 127.0.0.5 "$url" POST /api/login '{"user":"carol","password":"guess"}')
check "saying the user name failed too often" \
	grep -q '^{"error":"too many failed logins as carol: try again in [0-9]* s","retry_after":[0-9]*}$' <<< "$(body_of "$out")"
check_eq "another user from that address is not held back: 200" 200 \
	"$(status_of "$(req --src 127.0.0.5 "$url" POST /api/login '{"user":"admin","password":"correct horse"}')")"
out=$(req --jar "$tmp/jar" --header Set-Cookie "$url" POST /api/login '{"user":"admin","password":"correct horse"}')
check_eq "127.0.0.1 is not held back by 127.0.0.3's failures: 200" 200 "$(status_of "$out")"
cookie=$(body_of "$out")
check "the session cookie is HttpOnly and SameSite=Strict" \
	grep -q '^vsd_session=[0-9a-f]\{64\}; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200$' <<< "$cookie"
out=$(req --jar "$tmp/jar" "$url" GET /api/session)
check_eq "the session knows its user and role" "200 admin admin" \
	"$(status_of "$out") $(body_of "$out" | jget 'j["user"], j["role"]' | tr -d "(),'")"
# The Cookie header is parsed: only a cookie named vsd_session counts.
token=$(sed 's/^vsd_session=\([0-9a-f]*\);.*/\1/' <<< "$cookie")
got=""
for c in "lang=en; vsd_session=$token" "xvsd_session=$token" "lang=vsd_session=$token"; do
	python3 -c 'import json, sys; json.dump({"cookie": sys.argv[1]}, open(sys.argv[2], "w"))' \
		"$c" "$tmp/cjar"
	got+="$(status_of "$(req --jar "$tmp/cjar" "$url" GET /api/session)") "
done
check_eq "vsd_session among other cookies: 200; xvsd_session, or inside another's value: 401" \
	"200 401 401 " "$got"
out=$(req --jar "$tmp/jar" "$url" GET /api/login)
check_eq "GET /api/login, logged in: 405" \
	'405 {"error":"method GET not allowed (POST /api/login)"}' "$(tr '\n' ' ' <<< "$out" | sed 's/ $//')"
out=$(req "$url" GET /api/login)
check_eq "and not logged in" \
	'405 {"error":"method GET not allowed (POST /api/login)"}' "$(tr '\n' ' ' <<< "$out" | sed 's/ $//')"
out=$(req --jar "$tmp/jar" --csrf "$url" POST /api/status '{}')
check_eq "a route of the other method: 405" \
	'405 {"error":"method POST not allowed (GET /api/status)"}' "$(tr '\n' ' ' <<< "$out" | sed 's/ $//')"

# ---------------------------------------------------------------- CSRF
sum() { sha256sum "$conf" | cut -d' ' -f1; }
before=$(sum)
edit='{"serial":1,"ops":[{"op":"set","virtual":"web","keys":{"port":"8080"}}]}'
out=$(req --jar "$tmp/jar" "$url" POST /api/config "$edit")
check_eq "a change without the CSRF token is refused" 403 "$(status_of "$out")"
out=$(req --jar "$tmp/jar" --token "$(printf '%064d' 0)" "$url" POST /api/config "$edit")
check_eq "a change with a wrong token is refused" 403 "$(status_of "$out")"
out=$(req --jar "$tmp/jar" --csrf --origin http://evil.example "$url" POST /api/config "$edit")
check_eq "a change from another origin is refused, token or not" 403 "$(status_of "$out")"
out=$(req --jar "$tmp/jar" --csrf --origin http://evil.example "$url" POST /api/logout '{}')
check_eq "logout too (it changes state)" 403 "$(status_of "$out")"
check_eq "the file was not touched" "$before" "$(sum)"

# ---------------------------------------------------------------- read-only
req --jar "$tmp/vjar" "$url" POST /api/login '{"user":"viewer","password":"just looking"}' > /dev/null
check_eq "a read-only user may look" 200 "$(status_of "$(req --jar "$tmp/vjar" "$url" GET /api/config)")"
out=$(req --jar "$tmp/vjar" --csrf "$url" POST /api/config "$edit")
check_eq "but not change" 403 "$(status_of "$out")"
check_eq "nor reload" 403 "$(status_of "$(req --jar "$tmp/vjar" --csrf "$url" POST /api/reload '{}')")"
req --jar "$tmp/vjar2" "$url" POST /api/login '{"user":"viewer","password":"just looking"}' > /dev/null
out=$(req --jar "$tmp/vjar2" "$url" POST /api/logout '{}')
check_eq "a read-only user's logout needs the CSRF token" 403 "$(status_of "$out")"
out=$(req --jar "$tmp/vjar2" --csrf "$url" POST /api/logout '{}')
check_eq "with it, a read-only user logs out" '200 {"ok":true}' "$(tr '\n' ' ' <<< "$out" | sed 's/ $//')"
check_eq "which ends its session" 401 "$(status_of "$(req --jar "$tmp/vjar2" "$url" GET /api/session)")"

# ---------------------------------------------------------------- saving
# Hand edited, not reloaded: the panel must not overwrite it.
cp "$conf" "$tmp/orig"
sed -i 's/^serial_no = 1$/serial_no = 1\ntcp_timeout = 600/' "$conf"
out=$(req --jar "$tmp/jar" --csrf "$url" POST /api/config "$edit")
check_eq "a file changed on disk and not reloaded is not overwritten: 409" 409 "$(status_of "$out")"
check "saying so" grep -q "was changed on disk (serial_no 1) since vsd loaded it" <<< "$out"
cp "$tmp/orig" "$conf"

ino=$(stat -c %i "$conf")
out=$(req --jar "$tmp/jar" --csrf "$url" POST /api/config "$edit")
check_eq "a good change is saved" "200 True 2" \
	"$(status_of "$out") $(body_of "$out" | jget 'j["ok"], j["serial"]' | tr -d "(),'")"
check_eq "serial_no went up by one in the file" "serial_no = 2" "$(grep '^serial_no' "$conf")"
check "the file was replaced by a rename (a new inode)" test "$(stat -c %i "$conf")" != "$ino"
check_eq "the old file is kept as vsd.conf.bak (its inode)" "$ino" "$(stat -c %i "$conf.bak")"
check "vsd.conf.bak is the hand-written file" cmp -s "$tmp/orig" "$conf.bak"
check "no temporary file is left" sh -c "! ls '$tmp'/vsd.conf.tmp.* 2> /dev/null"
check "vsd -t accepts what was written" "$vsd" -t -f "$conf"
json=$("$vsd" -s "$tmp/sock" status --json)
check_eq "and it is applied: vsd status shows serial 2 and the new port" "2 TCP 10.1.1.1:8080" \
	"$(jget 'j["serial"], j["virtuals"][0]["service"]' <<< "$json" | tr -d "(),'")"

# A bad value: the parser's message, nothing written.
before=$(sum)
bad='{"serial":2,"ops":[{"op":"set","virtual":"web","keys":{"port":"99999"}}]}'
out=$(req --jar "$tmp/jar" --csrf "$url" POST /api/config "$bad")
msg=$(body_of "$out" | jget 'j["error"]')
# vsd -t on the same text gives the same message: the file with the edit.
sed 's/^\tport = 8080$/\tport = 99999/; s/^serial_no = 2$/serial_no = 3/' "$conf" > "$tmp/t.conf"
want=$("$vsd" -t -f "$tmp/t.conf" 2>&1)
check_eq "a bad port is refused (400)" 400 "$(status_of "$out")"
check_eq "with the message vsd -t gives, file and line" "${want#"$tmp/t.conf"}" "${msg#"$conf"}"
check "naming the file" grep -q "^$conf:[0-9]*: key 'port': bad value '99999' (expected a port 0..65535)$" <<< "$msg"
check_eq "and the line it would be on" "	port = 99999" \
	"$(body_of "$out" | jget 'j["context"][0]["text"]')"
check_eq "the file is untouched" "$before" "$(sum)"
check_eq "the running serial is still 2" 2 "$("$vsd" -s "$tmp/sock" status --json | jget 'j["serial"]')"
out=$(req --jar "$tmp/jar" --csrf "$url" POST /api/config \
	'{"serial":2,"ops":[{"op":"set","keys":{"network":"ipip"}}]}')
check_eq "a bad global value too" \
	"$conf:6: key 'network': bad value 'ipip' (expected nat, direct or tunnel)" \
	"$(body_of "$out" | jget 'j["error"]')"
out=$(req --jar "$tmp/jar" --csrf "$url" POST /api/config \
	'{"serial":2,"ops":[{"op":"set","virtual":"web","keys":{"send":"a\nvirtual x {"}}]}')
check "a value with a newline cannot inject lines" \
	grep -q "key 'send': bad value (control characters cannot be written" <<< "$out"
# What the panel may not change: programs, key files, its own reach.
locked() { # WHAT OP-JSON
	local out
	out=$(req --jar "$tmp/jar" --csrf "$url" POST /api/config "{\"serial\":2,\"ops\":[$2]}")
	check_eq "$1 cannot be set from the panel: 403" 403 "$(status_of "$out")"
}
locked send_program '{"op":"set","virtual":"web","keys":{"send_program":"/bin/touch '"$tmp"'/pwned"}}'
locked "send_program in a new virtual" \
	'{"op":"add","virtual":"evil","keys":{"address":"10.1.1.9","port":"80","check_type":"external","send_program":"/bin/touch '"$tmp"'/pwned"}}'
locked active_cmd '{"op":"set","keys":{"active_cmd":"/bin/touch '"$tmp"'/pwned"}}'
locked inactive_cmd '{"op":"set","keys":{"inactive_cmd":"/bin/touch '"$tmp"'/pwned"}}'
locked heartbeat_key '{"op":"set","keys":{"heartbeat_key":"/etc/shadow"}}'
locked web_allow '{"op":"set","keys":{"web_allow":"0.0.0.0/0"}}'
locked web_passwd_file '{"op":"set","keys":{"web_passwd_file":"/tmp/mine"}}'
out=$(req --jar "$tmp/jar" --csrf "$url" POST /api/config \
	'{"serial":2,"ops":[{"op":"set","virtual":"web","keys":{"send_program":"/bin/sh"}}]}')
check_eq "saying which key and why" \
	"op 1: 'send_program' cannot be changed from the panel (programs, key files and the panel's own settings are changed in the file itself)" \
	"$(body_of "$out" | jget 'j["error"]')"
sleep 3
check "no program ran" test ! -e "$tmp/pwned"
out=$(req --jar "$tmp/jar" --csrf "$url" POST /api/config '{"serial":2,"ops":[{"op":"delete","virtual":"nope"}]}')
check_eq "deleting what is not there" "400 op 1: no virtual 'nope'" \
	"$(status_of "$out") $(body_of "$out" | jget 'j["error"]')"
out=$(req --jar "$tmp/jar" --csrf "$url" POST /api/config '{"serial":2,"ops":[')
check "bad JSON is refused with its position" grep -q '^400$' <<< "$(status_of "$out")"
out=$(req --jar "$tmp/jar" --csrf "$url" POST /api/config \
	'{"serial":2,"serial":3,"ops":[]}')
check_eq "a key given twice is refused" \
	"400 bad JSON at byte 20: duplicate object key near '\"serial\"'" \
	"$(status_of "$out") $(body_of "$out" | jget 'j["error"]')"
# 255 KB of empty strings: the hand-written reader allocated the rest of
# the body for each (11 GB asked, 365 MB held, the loop stalled).
python3 -c 'import sys; sys.stdout.write("[" + ",".join([chr(34) * 2] * 85000) + "]")' > "$tmp/strings.json"
hwm() { awk '/^VmHWM/ { print $2 }' "/proc/$(cat "$tmp/pid")/status"; }
before_kb=$(hwm)
for i in 1 2 3; do
	out=$(req --jar "$tmp/jar" --csrf --body-file "$tmp/strings.json" "$url" POST /api/config)
done
check_eq "255 KB of empty strings, three times: refused as no object (400)" \
	"400 expected a JSON object" "$(status_of "$out") $(body_of "$out" | jget 'j["error"]')"
log "vsd's peak resident memory: $before_kb kB before, $(hwm) kB after"
check "and vsd's peak memory grew by less than 64 MB" test $(( $(hwm) - before_kb )) -lt 65536
check_eq "everything refused left the file alone" "$before" "$(sum)"

# Add, (de)activate, delete, as the panel does.
add='{"serial":2,"ops":[{"op":"add","virtual":"shop","keys":{"address":"10.1.1.2","port":"443","check_type":"none"}},
{"op":"add","virtual":"shop","server":"s1","keys":{"address":"10.2.2.7","weight":"3"}},
{"op":"set","virtual":"web","server":"a","keys":{"active":"0"}}]}'
out=$(req --jar "$tmp/jar" --csrf "$url" POST /api/config "$add")
check_eq "a new virtual with a real server is saved" 200 "$(status_of "$out")"
st=$("$vsd" -s "$tmp/sock" status)
check "vsd status shows it up in the table" grep -q "^  s1 .*10.2.2.7:443 .*up .*weight 3/3 (table 3)" <<< "$st"
check "and the deactivated server out of it" grep -q "^  a .*disabled .*(not in table)" <<< "$st"
out=$(req --jar "$tmp/jar" "$url" GET /api/table)
check "the API's table has it" grep -q '"virtual":"shop","service":"TCP 10.1.1.2:443"' <<< "$out"
out=$(req --jar "$tmp/jar" --csrf "$url" POST /api/config "$add")
check_eq "an edit of an old serial is refused: 409" 409 "$(status_of "$out")"
out=$(req --jar "$tmp/jar" --csrf "$url" POST /api/config '{"serial":3,"ops":[{"op":"delete","virtual":"shop"}]}')
check_eq "deleting it" "200 4" "$(status_of "$out") $(body_of "$out" | jget 'j["serial"]')"
check "takes it out of the table" sh -c "! '$vsd' -s '$tmp/sock' status | grep -q shop"

# tunnel_source: saved, written back, on every server of its virtual in
# the (in-memory) table, refused in the other family with the parser's
# message, and removed from the table with the key.
tun='{"serial":4,"ops":[{"op":"set","keys":{"network":"tunnel"}},
{"op":"add","virtual":"tun","keys":{"address":"10.1.1.3","port":"80","check_type":"none","tunnel_type":"gre","tunnel_source":"10.9.9.9"}},
{"op":"add","virtual":"tun","server":"t1","keys":{"address":"10.2.2.8"}},
{"op":"add","virtual":"tun","server":"t2","keys":{"address":"10.2.2.9"}}]}'
tun_srcs() { # the tunnel sources of virtual tun's servers in /api/table
	body_of "$(req --jar "$tmp/jar" "$url" GET /api/table)" | jget \
		'" ".join(str(d["tunnel"]["source"]) for s in j["services"] if s["virtual"] == "tun" for d in s["servers"])'
}
tun_srcs_are() { [ "$(tun_srcs)" = "$1" ]; }
out=$(req --jar "$tmp/jar" --csrf "$url" POST /api/config "$tun")
check_eq "a tunnel with a tunnel_source is saved" "200 5" \
	"$(status_of "$out") $(body_of "$out" | jget 'j["serial"]')"
check_eq "written to the file" "	tunnel_source = 10.9.9.9" "$(grep tunnel_source "$conf")"
check "the table has the source on both servers" busywait 5000 tun_srcs_are "10.9.9.9 10.9.9.9"
out=$(req --jar "$tmp/jar" --csrf "$url" POST /api/config \
	'{"serial":5,"ops":[{"op":"set","virtual":"tun","keys":{"tunnel_source":"2001:db8::9"}}]}')
check "a source of the other family is refused: the parser's message" \
	grep -q "^$conf:[0-9]*: key 'tunnel_source': bad value '2001:db8::9' (expected an IPv4 address: server 't1' (10.2.2.8) is IPv4, and the outer source is of the real servers' family)$" \
	<<< "$(body_of "$out" | jget 'j["error"]')"
out=$(req --jar "$tmp/jar" --csrf "$url" POST /api/config \
	'{"serial":5,"ops":[{"op":"set","virtual":"tun","keys":{"tunnel_source":null}}]}')
check_eq "removing it is saved" 200 "$(status_of "$out")"
check "and takes it out of the table" busywait 5000 tun_srcs_are "None None"
out=$(req --jar "$tmp/jar" --csrf "$url" POST /api/config \
	'{"serial":6,"ops":[{"op":"delete","virtual":"tun"},{"op":"set","keys":{"network":"nat"}}]}')
check_eq "back to NAT without it" 200 "$(status_of "$out")"

# ---------------------------------------------------------------- sessions end
printf 'another horse\n' | "$vsd" -f "$conf" passwd viewer --role read > /dev/null
check_eq "a changed password ends the user's sessions" 401 \
	"$(status_of "$(req --jar "$tmp/vjar" "$url" GET /api/session)")"
check_eq "not other users' sessions" 200 "$(status_of "$(req --jar "$tmp/jar" "$url" GET /api/session)")"
check_eq "logout" 200 "$(status_of "$(req --jar "$tmp/jar" --csrf "$url" POST /api/logout '{}')")"
check_eq "ends the session" 401 "$(status_of "$(req --jar "$tmp/jar" "$url" GET /api/status)")"
chmod 644 "$tmp/passwd"
out=$(req "$url" POST /api/login '{"user":"admin","password":"correct horse"}')
check_eq "a password file others can read is refused" \
	"503 the password file is readable by others: chmod 600 it" \
	"$(status_of "$out") $(body_of "$out" | jget 'j["error"]')"
chmod 600 "$tmp/passwd"
if [ "$(id -u)" = 0 ]; then
	chown 65534 "$tmp/passwd"
	out=$(req "$url" POST /api/login '{"user":"admin","password":"correct horse"}')
	check_eq "a password file of another user (who could make himself admin) is refused" \
		"503 the password file is not root's: chown root it" \
		"$(status_of "$out") $(body_of "$out" | jget 'j["error"]')"
	check "logged as an error" grep -q "web: $tmp/passwd belongs to uid 65534, not root" "$tmp/log"
	chown 0 "$tmp/passwd"
	check_eq "root's again, it is read again" 200 \
		"$(status_of "$(req "$url" POST /api/login '{"user":"admin","password":"correct horse"}')")"
else
	skip "a password file not root's (needs root to chown it)"
fi
# Every login counts against the limit of all addresses, successes too.
out=$(req --until 429 --repeat 300 "$url" POST /api/login '{"user":"admin","password":"correct horse"}')
check_eq "logins beyond the limit of all addresses: 429" 429 "$(status_of "$out")"
check "saying it is that limit, not the address's" \
	grep -q '^{"error":"too many logins from all addresses: try again in [0-9]* s","retry_after":[0-9]*}$' <<< "$(body_of "$out")"
check "the log too" grep -q "a login from 127.0.0.1 refused: too many logins from all addresses$" "$tmp/log"
kill $vpid
check "vsd stops" busywait 5000 sh -c "! kill -0 $vpid 2> /dev/null"

# ---------------------------------------------------------------- reload
# A panel added by a reload waits for a restart, and says so.
port3=$(free_port)
sed '/^web_/d' "$conf" > "$tmp/noweb.conf"
"$vsd" -d --no-kernel -f "$tmp/noweb.conf" -s "$tmp/sock4" -p "$tmp/pid4" > "$tmp/log4" 2>&1 &
npid=$!
defer "kill $npid 2> /dev/null"
check "vsd starts without a panel" busywait 5000 "$vsd" -s "$tmp/sock4" status
sed -i "s|^serial_no = .*|&\nweb_port = $port3\nweb_passwd_file = $tmp/passwd|" "$tmp/noweb.conf"
check "a reload adds web_port" "$vsd" -s "$tmp/sock4" reload
check "the log says it waits for a restart" busywait 5000 grep -q \
	"web: changes of web_port, web_listen, web_cert and web_key take effect when vsd restarts" "$tmp/log4"
check "and no panel is served" sh -c "! curl -s -m 5 http://127.0.0.1:$port3/ > /dev/null"
kill $npid
check "vsd stops" busywait 5000 sh -c "! kill -0 $npid 2> /dev/null"
# Restarted with that file: no web_allow, so 127.0.0.1 alone.
"$vsd" -d --no-kernel -f "$tmp/noweb.conf" -s "$tmp/sock4" -p "$tmp/pid4" > "$tmp/log4" 2>&1 &
npid=$!
defer "kill $npid 2> /dev/null"
check "started again, it serves the panel" busywait 5000 \
	sh -c "curl -s -m 5 http://127.0.0.1:$port3/ | grep -q html"
check "without web_allow, only to 127.0.0.1: not to 127.0.0.2" \
	sh -c "! curl -s -m 5 --interface 127.0.0.2 http://127.0.0.1:$port3/ > /dev/null"
kill $npid
check "vsd stops" busywait 5000 sh -c "! kill -0 $npid 2> /dev/null"

# ---------------------------------------------------------------- TLS
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-keyout "$tmp/key.pem" -out "$tmp/cert.pem" > /dev/null 2>&1
port2=$(free_port)
sed -e "s/^web_port = .*/web_port = $port2/" "$conf" > "$tmp/tls.conf"
printf 'web_cert = %s\nweb_key = %s\n' "$tmp/cert.pem" "$tmp/key.pem" >> "$tmp/tls.conf"
"$vsd" -d --no-kernel -f "$tmp/tls.conf" -s "$tmp/sock2" -p "$tmp/pid2" > "$tmp/log2" 2>&1 &
tpid=$!
defer "kill $tpid 2> /dev/null"
check "vsd starts with TLS" busywait 5000 "$vsd" -s "$tmp/sock2" status
out=$(req --header Set-Cookie "https://127.0.0.1:$port2" POST /api/login '{"user":"admin","password":"correct horse"}')
check_eq "a login over TLS" 200 "$(status_of "$out")"
check "gets a Secure cookie" grep -q 'HttpOnly; SameSite=Strict; Max-Age=43200; Secure$' <<< "$(body_of "$out")"
check "plain HTTP is not served on the TLS port" sh -c "! curl -s -m 5 http://127.0.0.1:$port2/ | grep -q html"
# What a client may negotiate: TLS 1.2 and 1.3, forward-secret key
# exchange only (the client offers the old ones, SECLEVEL=0).
cipher() { # s_client options: the cipher agreed, (NONE) if none
	timeout 10 openssl s_client -connect "127.0.0.1:$port2" "$@" < /dev/null 2>&1 |
		sed -n 's/^New, [^,]*, Cipher is //p' | head -1
}
got="$(cipher -tls1 -cipher 'DEFAULT@SECLEVEL=0') $(cipher -tls1_1 -cipher 'DEFAULT@SECLEVEL=0')"
got+=" $(cipher -tls1_2 -cipher 'AES128-GCM-SHA256@SECLEVEL=0')"
check_eq "TLS 1.0, 1.1 and static-RSA key exchange are refused" "(NONE) (NONE) (NONE)" "$got"
check_eq "TLS 1.2 with ECDHE is served" ECDHE-RSA-AES128-GCM-SHA256 \
	"$(cipher -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256)"
check "so is TLS 1.3" grep -q "^TLS_" <<< "$(cipher -tls1_3)"
chmod 644 "$tmp/key.pem"
port3=$(free_port)
sed -e "s/^web_port = .*/web_port = $port3/" "$tmp/tls.conf" > "$tmp/tls3.conf"
out=$(timeout 10 "$vsd" -d --no-kernel -f "$tmp/tls3.conf" -s "$tmp/sock3" -p "$tmp/pid3" 2>&1)
check "a private key others can read is refused, saying so" \
	grep -q "$tmp/key.pem can be read by others: chmod 600 it" <<< "$out"
printf 'web_cert = %s\n' "$tmp/cert.pem" > "$tmp/half.conf"
out=$("$vsd" -t -f "$tmp/half.conf" 2>&1)
check_eq "vsd -t: a certificate without its key is an error" \
	"$tmp/half.conf:1: 'web_cert' and 'web_key' go together (TLS needs both)" "$out"
finish
