/* catalog.h — what can be booked: the association's service categories with their standard process
 * and quality indicators, its price guides, and the companies' service items priced inside them. */
#ifndef CATALOG_H
#define CATALOG_H

#include <stdint.h>

#include "anjia.h"
#include "util/json_out.h"

struct store;

extern const char *const units[];   /* hour, visit, day, month */

struct category_in {
	const char *code, *name_zh, *name_en, *trade;
};

/* Refusals: code_taken. */
int category_create(struct store *s, const struct actor *a, const struct category_in *in, int64_t *id,
		    struct fault *f);
/* Adds an item of phase pre, in or post. Refusals: indicator_unknown, indicator_not_allowed. */
int category_add_item(struct store *s, const struct actor *a, int64_t category_id, const char *phase,
		      const char *text, const char *text_en, const char *indicator, struct fault *f);
/* Refusals: code_taken. */
int category_add_indicator(struct store *s, const struct actor *a, int64_t category_id, const char *code,
			   const char *name_zh, const char *name_en, struct fault *f);
/* Sets the guide for a category and unit. Refusals: invalid_range. */
int price_guide_set(struct store *s, const struct actor *a, int64_t category_id, const char *unit,
		    int64_t min_fen, int64_t max_fen, struct fault *f);

struct item_in {
	int64_t company_id, category_id;
	const char *title, *unit, *description;
	int64_t price_fen;
	const char *title_en; /* the English title, or NULL: the English pages then show title */
};
/* Publishes a service item. Refusals: price_outside_guide (detail "min-max"), no_price_guide,
 * category_inactive. detail has 48 bytes. */
int service_item_create(struct store *s, const struct actor *a, const struct item_in *in, int64_t *id,
			struct fault *f, char *detail);

/* Writes the array of company_id's active service items; with worker_id, only those of the
 * worker's trades. */
void service_items_offered_json(struct store *s, int64_t company_id, int64_t worker_id, struct jw *w);

/* Writes "service_item": {"id","title","title_en","unit","price_fen"} of company_id's active item in the
 * category at that price (the cheapest, as search found it), or null. */
void service_item_brief_json(struct store *s, int64_t company_id, int64_t category_id, int64_t price, struct jw *w);

/* Writes "indicators": the category's quality indicators [{"id","code","name_zh","name_en"}]. */
void category_indicators_json(struct store *s, int64_t category_id, struct jw *w);

/* Writes the category with its items, indicators and guides. */
int category_json(struct store *s, int64_t id, struct jw *w);

#endif
