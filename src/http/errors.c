/* errors.c — one table of codes and messages; keep it sorted by theme, not by status. */
#include "errors.h"

#include <string.h>

static const struct {
	const char *code;
	const char *zh;
	const char *en;
} catalogue[] = {
	/* request form */
	{"not_found", "找不到该资源。", "Not found."},
	{"method_not_allowed", "该资源不支持此请求方法。", "This method is not allowed on this resource."},
	{"payload_too_large", "请求内容过大。", "The request body is too large."},
	{"bad_request", "请求格式不正确。", "The request is malformed."},
	{"length_required", "请求须用 Content-Length 声明内容长度，不接受分块传输。", "The request must declare its length with Content-Length; chunked bodies are not accepted."},
	{"headers_too_large", "请求头过大。", "The request's header section is too large."},
	{"unsupported_media_type", "请求内容须为 application/json。", "The request body must be application/json."},
	{"invalid_json", "请求内容不是有效的 JSON。", "The request body is not valid JSON."},
	{"json_too_deep", "JSON 嵌套层级过深。", "The JSON is nested too deeply."},
	{"body_not_object", "请求内容须为 JSON 对象。", "The request body must be a JSON object."},
	{"unexpected_body", "此请求不接受请求内容。", "This request takes no body."},
	{"unknown_field", "包含未定义的字段。", "The body has a field this request does not take."},
	{"missing_field", "缺少必填字段。", "A required field is missing."},
	{"invalid_type", "字段类型不正确。", "A field has the wrong type."},
	{"too_short", "字段内容过短。", "A field is too short."},
	{"too_long", "字段内容过长。", "A field is too long."},
	{"too_many", "列表项目过多。", "A list has too many items."},
	{"out_of_range", "数值超出允许范围。", "A number is out of range."},
	{"invalid_value", "字段取值不在允许范围内。", "A field has a value that is not allowed."},
	{"invalid_characters", "字段含有不允许的字符。", "A field contains characters that are not allowed."},
	{"invalid_time", "时间格式须为带时区的 ISO 8601。", "Times must be ISO 8601 with an offset."},
	{"invalid_date", "日期格式须为 YYYY-MM-DD 的真实日期。", "Dates must be real dates written YYYY-MM-DD."},
	{"unknown_parameter", "包含未定义的查询参数。", "The query has a parameter this request does not take."},
	{"invalid_parameter", "查询参数取值不正确。", "A query parameter has an invalid value."},
	{"invalid_path", "请求路径不正确。", "The request path is not valid."},
	/* who may */
	{"unauthenticated", "请先登录。", "Please sign in."},
	{"invalid_credentials", "账号或密码不正确。", "The login or password is wrong."},
	{"reset_by_association", "服务人员账号的密码由行业协会核验本人后重置，请让服务人员联系协会客服中心。", "A worker's password is reset by the association after it has seen the person; ask the worker to call the association's service centre."},
	{"invalid_code", "账号或一次性代码不正确，或代码已过期、已用过。", "The login or the one-time code is wrong, or the code has expired or was used."},
	{"forbidden", "您没有执行此操作的权限。", "You are not allowed to do this."},
	{"csrf_failed", "请求未通过跨站请求伪造校验，请刷新页面后重试。", "The request failed its cross-site request check; reload the page and try again."},
	{"cross_origin", "不接受来自其他站点的请求。", "Requests from other sites are not accepted."},
	{"too_many_requests", "请求过于频繁，请稍后再试。", "Too many requests; try again later."},
	{"consent_required", "查看服务人员的完整档案须经其本人授权。", "The worker's full record is shown only with their consent."},
	{"request_pending", "已请求过授权，正在等待服务人员答复。", "You have asked already; the worker has not answered yet."},
	{"erasure_pending", "您的注销申请已在协会处理中。", "Your request to close the account is with the association already."},
	{"already_granted", "服务人员已授权您查看其完整档案。", "The worker has already let you see their full record."},
	{"grant_too_long", "授权期限超过协会规定的上限。", "The consent lasts longer than the association's standard allows."},
	{"no_worker", "该预约尚未指派服务人员。", "No worker has been assigned to this booking yet."},
	{"too_many_open_requests", "您已有 5 项申请尚未答复，请等待答复后再提出新的申请。", "You have 5 requests still unanswered; wait for an answer before asking again."},
	{"account_managed", "该账号由所在单位管理，请联系本单位管理员。", "This account is managed by your organisation; ask its administrator."},
	{"open_matters", "尚有进行中的预约或未办结的投诉、赔偿，办结后才能注销账号。", "Bookings still under way, or complaints or claims still open, keep the account open until they are settled."},
	{"destroyed", "该信息已按保留期限销毁。", "This information was destroyed as the retention standards require."},
	{"too_many_attempts", "登录失败次数过多，请稍后再试。", "Too many failed sign-ins; try again later."},
	/* records */
	{"conflict", "与现有记录冲突。", "This conflicts with an existing record."},
	{"login_taken", "该登录名已被使用。", "This login is already taken."},
	{"org_name_taken", "已有同名机构。", "An organisation with this name already exists."},
	{"uscc_taken", "该统一社会信用代码已登记。", "This unified social credit code is already registered."},
	{"invalid_uscc", "统一社会信用代码不正确（GB 32100 校验未通过）。", "The unified social credit code is not valid (GB 32100 check failed)."},
	{"uscc_required", "企业须登记统一社会信用代码。", "A company must have a unified social credit code."},
	{"password_too_short", "密码至少需要 12 个字符。", "The password must have at least 12 characters."},
	{"password_too_long", "密码不能超过 128 个字符。", "The password must have at most 128 characters."},
	{"password_invalid", "密码不能包含控制字符。", "The password must not contain control characters."},
	{"password_common", "密码太容易被猜到（常见密码、字典中的词、简单序列或重复），请换一句更长、更少见的话。", "This password is too easy to guess (a common password, a dictionary word, a sequence or a repetition); choose a longer, less common phrase."},
	{"password_contains_login", "密码不能包含登录名。", "The password must not contain the login."},
	{"password_contains_name", "密码不能包含本人的姓名。", "The password must not contain the person's name."},
	{"password_check_unavailable", "服务器暂时无法检查密码（缺少密码字典），请联系平台运维人员。", "The server cannot check passwords now (its password dictionary is missing); tell the platform's operators."},
	{"wrong_password", "当前密码不正确。", "The current password is wrong."},
	{"role_org_mismatch", "该角色不能属于此类机构。", "This role cannot belong to this kind of organisation."},
	{"org_not_found", "机构不存在。", "The organisation does not exist."},
	{"association_exists", "平台只设一个行业协会。", "The platform has one industry association, and it exists already."},
	{"cannot_disable_self", "不能停用自己的账号。", "You cannot disable your own account."},
	/* workers */
	{"invalid_id_number", "身份证号码不正确（GB 11643 校验未通过）。", "The resident ID number is not valid (GB 11643 check failed)."},
	{"invalid_phone", "手机号码不正确。", "The mobile number is not valid."},
	{"already_registered", "该人员已是本企业的在职家政服务员。", "This person is already one of your company's workers."},
	{"person_revoked", "该人员的从业资格已被行业吊销，不能再登记。", "This person's qualification was revoked industry-wide; they cannot be registered."},
	{"name_mismatch", "该身份证号已登记在另一个姓名下。", "This ID number is registered under another name."},
	{"transfer_pending", "已向该人员发出转入申请，正在等待本人确认。", "A request to register this person is already waiting for their confirmation."},
	{"invalid_transfer_code", "转入确认码不正确或已过期，请让服务人员在本人账号中重新生成。", "The transfer code is wrong or has expired; ask the worker to make a new one in their own account."},
	{"transfer_expired", "该转入申请已过期。", "This transfer request has expired."},
	{"transfer_not_possible", "该人员当前不能转入（已被吊销资格，或已在该企业）。", "This person cannot move now (their qualification was revoked, or they are already there)."},
	{"too_many_lookups", "本企业本小时按身份证号查询人员的次数已达上限，请稍后再试。", "Your company has looked up the most people by ID number allowed in an hour; try again later."},
	{"date_in_future", "日期不能晚于今天。", "The date cannot be later than today."},
	{"date_in_past", "日期不能早于今天。", "The date cannot be earlier than today."},
	{"invalid_validity", "有效期不能早于检查日期。", "The validity cannot end before the check was made."},
	{"background_fail_standing", "该人员有未通过的背景审查，只有行业协会可以记录新的通过结果。", "A failed background check stands; only the association can record a pass."},
	{"import_rejected", "导入被拒绝：有错误的行，未导入任何记录。", "The import was refused: some rows have errors, and nothing was imported."},
	{"csv_malformed", "CSV 格式错误（引号未闭合）。", "The CSV is malformed (an unclosed quote)."},
	{"csv_empty", "CSV 文件是空的。", "The CSV file is empty."},
	{"missing_column", "缺少必需的列。", "A required column is missing."},
	{"too_many_rows", "行数超过上限（10000 行）。", "Too many rows (at most 10,000)."},
	{"duplicate_in_file", "同一身份证号在文件中出现了两次。", "The same ID number appears twice in the file."},
	{"worker_not_found", "该家政服务员不是本企业的在职人员。", "This worker is not one of the company's current workers."},
	{"worker_has_account", "该家政服务员已有登录账号。", "This worker already has a login."},
	/* training */
	{"code_taken", "该代码已被使用。", "This code is already taken."},
	{"trade_required", "技能课程须指定工种。", "A skill course needs a trade."},
	{"trade_not_allowed", "只有技能课程才指定工种。", "Only skill courses have a trade."},
	{"invalid_period", "结束时间须晚于开始时间。", "The end must be after the start."},
	{"course_inactive", "该课程已停用。", "This course is no longer active."},
	{"course_not_found", "课程不存在。", "The course does not exist."},
	{"already_enrolled", "该人员已报名此培训班。", "This person is already enrolled."},
	{"session_full", "培训班已满。", "The session is full."},
	{"session_cancelled", "培训班已取消。", "The session was cancelled."},
	{"session_not_started", "培训班尚未开始，不能记录成绩。", "The session has not started; results cannot be recorded yet."},
	{"score_without_attendance", "未出勤者不能有成绩。", "Someone who did not attend cannot have a score."},
	{"worker_revoked", "该人员的从业资格已被吊销。", "This person's qualification was revoked."},
	/* certificates */
	{"requirements_unmet", "不满足发证条件。", "The certificate's requirements are not met."},
	{"certificate_exists", "该工种已有有效证书，请办理续期。", "There is a valid certificate for this trade already; renew it."},
	{"credits_insufficient", "有效期内取得的学分不足，不能续期。", "Not enough credits were earned during the validity to renew."},
	{"not_renewable", "该证书不能续期。", "This certificate cannot be renewed."},
	{"not_revocable", "该证书不能吊销。", "This certificate cannot be revoked."},
	/* services and bookings */
	{"too_many_signups", "该网络地址注册过于频繁，请稍后再试。", "Too many sign-ups from this address; try again later."},
	{"indicator_unknown", "该类别没有这个质量指标。", "The category has no such quality indicator."},
	{"indicator_not_allowed", "只有服务中操作项目才计入质量指标。", "Only in-service items count towards a quality indicator."},
	{"invalid_range", "最低价不能高于最高价。", "The minimum cannot be above the maximum."},
	{"no_price_guide", "协会尚未发布该类别和计价单位的指导价。", "The association has published no price guide for this category and unit."},
	{"price_outside_guide", "价格超出协会指导价范围。", "The price is outside the association's price guide."},
	{"category_inactive", "该服务类别已停用。", "This service category is no longer offered."},
	{"item_inactive", "该服务项目已下架。", "This service item is no longer offered."},
	{"start_in_past", "服务开始时间不能早于现在。", "The service cannot start in the past."},
	{"period_too_long", "一次预约最长 31 天。", "A booking can last at most 31 days."},
	{"too_far_ahead", "最多可预约一年以内的服务。", "A booking can start at most a year ahead."},
	{"worker_not_of_company", "该家政服务员不是提供此服务企业的在职人员。", "This worker is not employed by the company offering the service."},
	{"worker_not_eligible", "该家政服务员此时不能上岗服务。", "This worker may not serve at that time."},
	{"worker_busy", "该家政服务员在此时段已有预约。", "This worker already has a booking at that time."},
	{"invalid_transition", "当前状态不允许此操作。", "Its current state does not allow this."},
	{"no_worker", "预约尚未指派家政服务员。", "No worker has been assigned to the booking yet."},
	{"too_early", "服务开始前两小时内才能签到。", "Check-in opens two hours before the start."},
	{"not_started", "服务尚未开始。", "The service has not started yet."},
	{"item_unknown", "该项目不属于此类别的这一阶段。", "The item is not one of this category's items for this step."},
	{"checklist_incomplete", "还有未完成的清单项目。", "Some checklist items are not answered."},
	{"already_reviewed", "该预约已经评价过。", "This booking has been reviewed already."},
	/* complaints and compensation */
	{"subject_required", "请指明投诉的预约、家政服务员或企业。", "Name the booking, worker or company the complaint is about."},
	{"subject_mismatch", "所填企业或家政服务员与预约不符。", "The company or worker given does not match the booking."},
	{"worker_not_at_company", "该家政服务员不在所选企业任职。", "This worker does not work for the company chosen."},
	{"worker_without_company", "该家政服务员目前不在任何企业任职，请投诉其原企业。", "This worker has no current employer; complain about the company instead."},
	{"agent_only", "此项只由客服中心代客户填写。", "Only the service centre fills this in, for a customer."},
	{"handled_by_association", "此投诉已由协会接管处理。", "The association has taken over this complaint."},
	{"already_escalated", "此投诉已升级至协会。", "This complaint has already been escalated."},
	{"already_taken_over", "协会已接管此投诉。", "The association has already taken over this complaint."},
	{"reopen_window_closed", "已超过可要求重新处理的期限。", "The time to reopen this complaint has passed."},
	{"too_many_complaints", "今天提交的投诉已达上限，如有紧急情况请致电客服中心。", "You have filed the most complaints allowed in a day; for anything urgent, call the service centre."},
	{"too_many_claims", "一件投诉最多提出 5 项赔偿申请。", "A complaint can have at most 5 claims."},
	{"approved_above_claim", "批准金额不能超过申请金额。", "The approved amount cannot exceed the amount claimed."},
	{"advance_by_association", "先行赔付只能由协会决定。", "Only the association can decide on an advance payment."},
	{"amount_mismatch", "支付金额须等于批准的赔偿金额。", "The payment must be the approved amount."},
	{"date_before_decision", "支付日期不能早于赔偿决定的日期。", "The payment cannot be dated before the claim was decided."},
	{"date_before_payment", "追偿日期不能早于先行赔付的日期。", "The recovery cannot be dated before the advance was paid."},
	{"recovery_exceeds", "追偿金额超过了尚未追回的先行赔付金额。", "The recovery is more than what is still owed on the advance payment."},
	{"payment_not_overdue", "只有逾期未付的赔偿，协会才能先行赔付。", "The association pays in advance only a compensation whose payment is overdue."},
	/* the platform */
	{"store_busy", "系统繁忙，请稍后重试。", "The system is busy; try again shortly."},
	{"server_busy", "服务器正忙，请稍后重试。", "The server is busy; try again shortly."},
	{"store_unavailable", "数据暂时无法写入，请稍后重试。", "Data cannot be written right now; try again shortly."},
	{"shutting_down", "服务正在重启，请稍后重试。", "The service is restarting; try again shortly."},
	{"internal_error", "服务器内部错误。", "Internal server error."},
	/* the audit chain: reason codes of its verification */
	{"checkpoint_mismatch", "审计链与协会签名的检查点不符：检查点所签的记录已被改写或删除。", "The audit chain no longer matches a checkpoint the association signed: a record it covers was rewritten or removed."},
	{"checkpoint_forged", "检查点的签名不是协会密钥的有效签名。", "A checkpoint does not carry a valid signature of the association's key."},
	/* spot checks */
	{"month_not_ended", "只能为已经结束的月份制定抽查计划。", "A sampling plan can only be made for a month that has ended."},
	{"not_inspection_body", "该机构不是第三方评估机构。", "This organisation is not a third-party inspection body."},
	{"plan_exists", "该评估机构这一月份的抽查计划已经制定。", "This inspection body already has a sampling plan for that month."},
	{"nothing_to_sample", "这个月份没有已完成的服务，无可抽查。", "No service was completed in that month: there is nothing to sample."},
	{"not_inspector", "该用户不是此评估机构的在岗评估员。", "This user is not an active inspector of the plan's inspection body."},
	{"contact_unavailable", "该预约的联系方式无法打开（以另一把密钥加密）。", "This booking's contact details cannot be opened (sealed under another key)."},
	{"invalid_visit_time", "回访时间不能晚于现在，也不能早于服务开始时间。", "The visit cannot be in the future or before the service started."},
	{"no_indicators", "该服务类别尚未设置质量指标，无法评分。", "The service category has no quality indicators to score."},
	{"scores_incomplete", "该类别的每项质量指标须各评分一次。", "Every quality indicator of the category must be scored exactly once."},
	{"note_required", "不通过核验时须说明理由。", "A note is required when the rectification is not accepted."},
	/* the worker's and the customer's day */
	{"too_many_addresses", "最多可保存 10 个地址，请先删除不用的地址。", "You can keep at most 10 addresses; remove one you no longer use first."},
	{"caller_not_confirmed", "姓名与预约编号或预约时留的手机号对不上，无法确认来电人是账号本人。", "The name does not match the booking number or the telephone booked with: the caller is not confirmed as the account's holder."},
	{"too_many_unconfirmed", "未能确认的来电过多，请稍后再试。", "Too many callers could not be confirmed; try again later."},
};

const char *error_message(const char *code, int lang)
{
	for (size_t i = 0; i < sizeof catalogue / sizeof catalogue[0]; i++)
		if (strcmp(catalogue[i].code, code) == 0)
			return lang ? catalogue[i].en : catalogue[i].zh;
	return lang ? "The request could not be completed." : "请求未能完成。";
}

int error_known(const char *code)
{
	for (size_t i = 0; i < sizeof catalogue / sizeof catalogue[0]; i++)
		if (strcmp(catalogue[i].code, code) == 0)
			return 1;
	return 0;
}
