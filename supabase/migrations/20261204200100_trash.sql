-- The trash: how long a trashed book or chapter is kept, and purging it without leaving a
-- book's export files behind. See docs/decisions/011-trash.md.
--
-- A book's export files live in Storage (bucket `exports`, `{tenant_id}/{book_id}/...`).
-- SQL cannot delete them (the Storage API owns the bytes), so the rule is: a book row is
-- purged only once it has no export file left. The app's purge (app/modules/trash) removes
-- the files through the Storage API first, then calls private.purge_trash for the workspace.

-- ---------------------------------------------------------------------------------------
-- The retention period, in one place for SQL
-- ---------------------------------------------------------------------------------------

create function private.trash_retention()
returns interval
language sql
immutable
set search_path = ''
as $$
  select interval '30 days'
$$;

comment on function private.trash_retention() is
  'How long a trashed book or chapter stays restorable. The app''s TRASH_RETENTION_DAYS (app/modules/trash/retention.ts) must say the same.';

revoke all on function private.trash_retention() from public, anon, authenticated;
grant execute on function private.trash_retention() to service_role;

-- ---------------------------------------------------------------------------------------
-- purge_trash: per workspace or for all, never a book that still has export files
-- ---------------------------------------------------------------------------------------

-- only_tenant null: every workspace (the scheduled job). Returns how many books and chapters
-- went, and how many expired books were kept because their export files are still stored.
create function private.purge_trash(older_than interval, only_tenant uuid)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  cutoff timestamptz := now() - older_than;
  purged_books integer;
  purged_chapters integer;
  waiting_books integer;
begin
  if older_than is null or older_than < interval '0' then
    raise exception 'purge_trash needs a non-negative retention period'
      using errcode = 'invalid_parameter_value';
  end if;

  delete from public.books b
  where b.deleted_at is not null and b.deleted_at < cutoff
    and (only_tenant is null or b.tenant_id = only_tenant)
    and not exists (
      select 1 from storage.objects o
      where o.bucket_id = 'exports' and o.name like b.tenant_id::text || '/' || b.id::text || '/%'
    );
  get diagnostics purged_books = row_count;

  delete from public.chapters c
  where c.deleted_at is not null and c.deleted_at < cutoff
    and (only_tenant is null or c.tenant_id = only_tenant);
  get diagnostics purged_chapters = row_count;

  select count(*)::int into waiting_books from public.books b
  where b.deleted_at is not null and b.deleted_at < cutoff
    and (only_tenant is null or b.tenant_id = only_tenant);

  return jsonb_build_object('books', purged_books, 'chapters', purged_chapters, 'booksWaitingForFiles', waiting_books);
end
$$;

comment on function private.purge_trash(interval, uuid) is
  'Service role: deletes books and chapters trashed before now() - older_than (in one workspace, or all when null); a book whose export files are still in Storage is kept until they are removed.';

-- The original one-argument form keeps its answer ({books, chapters}) and now follows the
-- same rule about export files.
create or replace function private.purge_trash(older_than interval)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  result jsonb := private.purge_trash(older_than, null::uuid);
begin
  return jsonb_build_object('books', result -> 'books', 'chapters', result -> 'chapters');
end
$$;

comment on function private.purge_trash(interval) is
  'Service role: private.purge_trash(older_than, null) for every workspace, answering {books, chapters}.';

revoke all on function private.purge_trash(interval, uuid) from public, anon, authenticated;
grant execute on function private.purge_trash(interval, uuid) to service_role;

-- ---------------------------------------------------------------------------------------
-- Scheduling: pg_cron where the database has it
-- ---------------------------------------------------------------------------------------

-- Schedules the nightly purge when pg_cron is installed (Supabase: Database → Extensions →
-- pg_cron); answers whether it did. Without pg_cron (the local PGlite stack) nothing happens
-- and the app's purge (run when a trash page opens) is the only one. Safe to call again:
-- cron.schedule replaces a job of the same name. The job purges chapters and books without
-- export files; a book with files waits for the app's purge, which removes the files first.
create function private.schedule_trash_purge()
returns boolean
language plpgsql
set search_path = ''
as $$
begin
  if not exists (select 1 from pg_catalog.pg_extension where extname = 'pg_cron') then
    return false;
  end if;
  -- Dynamic SQL: the cron schema does not exist where pg_cron is missing.
  execute 'select cron.schedule($1, $2, $3)'
    using 'flowstory-purge-trash', '17 3 * * *', 'select private.purge_trash(private.trash_retention(), null)';
  return true;
end
$$;

comment on function private.schedule_trash_purge() is
  'Schedules private.purge_trash nightly with pg_cron when it is installed; false (and nothing done) otherwise.';

revoke all on function private.schedule_trash_purge() from public, anon, authenticated;

select private.schedule_trash_purge();
