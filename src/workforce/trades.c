/* trades.c — the reference lists and their public endpoints. */
#include "trades.h"

#include <string.h>

#include "http/req.h"

const struct named_code trades[TRADE_COUNT] = {
	{"household", "家政服务员", "Household service worker"},
	{"maternity", "母婴护理员", "Maternity and newborn carer"},
	{"childcare", "育婴员", "Infant and child carer"},
	{"elderly_care", "养老护理员", "Elderly carer"},
	{"cleaning", "保洁员", "Cleaner"},
	{"cooking", "家庭烹饪员", "Home cook"},
};

const struct named_code levels[LEVEL_COUNT] = {
	{"junior", "五级/初级工", "Level 5 (junior)"},
	{"intermediate", "四级/中级工", "Level 4 (intermediate)"},
	{"senior", "三级/高级工", "Level 3 (senior)"},
	{"technician", "二级/技师", "Level 2 (technician)"},
	{"senior_technician", "一级/高级技师", "Level 1 (senior technician)"},
};

const char *const trade_codes[TRADE_COUNT + 1] = {"household", "maternity", "childcare",
						  "elderly_care", "cleaning", "cooking", NULL};
const char *const level_codes[LEVEL_COUNT + 1] = {"junior", "intermediate", "senior", "technician",
						  "senior_technician", NULL};

/* Short Chinese names people also write in spreadsheets. */
static const char *const level_short[LEVEL_COUNT][2] = {
	{"五级", "初级"}, {"四级", "中级"}, {"三级", "高级"}, {"二级", "技师"}, {"一级", "高级技师"},
};

int trade_index(const char *s)
{
	for (int i = 0; s && i < TRADE_COUNT; i++)
		if (strcmp(s, trades[i].code) == 0 || strcmp(s, trades[i].zh) == 0)
			return i;
	return -1;
}

int level_index(const char *s)
{
	for (int i = 0; s && i < LEVEL_COUNT; i++)
		if (strcmp(s, levels[i].code) == 0 || strcmp(s, levels[i].zh) == 0 ||
		    strcmp(s, level_short[i][0]) == 0 || strcmp(s, level_short[i][1]) == 0)
			return i;
	return -1;
}

static void reply_named(struct req *r, const struct named_code *list, int n)
{
	struct jw *w = req_jw(r);
	jw_obj(w);
	jw_key(w, "items");
	jw_arr(w);
	for (int i = 0; i < n; i++) {
		jw_obj(w);
		jw_kstr(w, "code", list[i].code);
		jw_kstr(w, "name_zh", list[i].zh);
		jw_kstr(w, "name_en", list[i].en);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_kint(w, "page", 1);
	jw_kint(w, "per_page", n);
	jw_kint(w, "total", n);
	jw_obj_end(w);
	req_header_static(r, "Cache-Control", "public, max-age=3600");
	req_send(r, 200);
}

void api_public_trades(struct req *r)
{
	reply_named(r, trades, TRADE_COUNT);
}

void api_public_levels(struct req *r)
{
	reply_named(r, levels, LEVEL_COUNT);
}
