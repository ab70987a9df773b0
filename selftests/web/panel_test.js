// SPDX-License-Identifier: GPL-2.0
// The vsd web panel in a real browser (Debian's chromium, driven by
// playwright-core): log in, add a virtual server and a real server through
// the forms, see a bad value refused with the parser's message, see the
// new server in the monitoring panel's routing table and plot, keep a
// screenshot. Prints "PASS what" / "FAIL what: why" lines for
// vsd_web_browser.sh; exits 0.
//
// env: VSD_URL, VSD_USER, VSD_PASSWORD, SCREENSHOT, PROFILE (a fresh dir)
'use strict';
const { chromium } = require('playwright-core');

const url = process.env.VSD_URL;
const results = [];
const errors = [];

function report(ok, what, why) {
	console.log((ok ? 'PASS ' : 'FAIL ') + what + (ok || !why ? '' : ': ' + why));
	results.push(ok);
}

// One step: an action and what it must show; a failure is reported and
// the steps after it still run when they can.
async function step(what, fn) {
	try {
		await fn();
		report(true, what);
		return true;
	} catch (e) {
		report(false, what, String(e.message || e).split('\n')[0]);
		return false;
	}
}

async function expectText(page, selector, text, timeout = 15000) {
	await page.locator(selector).filter({ hasText: text }).first().waitFor({ timeout });
}

async function fill(page, form, values) {
	for (const [name, v] of Object.entries(values)) {
		const e = page.locator(`#${form} [name="${name}"]`);
		if (typeof v === 'boolean') await e.setChecked(v);
		else if ((await e.evaluate((x) => x.tagName)) === 'SELECT') await e.selectOption(v);
		else await e.fill(v);
	}
	await page.click(`#${form}-accept`);
}

async function run(page) {
	await step('the login page is shown', async () => {
		await page.goto(url);
		await page.locator('#login-form').waitFor({ state: 'visible' });
	});
	await step('a wrong password is refused on the page', async () => {
		await page.fill('#login-password', 'not the password');
		await page.click('#login-button');
		await expectText(page, '#message', 'wrong user name or password');
	});
	const logged = await step('logging in shows CONTROL/MONITORING', async () => {
		await page.fill('#login-user', process.env.VSD_USER);
		await page.fill('#login-password', process.env.VSD_PASSWORD);
		await page.click('#login-button');
		await page.locator('#view-monitor').waitFor({ state: 'visible' });
		await expectText(page, '#daemon', 'serial_no 1');
		// No failover configured: the only director schedules.
		await expectText(page, '#daemon', /Scheduling\s*on\b/);
		await expectText(page, '#table', 'TCP 10.1.1.1:80');
	});
	if (!logged) return;
	await step('VIRTUAL SERVERS lists the configured virtual', async () => {
		await page.click('#nav a[data-view=virtuals]');
		await expectText(page, '#virtuals', 'web');
	});
	await step('ADD a virtual server through the VIRTUAL SERVER form', async () => {
		await page.click('#v-add');
		await page.locator('#virtual-form').waitFor({ state: 'visible' });
		await fill(page, 'virtual-form', { name: 'shop', port: '443', 'address/addr': '10.1.1.2', scheduler: 'rr' });
		await expectText(page, '#message', 'serial_no 2');
		await expectText(page, '#v-title', 'shop');
	});
	await step('MONITORING SCRIPTS: no check for it', async () => {
		await page.click('nav.sub a[data-sub=scripts]');
		await fill(page, 'scripts-form', { check_type: 'none' });
		await expectText(page, '#message', 'serial_no 3');
	});
	await step('REAL SERVER: ADD one', async () => {
		await page.click('nav.sub a[data-sub=servers]');
		await page.click('#s-add');
		await fill(page, 'server-form', { name: 's1', address: '10.2.2.7', weight: '3' });
		await expectText(page, '#message', 'serial_no 4');
		await expectText(page, '#servers', '10.2.2.7');
	});
	await step('a bad value is refused with the parser\'s file:line message', async () => {
		await page.click('nav.sub a[data-sub=virtual]');
		await fill(page, 'virtual-form', { port: '99999' });
		await expectText(page, '#message', /vsd\.conf:\d+: key 'port': bad value '99999' \(expected a port 0\.\.65535\)/);
		await expectText(page, '#message', 'port = 99999');
	});
	await step('the new server appears in the monitoring panel, checked up', async () => {
		await page.click('#nav a[data-view=monitor]');
		await page.click('#refresh');
		await expectText(page, '#table tr', /-> 10\.2\.2\.7:443.*up/s);
		await expectText(page, '#table', 'TCP 10.1.1.2:443');
	});
	await step('the plot draws a line per real server', async () => {
		await expectText(page, '#plot .legend', 'shop/s1 10.2.2.7:443', 20000);
		const paths = await page.locator('#plot svg path').count();
		if (paths < 2) throw new Error(paths + ' lines');
	});
	await step('an IPv6 virtual server and its real server through the same forms', async () => {
		await page.click('#nav a[data-view=virtuals]');
		await page.click('#v-add');
		await page.locator('#virtual-form').waitFor({ state: 'visible' });
		await fill(page, 'virtual-form', { name: 'shop6', port: '443', 'address/addr': '2001:db8::10', scheduler: 'rr' });
		await expectText(page, '#message', 'serial_no 5');
		await page.click('nav.sub a[data-sub=scripts]');
		await fill(page, 'scripts-form', { check_type: 'none' });
		await expectText(page, '#message', 'serial_no 6');
		await page.click('nav.sub a[data-sub=servers]');
		await page.click('#s-add');
		await fill(page, 'server-form', { name: 's6', address: '10.2.2.8' });
		await expectText(page, '#message', /IPv4.*IPv6|IPv6.*IPv4/);
		await fill(page, 'server-form', { name: 's6', address: '2001:db8::7' });
		await expectText(page, '#message', 'serial_no 7');
		await expectText(page, '#servers', '2001:db8::7');
	});
	await step('the monitoring panel lists them in brackets, checked up', async () => {
		await page.click('#nav a[data-view=monitor]');
		await page.click('#refresh');
		await expectText(page, '#table', 'TCP [2001:db8::10]:443');
		await expectText(page, '#table tr', /-> \[2001:db8::7\]:443.*up/s);
	});
	await step('a screenshot is kept', async () => {
		await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
	});
	await step('no script error and no CSP violation on the way', async () => {
		if (errors.length) throw new Error(errors.join(' | '));
	});
}

(async () => {
	let ctx;
	try {
		ctx = await chromium.launchPersistentContext(process.env.PROFILE, {
			executablePath: '/usr/bin/chromium',
			headless: true,
			args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
				'--disable-background-networking', '--disable-component-update', '--disable-sync'],
			viewport: { width: 1200, height: 900 },
		});
		const page = ctx.pages()[0] || await ctx.newPage();
		page.setDefaultTimeout(15000);
		page.on('pageerror', (e) => errors.push(e.message));
		// HTTP errors the test provokes (401, 400) are not script errors
		page.on('console', (m) => {
			if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
				errors.push(m.text());
		});
		page.on('response', (r) => { if (r.status() === 404) errors.push('404 ' + r.url()); });
		await run(page);
	} catch (e) {
		report(false, 'the browser runs', String(e.message || e).split('\n')[0]);
	} finally {
		if (ctx) await ctx.close();
	}
})();
