/* trades.h — the trades a worker is registered and certified in, and the skill levels of the
 * national vocational standard. Codes are the API's; the names are for people. */
#ifndef TRADES_H
#define TRADES_H

#define TRADE_COUNT 6
#define LEVEL_COUNT 5

struct named_code {
	const char *code, *zh, *en;
};

extern const struct named_code trades[TRADE_COUNT];
extern const struct named_code levels[LEVEL_COUNT];
/* NULL-terminated code lists, for request schemas */
extern const char *const trade_codes[TRADE_COUNT + 1];
extern const char *const level_codes[LEVEL_COUNT + 1];

/* The index of a trade by its code or its Chinese name; -1 when unknown. */
int trade_index(const char *code_or_name);
/* The index of a level by its code or one of its Chinese names; -1 when unknown. */
int level_index(const char *code_or_name);

#endif
