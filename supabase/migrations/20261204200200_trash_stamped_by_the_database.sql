-- The trash is stamped by the database's clock, never by the caller.
--
-- Members may move books and chapters to the trash (deleted_at) and back (null), but the purge
-- trusts deleted_at: a member who could write any value (e.g. 2000-01-01 through the data API)
-- could have any book of a shared workspace purged at once, skipping the 30-day retention. For
-- signed-in users and anon this trigger turns every move to the trash into now(), keeps a
-- trashed item's timestamp from being rewritten, and leaves restoring (null) alone. The
-- service role and the database owner (maintenance, tests) are not restricted. (Users cannot
-- insert deleted_at at all: it is not in their column grants.)

create function private.stamp_trash()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if current_user not in ('authenticated', 'anon') then
    return new;
  end if;
  if new.deleted_at is not null and old.deleted_at is null then
    new.deleted_at := now();
  elsif new.deleted_at is not null then
    -- Already in the trash: the original time stays (retention counts from it).
    new.deleted_at := old.deleted_at;
  end if;
  return new;
end
$$;

comment on function private.stamp_trash() is
  'For signed-in users: deleted_at is now() when an item moves to the trash, unchangeable while there, null on restore.';

create trigger books_stamp_trash
  before update of deleted_at on public.books
  for each row execute function private.stamp_trash();

create trigger chapters_stamp_trash
  before update of deleted_at on public.chapters
  for each row execute function private.stamp_trash();

revoke all on function private.stamp_trash() from public, anon, authenticated;
