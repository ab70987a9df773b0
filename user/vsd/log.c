// SPDX-License-Identifier: GPL-2.0
/*
 * Logging. Under systemd, stderr already goes to the journal; when
 * JOURNAL_STREAM names our stderr, the syslog copy is skipped so every
 * line appears once.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/stat.h>

#include "log.h"

static bool use_syslog, use_stderr, want_debug, stamp;

static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2 ||
	    fstat(2, &st))
		return false;
	return st.st_dev == dev && st.st_ino == ino;
}

void log_init(bool to_syslog, bool to_stderr, bool debug)
{
	bool journal = to_stderr && stderr_is_journal();

	want_debug = debug;
	use_stderr = to_stderr;
	use_syslog = to_syslog && !journal;
	stamp = !journal;	/* the journal stamps lines itself */
	if (use_syslog)
		openlog("vsd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_close(void)
{
	if (use_syslog)
		closelog();
	use_syslog = false;
}

/*
 * One message, one line: control characters (a user name or a reply from
 * the network may carry a newline and forge a line) become \xNN.
 */
static void defang(const char *in, char *out, size_t size)
{
	size_t o = 0;

	for (; *in && o + 5 < size; in++) {
		unsigned char ch = (unsigned char)*in;

		if (ch < 0x20 || ch == 0x7f)
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", ch);
		else
			out[o++] = (char)ch;
	}
	out[o] = '\0';
}

void vsd_log(int prio, const char *fmt, ...)
{
	static const char *const tag[] = {
		[LOG_EMERG] = "emerg", [LOG_ALERT] = "alert",
		[LOG_CRIT] = "crit", [LOG_ERR] = "error",
		[LOG_WARNING] = "warning", [LOG_NOTICE] = "notice",
		[LOG_INFO] = "info", [LOG_DEBUG] = "debug",
	};
	char raw[1024], line[1024];
	va_list ap;

	if (prio == LOG_DEBUG && !want_debug)
		return;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	defang(raw, line, sizeof(line));
	if (use_syslog)
		syslog(prio, "%s", line);
	if (use_stderr && stamp) {
		struct timespec ts;
		struct tm tm;

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		fprintf(stderr, "%02d:%02d:%02d.%03ld vsd: %s: %s\n", tm.tm_hour,
			tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000,
			tag[prio & 7], line);
	} else if (use_stderr) {
		fprintf(stderr, "vsd: %s: %s\n", tag[prio & 7], line);
	}
}
