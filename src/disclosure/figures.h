/* figures.h — what the public sees of complaint handling and spot checks: per company and month,
 * counts only (complaints received, answered and resolved in time, findings, compensation paid by
 * the company's side and confirmed, recorded but unconfirmed, advanced and recovered by the
 * association, claims disputed, spot checks and their results), never anything personal. */
#ifndef DISCLOSURE_FIGURES_H
#define DISCLOSURE_FIGURES_H

#include <stdint.h>

#include "util/json_out.h"

struct store;

/* Writes "complaints": the company's last six months, newest first (for its public profile). */
void complaint_figures_json(struct store *s, int64_t company_id, struct jw *w);

#endif
