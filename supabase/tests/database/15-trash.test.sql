-- Purging the trash: only what is older than the retention period, per workspace or for all,
-- and never a book whose export files are still in Storage; only the service purges.
begin;
select plan(16);

select tests.create_user('tr-ana@pgtap.test', '{"display_name": "Ana"}');
select tests.create_user('tr-bruno@pgtap.test', '{"display_name": "Bruno"}');

create temporary table fixture on commit drop as
with live as (
  insert into public.books (tenant_id, title) values (tests.personal_tenant_id('tr-ana@pgtap.test'), 'Live') returning id, tenant_id
), with_files as (
  insert into public.books (tenant_id, title, deleted_at)
  values (tests.personal_tenant_id('tr-ana@pgtap.test'), 'Old, with exports', now() - interval '31 days') returning id, tenant_id
), old_book as (
  insert into public.books (tenant_id, title, deleted_at)
  values (tests.personal_tenant_id('tr-ana@pgtap.test'), 'Old', now() - interval '31 days') returning id
), recent_book as (
  insert into public.books (tenant_id, title, deleted_at)
  values (tests.personal_tenant_id('tr-ana@pgtap.test'), 'Recent', now() - interval '29 days') returning id
), bruno_book as (
  insert into public.books (tenant_id, title, deleted_at)
  values (tests.personal_tenant_id('tr-bruno@pgtap.test'), 'Bruno''s old', now() - interval '40 days') returning id
), chapters as (
  insert into public.chapters (tenant_id, book_id, position, title, content, deleted_at)
  select live.tenant_id, live.id, n, 'Chapter ' || n, '{"type":"doc","content":[]}',
         case n when 1 then now() - interval '31 days' when 2 then now() - interval '2 days' end
  from live, generate_series(0, 2) n
  returning id, position
)
select (select id from live) as live_id, (select tenant_id from live) as ana_tenant,
       (select id from with_files) as with_files_id, (select id from old_book) as old_id,
       (select id from recent_book) as recent_id, (select id from bruno_book) as bruno_id,
       (select id from chapters where position = 1) as old_chapter, (select id from chapters where position = 2) as recent_chapter;
grant select on fixture to authenticated, service_role;

insert into storage.buckets (id, name) values ('exports', 'exports') on conflict (id) do nothing;
insert into storage.objects (bucket_id, name)
select 'exports', ana_tenant || '/' || with_files_id || '/export.epub' from fixture;

select is(private.trash_retention(), interval '30 days', 'the trash keeps things for 30 days');

-- Only the service purges ------------------------------------------------------------------------

select tests.authenticate_as('tr-ana@pgtap.test');
select throws_ok(format('select private.purge_trash(interval ''0'', %L)', (select ana_tenant from fixture)),
  '42501', 'permission denied for function purge_trash', 'a member cannot purge their workspace''s trash');
select throws_ok('select private.trash_retention()', '42501', null, 'the retention function is the service''s');

-- One workspace ----------------------------------------------------------------------------------

select tests.authenticate_as_service_role();
select throws_ok(format('select private.purge_trash(interval ''-1 day'', %L)', (select ana_tenant from fixture)),
  '22023', 'purge_trash needs a non-negative retention period', 'a negative retention period is refused');
select is(private.purge_trash(interval '30 days', (select ana_tenant from fixture)),
  '{"books": 1, "chapters": 1, "booksWaitingForFiles": 1}'::jsonb,
  'the workspace''s expired book without files and expired chapter go; the book with files waits');
select is_empty(format('select 1 from public.books where id = %L', (select old_id from fixture)), 'the expired book is gone');
select isnt_empty(format('select 1 from public.books where id = %L', (select with_files_id from fixture)), 'the expired book with export files is kept');
select isnt_empty(format('select 1 from public.books where id = %L', (select recent_id from fixture)), 'a book trashed 29 days ago is kept');
select is_empty(format('select 1 from public.chapters where id = %L', (select old_chapter from fixture)), 'the expired chapter is gone');
select isnt_empty(format('select 1 from public.chapters where id = %L', (select recent_chapter from fixture)), 'a chapter trashed 2 days ago is kept');
select is((select count(*)::int from public.chapters where book_id = (select live_id from fixture)), 2, 'the live book keeps its chapters outside the trash');
select isnt_empty(format('select 1 from public.books where id = %L', (select bruno_id from fixture)), 'another workspace''s expired book is left alone');

-- Once the files are gone the book goes; the all-workspaces form purges the rest -----------------

select tests.clear_authentication();
delete from storage.objects where bucket_id = 'exports' and name like (select ana_tenant || '/' || with_files_id || '/%' from fixture);
select tests.authenticate_as_service_role();
select is(private.purge_trash(interval '30 days', (select ana_tenant from fixture)),
  '{"books": 1, "chapters": 0, "booksWaitingForFiles": 0}'::jsonb, 'the book goes once its export files are removed');
-- Other test files may have expired trash at the same moment: check keys and rows, not counts.
select is(array(select jsonb_object_keys(private.purge_trash(interval '30 days')) order by 1), array['books', 'chapters'],
  'the scheduled form purges every workspace and answers {books, chapters}');
select is_empty(format('select 1 from public.books where id = %L', (select bruno_id from fixture)), 'including the other workspace''s expired book');

-- Scheduling -------------------------------------------------------------------------------------

select tests.clear_authentication();
select is(private.schedule_trash_purge(), exists (select 1 from pg_extension where extname = 'pg_cron'),
  'the nightly purge is scheduled exactly where pg_cron is installed');

select * from finish();
rollback;
