-- 013_item_titles_login_names: a service item's English title, which the company may give beside the
-- Chinese one (the English pages show it where there is one, the Chinese title otherwise); and a
-- worker's login named as their record, for the logins linked before the rule held.

ALTER TABLE service_items ADD COLUMN title_en TEXT;

UPDATE users SET name = (SELECT w.name FROM workers w WHERE w.user_id = users.id)
  WHERE id IN (SELECT user_id FROM workers WHERE user_id IS NOT NULL)
    AND name <> (SELECT w.name FROM workers w WHERE w.user_id = users.id);
