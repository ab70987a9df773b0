// SPDX-License-Identifier: GPL-2.0
// The vsd web panel: a thin client of the JSON API (Documentation/vsd-web.rst).
// Everything shown comes from /api/*, every change is one POST /api/config
// of edits that vsd checks with its own parser. Text from the server is
// only ever set as text (no innerHTML), so a name cannot become markup.
'use strict';

const $ = (id) => document.getElementById(id);
let session = null;		// {user, role, csrf}
let config = null;		// GET /api/config
let current = null;		// name of the virtual being edited ('' = new)
let timer = null;

function h(tag, attrs, ...kids) {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (k === 'class') e.className = v;
		else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
		else if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v === true ? '' : v);
	}
	for (const k of kids.flat())
		if (k !== null && k !== undefined) e.append(k instanceof Node ? k : String(k));
	return e;
}

// ------------------------------------------------------------------
// The API

async function api(method, path, body) {
	const opts = { method, credentials: 'same-origin', headers: {} };
	if (body !== undefined) {
		opts.headers['Content-Type'] = 'application/json';
		opts.body = JSON.stringify(body);
	}
	if (method !== 'GET' && session) opts.headers['X-CSRF-Token'] = session.csrf;
	const r = await fetch('/api/' + path, opts);
	let data = null;
	try { data = await r.json(); } catch (e) { data = { error: 'HTTP ' + r.status }; }
	if (r.status === 401 && path !== 'login') {
		showLogin();
		throw new Error('not logged in');
	}
	if (!r.ok) {
		const err = new Error(data.error || 'HTTP ' + r.status);
		err.data = data;
		err.status = r.status;
		throw err;
	}
	return data;
}

function say(text, ok, context) {
	const m = $('message');
	m.replaceChildren(text);
	for (const c of context || [])
		if (c && c.text !== null)
			m.append('\n', 'line ' + c.line + ': ', h('code', {}, c.text));
	m.className = ok ? 'ok' : 'error';
	m.hidden = false;
}

function fail(e) {
	if (e.message !== 'not logged in')
		say(e.message, false, e.data && e.data.context);
}

// ------------------------------------------------------------------
// Login and views

function showLogin() {
	session = null;
	$('nav').hidden = $('who').hidden = true;
	show('login');
}

function show(view) {
	for (const s of document.querySelectorAll('section.view'))
		s.hidden = s.id !== 'view-' + view;
	for (const a of document.querySelectorAll('#nav a'))
		a.classList.toggle('on', a.dataset.view === view);
	schedule();
}

async function loggedIn(s) {
	session = s;
	document.body.classList.toggle('read', s.role !== 'admin');
	$('user').textContent = s.user + ' (' + s.role + ')';
	$('nav').hidden = $('who').hidden = false;
	route();
}

async function route() {
	if (!session) return;
	const view = (location.hash || '#monitor').slice(1);
	try {
		if (view === 'monitor') { show('monitor'); await refresh(); }
		else if (view === 'global') { await loadConfig(); fillGlobal(); show('global'); }
		else if (view === 'redundancy') { await loadConfig(); await fillRedundancy(); show('redundancy'); }
		else if (view === 'virtuals') { await loadConfig(); fillVirtuals(); show('virtuals'); }
		else if (view.startsWith('virtual/')) {
			await loadConfig();
			editVirtual(decodeURIComponent(view.slice(8)));
			show('virtual');
		} else location.hash = '#monitor';
	} catch (e) { fail(e); }
}

// ------------------------------------------------------------------
// CONTROL/MONITORING

function fmt(n) {
	if (n >= 1e9) return (n / 1e9).toFixed(1) + 'G';
	if (n >= 1e6) return (n / 1e6).toFixed(1) + 'M';
	if (n >= 1e4) return (n / 1e3).toFixed(1) + 'k';
	return String(n);
}

function kvRows(table, rows) {
	table.replaceChildren(...rows.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v))));
}

function daemonRows(st) {
	const rows = [
		['vsd', st.version + ', pid ' + st.pid + (st.no_kernel ? ', no kernel (table in memory)' : '')],
		['Configuration', st.config + ' (serial_no ' + st.serial + ')'],
		['Last reload', st.last_reload + ' at ' + new Date(st.loaded * 1000).toLocaleString()],
		['Table passes', st.table.passes + ', ' + st.table.changes + ' changes, ' + st.table.errors + ' errors'],
	];
	const fo = st.failover, aa = st.active_active;
	if (aa) {
		const on = aa.vips.filter((v) => v.announced).length;
		rows.push(['Role', 'active-active, director ' + aa.self + ' of ' + aa.directors + ', ' + on + ' of ' +
			aa.vips.length + ' VIPs announced' + (aa.refused ? '; REFUSED: ' + aa.refused : '') +
			(aa.drain ? '; ' + aa.drain.state + ', ' + aa.drain.connections + ' connections left' : '')]);
		for (const v of aa.vips) rows.push(['VIP ' + v.address, v.reason]);
		for (const p of aa.peers)
			rows.push(['Director ' + p.address, p.heard < 0 ? 'not heard' : (p.alive ? 'alive' : 'DEAD') +
				(p.announcing ? ', announcing' : ', not announcing') + (p.draining ? ' (draining)' : '') +
				(p.refused ? ' (refused)' : '') + (p.config_match ? '' : ', configuration differs (its serial_no ' + p.serial + ')')]);
	} else if (!fo) rows.push(['Role', 'single director (no failover configured)']);
	else {
		rows.push(['Role', fo.node + ' director, ' + (fo.active ? 'ACTIVE' : 'standby') + (fo.reason ? ' (' + fo.reason + ')' : '')]);
		rows.push(['Peer', fo.peer.alive ? fo.peer.state + ', heard ' + fo.peer.heard_public.toFixed(1) + ' s ago' : 'not heard']);
		if (fo.config_mismatch) rows.push(['Warning', 'the peer\'s configuration differs (its serial_no ' + fo.peer.serial + ')']);
	}
	rows.push(['Scheduling', st.backup_only === null ? 'unknown (the table cannot be read)' :
		st.backup_only ? 'off: backup_only (a standby; packets to a VIP are served here)' : 'on']);
	return rows;
}

// "addr:port" as the table writes it: an IPv6 address in brackets.
function hostPort(addr, port) {
	return (addr.includes(':') ? '[' + addr + ']' : addr) + ':' + port;
}

// The check state of each real server, by virtual name and address:port.
function checkStates(st) {
	const m = new Map();
	for (const v of st.virtuals)
		for (const s of v.servers)
			m.set(v.name + ' ' + hostPort(s.address, s.port), s);
	return m;
}

function tableRows(tab, st) {
	const checks = checkStates(st), rows = [];
	for (const s of tab.services) {
		rows.push(h('tr', { class: 'svc' }, h('td', {}, s.virtual || '(not vsd\'s)'), h('td', {}, s.service),
			h('td', {}, s.scheduler + (s.persistent ? ' persistent ' + s.persistent : '')), h('td', {}),
			h('td', {}), h('td', {}), h('td', { class: 'num' }, fmt(s.cps)),
			h('td', { class: 'num' }, fmt(s.inbps)), h('td', { class: 'num' }, fmt(s.outbps)), h('td', {})));
		for (const d of s.servers) {
			const c = checks.get(s.virtual + ' ' + d.address);
			rows.push(h('tr', {}, h('td', {}, c ? c.name : ''), h('td', {}, '-> ' + d.address),
				h('td', {}, d.tunnel ? d.forward + ' ' + d.tunnel.type +
					(d.tunnel.source ? ' from ' + d.tunnel.source : '') : d.forward),
				h('td', { class: 'num' }, d.weight),
				h('td', { class: 'num' }, d.active), h('td', { class: 'num' }, d.inactive),
				h('td', { class: 'num' }, fmt(d.cps)), h('td', { class: 'num' }, fmt(d.inbps)),
				h('td', { class: 'num' }, fmt(d.outbps)),
				h('td', { class: 'state-' + (c ? c.state : 'unknown'), title: c ? c.reason : '' },
					c ? c.state + (c.last_result ? ': ' + c.last_result : '') : '')));
		}
	}
	if (!rows.length) rows.push(h('tr', {}, h('td', { colspan: 10 }, 'The table is empty.')));
	$('table').tBodies[0].replaceChildren(...rows);
}

const COLORS = ['#7a1212', '#1f5fa8', '#2e8b3a', '#c77d00', '#7b3fa0', '#0f8c8c', '#b5487a', '#555'];

// Connections per real server against time, inline SVG (no library, no CDN).
function plot(hist) {
	const W = 720, H = 220, L = 40, B = 24, T = 8, R = 10;
	const NS = 'http://www.w3.org/2000/svg';
	const svg = document.createElementNS(NS, 'svg');
	const el = (tag, attrs, text) => {
		const e = document.createElementNS(NS, tag);
		for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
		if (text !== undefined) e.textContent = text;
		svg.append(e);
		return e;
	};
	svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
	svg.setAttribute('width', W);
	svg.setAttribute('height', H);
	svg.setAttribute('role', 'img');
	svg.setAttribute('aria-label', 'connections per real server');
	const t = hist.t, n = t.length;
	let max = 1;
	for (const s of hist.series) for (const v of s.conns) if (v !== null && v > max) max = v;
	const t0 = n ? t[0] : 0, t1 = n > 1 ? t[n - 1] : t0 + 1;
	const x = (tt) => L + (W - L - R) * (tt - t0) / Math.max(t1 - t0, 1);
	const y = (v) => H - B - (H - B - T) * v / max;
	for (let i = 0; i <= 4; i++) {
		const v = Math.round(max * i / 4);
		el('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: '#e4e4e4' });
		el('text', { x: L - 4, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 10 }, v);
	}
	el('text', { x: L, y: H - 6, 'font-size': 10 }, n ? new Date(t0 * 1000).toLocaleTimeString() : '');
	el('text', { x: W - R, y: H - 6, 'font-size': 10, 'text-anchor': 'end' }, n ? new Date(t1 * 1000).toLocaleTimeString() : '');
	const legend = h('div', { class: 'legend' });
	hist.series.forEach((s, i) => {
		const color = COLORS[i % COLORS.length];
		let d = '';
		s.conns.forEach((v, k) => {
			if (v === null) return;
			d += (d && s.conns[k - 1] !== null ? ' L' : ' M') + x(t[k]).toFixed(1) + ' ' + y(v).toFixed(1);
		});
		if (d) el('path', { d, fill: 'none', stroke: color, 'stroke-width': 2 });
		const last = s.conns.length ? s.conns[s.conns.length - 1] : null;
		const swatch = h('span', { class: 'swatch' });
		swatch.style.background = color;	// CSSOM: no style attribute under the CSP
		legend.append(h('span', {}, swatch,
			s.virtual + '/' + s.server + ' ' + s.address + ': ' + (last === null ? '-' : last)));
	});
	$('plot').replaceChildren(svg, legend);
}

async function refresh() {
	const [st, tab, hist] = await Promise.all([api('GET', 'status'), api('GET', 'table'), api('GET', 'history')]);
	kvRows($('daemon'), daemonRows(st));
	tableRows(tab, st);
	plot(hist);
	$('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
	return st;
}

// Auto update: fetch() polling, which every current browser runs (Piranha's
// meta refresh did not work everywhere, Red Hat's LVS guide, section 4.3).
function schedule() {
	clearTimeout(timer);
	timer = null;
	if (!session || $('view-monitor').hidden || !$('auto').checked) return;
	const s = Math.max(1, Number($('interval').value) || 10);
	timer = setTimeout(async () => {
		try { await refresh(); } catch (e) { fail(e); }
		schedule();
	}, s * 1000);
}

// ------------------------------------------------------------------
// Forms over the configuration's keys

async function loadConfig() {
	config = await api('GET', 'config');
}

// A field: [key, label, kind, options, hint or a bool's default]. Kinds: text, select, bool,
// and 'addr'/'dev' halves of "address = IP DEVICE".
const GLOBAL_FIELDS = [
	['primary', 'Primary server public IP', 'text'],
	['primary_private', 'Primary server private IP', 'text', 'a second heartbeat path'],
	['network', 'Use network type', 'select', ['nat', 'direct', 'tunnel']],
	['nat_router/addr', 'NAT Router IP', 'text', 'the real servers\' gateway (NAT only)'],
	['nat_nmask', 'NAT Router netmask', 'text', 'e.g. 255.255.255.0'],
	['nat_router/dev', 'NAT Router device', 'text', 'e.g. eth1:1'],
	['tcp_timeout', 'TCP timeout (s)', 'text', '0: leave the kernel\'s'],
	['tcpfin_timeout', 'TCP FIN timeout (s)', 'text'],
	['udp_timeout', 'UDP timeout (s)', 'text'],
	['shutdown_action', 'When vsd stops', 'select', ['keep', 'flush']],
	['reconcile_interval', 'Compare with the kernel every (s)', 'text', '0: never'],
];
const REDUNDANCY_FIELDS = [
	['backup_active', 'Backup enabled', 'bool', '0'],
	['backup', 'Redundant server public IP', 'text'],
	['backup_private', 'Redundant server private IP', 'text'],
	['heartbeat', 'Heartbeat', 'bool', '0'],
	['keepalive', 'Heartbeat interval (s)', 'text'],
	['deadtime', 'Assume dead after (s)', 'text'],
	['heartbeat_port', 'Heartbeat runs on port', 'text', 'default 539'],
	['heartbeat_key', 'Heartbeat key file', 'locked', 'the shared secret; set in the file only'],
	['monitor_links', 'Monitor NIC links', 'bool', '0'],
	['syncdaemon', 'Connection sync', 'bool', '1'],
	['preempt', 'Primary takes the role back', 'bool', '1'],
];
const VIRTUAL_FIELDS = [
	['name', 'Name', 'text'],
	['port', 'Application port', 'text'],
	['protocol', 'Protocol', 'select', ['tcp', 'udp']],
	['address/addr', 'Virtual IP Address', 'text', 'IPv4 or IPv6'],
	['vip_nmask', 'Virtual IP Network Mask', 'text', 'e.g. 255.255.255.0'],
	['fwmark', 'Firewall Mark', 'text'],
	['ipv6', 'Firewall mark service is IPv6', 'bool', '0'],
	['address/dev', 'Device', 'text', 'e.g. eth0:1 (failover moves the address there)'],
	['reentry', 'Re-entry Time (s)', 'text'],
	['timeout', 'Service Timeout (s)', 'text'],
	['quiesce_server', 'Quiesce server', 'bool', '0'],
	['load_monitor', 'Load monitoring tool', 'select', ['none', 'agent']],
	['scheduler', 'Scheduling', 'select', ['wlc', 'lc', 'rr', 'wrr', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh']],
	['persistent', 'Persistence (s)', 'text'],
	['pmask', 'Persistence Network Mask', 'text', 'a mask, or a prefix length (IPv6: 1..128)'],
	['sorry_server', 'Sorry server', 'text', 'IP[:port] or [IPv6]:port, used when every real server is down'],
	['slow_start', 'Slow start', 'bool', '1'],
	['tunnel_type', 'Tunnel type', 'select', ['', 'ipip', 'gue', 'gre'], 'network tunnel only'],
	['tunnel_port', 'Tunnel port (gue)', 'text', 'GUE\'s UDP port'],
	['tunnel_checksum', 'Tunnel checksum', 'select', ['', 'nocsum', 'csum', 'remcsum'], 'remcsum: gue only'],
	['tunnel_source', 'Tunnel source address', 'text', 'the outer source, of the real servers\' family; empty: the route\'s'],
];
const SCRIPT_FIELDS = [
	['check_type', 'Check', 'select', ['', 'connect', 'http', 'program', 'none']],
	['send_program', 'Sending Program', 'locked', '%h is the real server\'s address; set in the file only'],
	['send', 'Send', 'text', '\\n \\r \\t escapes'],
	['expect', 'Expect', 'text'],
	['use_regex', 'Expect is a regex', 'bool', '0'],
	['http_url', 'HTTP URL', 'text'],
	['http_status', 'HTTP status', 'text'],
	['http_host', 'HTTP Host', 'text'],
	['http_regex', 'HTTP body regex', 'text'],
	['check_interval', 'Check every (s)', 'text'],
	['connect_timeout', 'Connect timeout (s)', 'text'],
	['retries', 'Retries', 'text'],
	['check_port', 'Check port', 'text'],
];
const SERVER_FIELDS = [
	['name', 'Name', 'text'],
	['address', 'Address', 'text', 'IPv4 or IPv6'],
	['port', 'Port', 'text', 'default: the virtual\'s'],
	['weight', 'Weight', 'text'],
	['active', 'Active', 'bool', '1'],
];

function split(v) {
	const [a, ...d] = (v || '').split(/\s+/);
	return { addr: a || '', dev: d.join(' ') };
}

function fieldValue(keys, key, name) {
	if (key === 'name') return name || '';
	const [k, half] = key.split('/');
	return half ? split(keys[k])[half] : (keys[k] || '');
}

function buildForm(form, fields, keys, name, onAccept) {
	const kids = [];
	for (const [key, label, kind, extra] of fields) {
		const id = form.id + '-' + key.replace('/', '-');
		const v = fieldValue(keys, key, name);
		let input;
		if (kind === 'select')
			input = h('select', { id, name: key }, extra.map((o) => h('option', { value: o, selected: o === v }, o || '(auto)')));
		else if (kind === 'bool')
			input = h('input', { id, name: key, type: 'checkbox', checked: (v || extra) === '1' });
		else
			input = h('input', { id, name: key, value: v, readonly: kind === 'locked' });
		kids.push(h('label', { for: id }, label), input,
			h('span', { class: 'hint' }, (kind !== 'text' && kind !== 'locked') || !extra ? '' : extra));
	}
	kids.push(h('div', { class: 'actions admin' }, h('button', { type: 'submit', id: form.id + '-accept' }, 'ACCEPT')));
	form.replaceChildren(...kids);
	form.onsubmit = (ev) => { ev.preventDefault(); onAccept(readForm(form, fields, keys)); };
}

// The keys whose value the form changed; '' means "back to the default".
function readForm(form, fields, keys) {
	const out = {}, halves = {};
	let name = null;
	for (const [key, , kind, extra] of fields) {
		if (kind === 'locked') continue;	/* the server refuses it: 403 */
		const e = form.elements[key];
		const v = kind === 'bool' ? (e.checked ? '1' : '0') : e.value.trim();
		if (key === 'name') { name = v; continue; }
		const [k, half] = key.split('/');
		if (half) { (halves[k] = halves[k] || {})[half] = v; continue; }
		const was = keys[k] || (kind === 'bool' ? extra : '');
		if (v !== was)
			out[k] = v === '' ? null : v;
	}
	for (const [k, p] of Object.entries(halves)) {
		const v = p.addr ? (p.addr + (p.dev ? ' ' + p.dev : '')) : '';
		if (v !== (keys[k] || '')) out[k] = v === '' ? null : v;
	}
	return { name, keys: out };
}

async function save(ops, then) {
	try {
		const r = await api('POST', 'config', { serial: config.serial, ops });
		say('Saved ' + config.path + ' (serial_no ' + r.serial + ') and reloaded.' +
			(r.notes.length ? '\n' + r.notes.join('\n') : ''), true);
		await loadConfig();
		if (then) then();
	} catch (e) { fail(e); }
}

function fillGlobal() {
	buildForm($('global-form'), GLOBAL_FIELDS, config.global, null,
		(f) => save([{ op: 'set', keys: f.keys }], fillGlobal));
}

async function fillRedundancy() {
	const st = await api('GET', 'status');
	kvRows($('failover'), daemonRows(st).slice(4));
	buildForm($('redundancy-form'), REDUNDANCY_FIELDS, config.global, null,
		(f) => save([{ op: 'set', keys: f.keys }], fillRedundancy));
}

// ------------------------------------------------------------------
// VIRTUAL SERVERS

function picked(table) {
	const r = table.querySelector('input[type=radio]:checked');
	return r ? r.value : null;
}

function pickRows(table, rows) {
	table.tBodies[0].replaceChildren(...rows.map(([name, cells]) =>
		h('tr', {}, h('td', {}, h('input', { type: 'radio', name: table.id + '-pick', value: name, 'aria-label': name })),
			...cells.map((c) => h('td', {}, c)))));
}

function fillVirtuals() {
	pickRows($('virtuals'), config.virtuals.map((v) => {
		const a = split(v.keys.address);
		return [v.name, [v.keys.active === '0' ? 'down' : 'up', v.name,
			a.addr || (v.keys.fwmark ? 'fwmark ' + v.keys.fwmark : ''), v.keys.vip_nmask || '255.255.255.255',
			v.keys.port || '80', v.keys.protocol || 'tcp', a.dev]];
	}));
}

function findVirtual(name) {
	return config.virtuals.find((v) => v.name === name);
}

function editVirtual(name) {
	const v = findVirtual(name) || { name: '', keys: {}, servers: [] };
	current = v.name;
	$('v-title').textContent = v.name || '(new)';
	buildForm($('virtual-form'), VIRTUAL_FIELDS, v.keys, v.name, (f) => acceptVirtual(v, f));
	buildForm($('scripts-form'), SCRIPT_FIELDS, v.keys, null,
		(f) => save([{ op: 'set', virtual: v.name, keys: f.keys }], () => editVirtual(v.name)));
	fillServers(v);
	sub(v.name ? currentSub : 'virtual');
}

function acceptVirtual(v, f) {
	if (!v.name) {
		if (!f.name) return say('A virtual server needs a name.', false);
		return save([{ op: 'add', virtual: f.name, keys: f.keys }],
			() => { location.hash = '#virtual/' + encodeURIComponent(f.name); });
	}
	const ops = [{ op: 'set', virtual: v.name, keys: f.keys }];
	if (f.name && f.name !== v.name) ops.push({ op: 'rename', virtual: v.name, name: f.name });
	save(ops, () => {
		if (f.name !== v.name) location.hash = '#virtual/' + encodeURIComponent(f.name);
		else editVirtual(v.name);
	});
}

let currentSub = 'virtual';

function sub(which) {
	currentSub = which;
	for (const s of ['virtual', 'servers', 'scripts'])
		for (const e of document.querySelectorAll('.sub-' + s)) e.hidden = s !== which;
	for (const a of document.querySelectorAll('nav.sub a[data-sub]'))
		a.classList.toggle('on', a.dataset.sub === which);
}

function fillServers(v) {
	pickRows($('servers'), v.servers.map((s) => [s.name, [s.keys.active === '0' ? 'down' : 'up', s.name,
		s.keys.address || '', s.keys.port || v.keys.port || '80', s.keys.weight || '1']]));
	$('server-form').hidden = true;
}

function editServer(v, name) {
	const s = v.servers.find((x) => x.name === name) || { name: '', keys: { active: '1', weight: '1' } };
	const form = $('server-form');
	buildForm(form, SERVER_FIELDS, s.keys, s.name, (f) => {
		if (!s.name) {
			if (!f.name) return say('A real server needs a name.', false);
			// a new server: every field as given, defaults left out
			return save([{ op: 'add', virtual: v.name, server: f.name, keys: f.keys }], () => editVirtual(v.name));
		}
		const ops = [{ op: 'set', virtual: v.name, server: s.name, keys: f.keys }];
		if (f.name && f.name !== s.name) ops.push({ op: 'rename', virtual: v.name, server: s.name, name: f.name });
		save(ops, () => editVirtual(v.name));
	});
	form.hidden = false;
}

function toggleOp(keys, where) {
	return Object.assign({ op: 'set', keys: { active: keys.active === '0' ? '1' : '0' } }, where);
}

function wire() {
	$('login-form').addEventListener('submit', async (ev) => {
		ev.preventDefault();
		try {
			const s = await api('POST', 'login', { user: $('login-user').value, password: $('login-password').value });
			$('login-password').value = '';
			$('message').hidden = true;
			loggedIn(s);
		} catch (e) { fail(e); }
	});
	$('logout').addEventListener('click', async () => {
		try { await api('POST', 'logout', {}); } catch (e) { /* gone already */ }
		showLogin();
	});
	$('refresh').addEventListener('click', () => refresh().catch(fail));
	$('reload').addEventListener('click', async () => {
		try { say((await api('POST', 'reload', {})).message, true); await refresh(); } catch (e) { fail(e); }
	});
	for (const id of ['takeover', 'release'])
		$(id).addEventListener('click', async () => {
			try { await api('POST', id, {}); await fillRedundancy(); } catch (e) { fail(e); }
		});
	const auto = localStorage.getItem('vsd-auto'), iv = localStorage.getItem('vsd-interval');
	$('auto').checked = auto === null ? true : auto === '1';
	if (iv) $('interval').value = iv;
	$('auto').addEventListener('change', () => { localStorage.setItem('vsd-auto', $('auto').checked ? '1' : '0'); schedule(); });
	$('interval').addEventListener('change', () => { localStorage.setItem('vsd-interval', $('interval').value); schedule(); });
	$('v-add').addEventListener('click', () => { location.hash = '#virtual/'; });
	$('v-edit').addEventListener('click', () => {
		const n = picked($('virtuals'));
		if (n) location.hash = '#virtual/' + encodeURIComponent(n);
	});
	$('v-delete').addEventListener('click', () => {
		const n = picked($('virtuals'));
		if (n && confirm('Delete virtual server ' + n + '?')) save([{ op: 'delete', virtual: n }], fillVirtuals);
	});
	$('v-toggle').addEventListener('click', () => {
		const n = picked($('virtuals'));
		if (n) save([toggleOp(findVirtual(n).keys, { virtual: n })], fillVirtuals);
	});
	for (const a of document.querySelectorAll('nav.sub a[data-sub]'))
		a.addEventListener('click', (ev) => { ev.preventDefault(); if (current) sub(a.dataset.sub); });
	$('s-add').addEventListener('click', () => editServer(findVirtual(current), ''));
	$('s-edit').addEventListener('click', () => {
		const n = picked($('servers'));
		if (n) editServer(findVirtual(current), n);
	});
	$('s-delete').addEventListener('click', () => {
		const n = picked($('servers'));
		if (n && confirm('Delete real server ' + n + '?'))
			save([{ op: 'delete', virtual: current, server: n }], () => editVirtual(current));
	});
	$('s-toggle').addEventListener('click', () => {
		const n = picked($('servers'));
		const s = n && findVirtual(current).servers.find((x) => x.name === n);
		if (s) save([toggleOp(s.keys, { virtual: current, server: n })], () => editVirtual(current));
	});
	// A message stays until the person goes elsewhere: a save that moves
	// to another view still shows what happened.
	for (const a of document.querySelectorAll('header a, nav.sub a'))
		a.addEventListener('click', () => { $('message').hidden = true; });
	window.addEventListener('hashchange', route);
}

async function start() {
	wire();
	$('host').textContent = location.host;
	try {
		const r = await fetch('/api/session', { credentials: 'same-origin' });
		if (r.ok) loggedIn(await r.json());
		else showLogin();
	} catch (e) { showLogin(); }
}

document.addEventListener('DOMContentLoaded', start);
