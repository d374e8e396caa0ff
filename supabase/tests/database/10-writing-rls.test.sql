-- Books, chapters and chapter versions are sealed per workspace: another workspace's member
-- and anon can neither read nor write them; a member writes, and nobody deletes through the
-- API (trash is an update; purging is the service's).
begin;
select plan(41);

select tests.create_user('w-ana@pgtap.test', '{"display_name": "Ana"}');
select tests.create_user('w-bruno@pgtap.test', '{"display_name": "Bruno"}');

-- Ana's book, chapter and version, made as the database owner.
create temporary table fixture on commit drop as
with b as (
  insert into public.books (tenant_id, title, language)
  values (tests.personal_tenant_id('w-ana@pgtap.test'), 'Ana''s novel', 'pt-BR') returning id, tenant_id
), c as (
  insert into public.chapters (tenant_id, book_id, title, content, plain_text, word_count)
  select tenant_id, id, 'One', '{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Secret words"}]}]}', 'Secret words', 2 from b
  returning id, tenant_id, book_id
), v as (
  insert into public.chapter_versions (tenant_id, chapter_id, kind, label, content, plain_text, word_count, chapter_version)
  select tenant_id, id, 'manual', 'rascunho', '{"type":"doc","content":[]}', '', 0, 1 from c returning id
)
select (select id from b) as book_id, (select tenant_id from b) as tenant_id, (select id from c) as chapter_id, (select id from v) as version_id;
grant select on fixture to authenticated, anon, service_role;

-- Another workspace's member -----------------------------------------------------------------

select tests.authenticate_as('w-bruno@pgtap.test');

select is_empty(format('select 1 from public.books where id = %L', (select book_id from fixture)), 'B cannot see A''s book');
select is_empty(format('select 1 from public.chapters where id = %L', (select chapter_id from fixture)), 'B cannot see A''s chapter');
select is_empty(format('select 1 from public.chapter_versions where id = %L', (select version_id from fixture)), 'B cannot see A''s chapter versions');
select is_empty('select 1 from public.books', 'B sees no book at all');

select is_empty(format('update public.books set title = %L where id = %L returning 1', 'Hacked', (select book_id from fixture)), 'B cannot rename A''s book');
select is_empty(format('update public.books set deleted_at = now() where id = %L returning 1', (select book_id from fixture)), 'B cannot trash A''s book');
select is_empty(format('update public.chapters set plain_text = %L where id = %L returning 1', 'Hacked', (select chapter_id from fixture)), 'B cannot edit A''s chapter');

select throws_ok(format('delete from public.books where id = %L', (select book_id from fixture)),
  '42501', 'permission denied for table books', 'B cannot delete A''s book');
select throws_ok(format('delete from public.chapters where id = %L', (select chapter_id from fixture)),
  '42501', 'permission denied for table chapters', 'B cannot delete A''s chapter');
select throws_ok(format('delete from public.chapter_versions where id = %L', (select version_id from fixture)),
  '42501', 'permission denied for table chapter_versions', 'B cannot delete A''s versions');
select throws_ok(format('update public.chapter_versions set label = %L where id = %L', 'x', (select version_id from fixture)),
  '42501', 'permission denied for table chapter_versions', 'B cannot change A''s versions');

select throws_ok(format('insert into public.books (tenant_id, title) values (%L, %L)', (select tenant_id from fixture), 'Planted'),
  '42501', 'new row violates row-level security policy for table "books"', 'B cannot add a book to A''s workspace');
select throws_ok(format($$insert into public.chapters (tenant_id, book_id, title, content) values (%L, %L, 'Planted', '{"type":"doc","content":[]}')$$,
    (select tenant_id from fixture), (select book_id from fixture)),
  '42501', 'new row violates row-level security policy for table "chapters"', 'B cannot add a chapter to A''s book');
select throws_ok(format($$insert into public.chapters (tenant_id, book_id, title, content) values (%L, %L, 'Planted', '{"type":"doc","content":[]}')$$,
    tests.personal_tenant_id('w-bruno@pgtap.test'), (select book_id from fixture)),
  '23503', null, 'B cannot point a chapter of their own workspace at A''s book (composite key)');
select throws_ok(format($$insert into public.chapter_versions (tenant_id, chapter_id, kind, content, chapter_version) values (%L, %L, 'manual', '{"type":"doc","content":[]}', 1)$$,
    (select tenant_id from fixture), (select chapter_id from fixture)),
  '42501', 'new row violates row-level security policy for table "chapter_versions"', 'B cannot add a version to A''s chapter');
select throws_ok(format($$insert into public.chapter_versions (tenant_id, chapter_id, kind, content, chapter_version) values (%L, %L, 'manual', '{"type":"doc","content":[]}', 1)$$,
    tests.personal_tenant_id('w-bruno@pgtap.test'), (select chapter_id from fixture)),
  '23503', null, 'B cannot point a version of their own workspace at A''s chapter (composite key)');

select throws_ok(format($$select public.save_chapter(%L, 1, '{"type":"doc","content":[]}', '', 0)$$, (select chapter_id from fixture)),
  'P0002', 'Chapter not found', 'B cannot save A''s chapter');
select throws_ok(format('select public.restore_chapter_version(%L)', (select version_id from fixture)),
  'P0002', 'Version not found', 'B cannot restore A''s version');
select throws_ok(format('select public.reorder_chapters(%L, array[%L]::uuid[])', (select book_id from fixture), (select chapter_id from fixture)),
  'P0002', 'Book not found', 'B cannot reorder A''s chapters');
select throws_ok('select private.purge_trash(interval ''0'')',
  '42501', 'permission denied for function purge_trash', 'a signed-in user cannot purge the trash');

-- anon ----------------------------------------------------------------------------------------

select tests.authenticate_as_anon();

select throws_ok('select 1 from public.books', '42501', 'permission denied for table books', 'anon cannot read books');
select throws_ok('select 1 from public.chapters', '42501', 'permission denied for table chapters', 'anon cannot read chapters');
select throws_ok('select 1 from public.chapter_versions', '42501', 'permission denied for table chapter_versions', 'anon cannot read versions');
select throws_ok(format('insert into public.books (tenant_id, title) values (%L, %L)', (select tenant_id from fixture), 'Anon'),
  '42501', 'permission denied for table books', 'anon cannot add books');
select throws_ok(format('update public.chapters set title = %L where id = %L', 'Anon', (select chapter_id from fixture)),
  '42501', 'permission denied for table chapters', 'anon cannot edit chapters');
select throws_ok(format('delete from public.chapter_versions where id = %L', (select version_id from fixture)),
  '42501', 'permission denied for table chapter_versions', 'anon cannot delete versions');
select throws_ok(format($$select public.save_chapter(%L, 1, '{"type":"doc","content":[]}', '', 0)$$, (select chapter_id from fixture)),
  '42501', 'permission denied for function save_chapter', 'anon cannot save chapters');

-- The member ----------------------------------------------------------------------------------

select tests.authenticate_as('w-ana@pgtap.test');

select results_eq(format('select title from public.books where id = %L', (select book_id from fixture)), array['Ana''s novel'], 'A sees their book');
select results_eq(format('update public.books set title = %L where id = %L returning title', '  Renamed  ', (select book_id from fixture)),
  array['Renamed'], 'A renames their book, trimmed');
select results_eq(format('update public.chapters set status = %L where id = %L returning status', 'revised', (select chapter_id from fixture)),
  array['revised'], 'A changes a chapter''s status');
select results_eq(format('update public.chapters set title = %L where id = %L returning updated_by', 'Uno', (select chapter_id from fixture)),
  array[tests.get_user_id('w-ana@pgtap.test')], 'an edit records who made it');
select lives_ok(format($$insert into public.chapters (tenant_id, book_id, position, title, content) values (%L, %L, 1, 'Two', '{"type":"doc","content":[]}')$$,
    (select tenant_id from fixture), (select book_id from fixture)), 'A adds a chapter');
select results_eq(format('insert into public.books (tenant_id, title, language) values (%L, %L, %L) returning created_by', (select tenant_id from fixture), 'Second', 'en'),
  array[tests.get_user_id('w-ana@pgtap.test')], 'A adds a book and is recorded as its creator');
select throws_ok(format('update public.books set created_by = null where id = %L', (select book_id from fixture)),
  '42501', 'permission denied for table books', 'A cannot rewrite who created a book');
select throws_ok(format('delete from public.books where id = %L', (select book_id from fixture)),
  '42501', 'permission denied for table books', 'A cannot delete a book outright either (trash instead)');
select results_eq(format('update public.books set deleted_at = now() where id = %L returning deleted_at is not null', (select book_id from fixture)),
  array[true], 'A moves a book to the trash');
select throws_ok(format('insert into public.books (tenant_id, title) values (%L, %L)', (select tenant_id from fixture), '   '),
  '23514', 'Book title cannot be empty', 'a blank book title is refused with a message');
select throws_ok(format('insert into public.books (tenant_id, title, language) values (%L, %L, %L)', (select tenant_id from fixture), 'X', 'fr'),
  '23514', null, 'an unsupported language is refused');

-- Purging is the service's ---------------------------------------------------------------------

select tests.authenticate_as_service_role();
-- Per workspace: other test files may have expired trash of their own at the same moment.
select is(private.purge_trash(interval '1 day', (select tenant_id from fixture)), '{"books": 0, "chapters": 0, "booksWaitingForFiles": 0}'::jsonb, 'a book trashed just now is kept for the retention period');
update public.books set deleted_at = now() - interval '31 days' where id = (select book_id from fixture);
select is(private.purge_trash(interval '30 days', (select tenant_id from fixture)), '{"books": 1, "chapters": 0, "booksWaitingForFiles": 0}'::jsonb, 'a book past the retention period is purged');
select is((select count(*)::int from public.chapter_versions where chapter_id = (select chapter_id from fixture)), 0,
  'its chapters and their versions go with it');

select * from finish();
rollback;
