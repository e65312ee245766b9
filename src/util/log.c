/* log.c — every line is built in memory and written with one write(2), so lines from
 * several event loops never interleave. */
#include "log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static enum log_level min_level = LOG_INFO;
static int access_fd = 2;

void log_set_level(enum log_level lvl)
{
	min_level = lvl;
}

int log_set_access(const char *path)
{
	if (!path) {
		access_fd = -1;
		return 0;
	}
	if (strcmp(path, "-") == 0) {
		access_fd = 2;
		return 0;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0)
		return -1;
	access_fd = fd;
	return 0;
}

static size_t stamp(char *buf, size_t n)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	return strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void emit(int fd, char *line, size_t len, size_t cap)
{
	if (len >= cap)
		len = cap - 1;
	line[len++] = '\n';
	ssize_t w = write(fd, line, len);
	(void)w;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	char line[1024];
	if (lvl < min_level)
		return;
	size_t n = stamp(line, sizeof line);
	int k = snprintf(line + n, sizeof line - n, " %s ", names[lvl]);
	if (k > 0)
		n += (size_t)k;
	va_list ap;
	va_start(ap, fmt);
	k = vsnprintf(line + n, sizeof line - n, fmt, ap);
	va_end(ap);
	if (k > 0)
		n += (size_t)k;
	emit(2, line, n, sizeof line);
}

void log_access(const char *peer, const char *method, const char *path, int status,
		unsigned long bytes, long usec, long long user_id)
{
	char line[1024];
	if (access_fd < 0)
		return;
	size_t n = stamp(line, sizeof line);
	int k = snprintf(line + n, sizeof line - n, " access %s %s %.300s %d %lu %ldus user=%lld",
			 peer, method, path, status, bytes, usec, user_id);
	if (k > 0)
		n += (size_t)k;
	/* the path is the client's: no byte of it may start a line of its own */
	for (size_t i = 0; i < n && i < sizeof line; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	emit(access_fd, line, n, sizeof line);
}
