/* lapses.h — telling a worker, once, that something their serving rests on is about to lapse: a
 * certificate, a background check, a health examination, insurance, the quarter's refresher (what
 * "may serve now" warns of, within the standard's warning days). A pass of the deadline job, once a
 * local day. */
#ifndef LAPSES_H
#define LAPSES_H

#include <stdint.h>

struct store;

/* Leaves each worker with an account a notice of each thing of theirs lapsing within the warning
 * window they were not told of yet (lapse_notices marks it, with its date: renewed, it is told
 * again before its next date), in one transaction with an audit record per worker told. Does
 * nothing when a pass already ran on this local day ('lapses.day' in the settings). *sent counts
 * the notices. */
int lapses_notify(struct store *s, int64_t now, int *sent);

#endif
