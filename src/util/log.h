/* log.h — the one logger: levelled lines to stderr, and the access log (one line per request).
 * Never pass passwords, tokens, ID numbers, phone numbers or addresses to either. */
#ifndef LOG_H
#define LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level lvl);
/* Sends access lines to path ("-" for stderr, NULL to switch them off); returns -1 if unopenable. */
int log_set_access(const char *path);
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* One access line; each argument is already free of personal data. */
void log_access(const char *peer, const char *method, const char *path, int status,
		unsigned long bytes, long usec, long long user_id);

#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
