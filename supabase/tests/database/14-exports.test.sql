-- Exports are sealed per workspace, in the table and in the `exports` bucket: another
-- workspace's member and anon can neither read nor write them; a member can, and only under
-- {tenant_id}/{book_id}/{export_id}.{ext}, and only a file that is really stored gets a row.
begin;
select plan(38);

select tests.create_user('x-ana@pgtap.test', '{"display_name": "Ana"}');
select tests.create_user('x-bruno@pgtap.test', '{"display_name": "Bruno"}');

-- Ana's book with a chapter, a second book, one stored file and its row, made as the owner.
create temporary table fixture on commit drop as
with b as (
  insert into public.books (tenant_id, title) values (tests.personal_tenant_id('x-ana@pgtap.test'), 'Ana''s novel')
  returning id, tenant_id
), other as (
  insert into public.books (tenant_id, title) values (tests.personal_tenant_id('x-ana@pgtap.test'), 'Another novel')
  returning id
), c as (
  insert into public.chapters (tenant_id, book_id, title, content)
  select tenant_id, id, 'One', '{"type":"doc","content":[]}' from b returning id
), oc as (
  insert into public.chapters (tenant_id, book_id, title, content)
  select b.tenant_id, other.id, 'Elsewhere', '{"type":"doc","content":[]}' from b, other returning id
)
select b.id as book_id, b.tenant_id, (select id from other) as other_book_id, (select id from c) as chapter_id,
       (select id from oc) as other_chapter_id, gen_random_uuid() as export_id,
       tests.personal_tenant_id('x-bruno@pgtap.test') as bruno_tenant_id
from b;
alter table fixture add column path text;
update fixture set path = tenant_id || '/' || book_id || '/' || export_id || '.epub';
grant select on fixture to authenticated, anon, service_role;

insert into storage.objects (bucket_id, name, metadata)
select 'exports', path, '{"size": 10, "mimetype": "application/epub+zip"}' from fixture;
insert into public.exports (id, tenant_id, book_id, format, object_path, byte_size, created_by)
select export_id, tenant_id, book_id, 'epub', path, 10, tests.get_user_id('x-ana@pgtap.test') from fixture;

-- Ids and paths the member's steps below use.
create temporary table fresh on commit drop as
select gen_random_uuid() as id, (select tenant_id from fixture) as tenant_id, (select book_id from fixture) as book_id;
alter table fresh add column path text;
update fresh set path = tenant_id || '/' || book_id || '/' || id || '.md';
-- A file whose row would lie about it.
create temporary table wrong on commit drop as
select gen_random_uuid() as id, (select tenant_id || '/' || book_id || '/' || gen_random_uuid() || '.docx' from fixture) as path;
create temporary table elsewhere on commit drop as
select gen_random_uuid() as id, (select tenant_id from fixture) as tenant_id, (select book_id from fixture) as book_id;
alter table elsewhere add column path text;
update elsewhere set path = tenant_id || '/' || book_id || '/' || id || '.md';
grant select on fresh, wrong, elsewhere to authenticated, anon, service_role;

-- The bucket ------------------------------------------------------------------------------------

select results_eq(
  $$select public, file_size_limit, allowed_mime_types from storage.buckets where id = 'exports'$$,
  $$values (false, 50000000::bigint, array['text/markdown', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/epub+zip'])$$,
  'exports is a private bucket with a size limit and the three formats'' types');

-- Another workspace's member -------------------------------------------------------------------

select tests.authenticate_as('x-bruno@pgtap.test');

select is_empty(format('select 1 from public.exports where id = %L', (select export_id from fixture)), 'B cannot see A''s export');
select is_empty('select 1 from public.exports', 'B sees no export at all');
select is_empty(format($$select 1 from storage.objects where bucket_id = 'exports' and name = %L$$, (select path from fixture)),
  'B cannot see A''s export file');
select is_empty($$select 1 from storage.objects where bucket_id = 'exports'$$, 'B sees no export file at all');

select is_empty(format('delete from public.exports where id = %L returning 1', (select export_id from fixture)), 'B cannot delete A''s export row');
select is_empty(format($$delete from storage.objects where bucket_id = 'exports' and name = %L returning 1$$, (select path from fixture)),
  'B cannot delete A''s export file');
select throws_ok(format('update public.exports set expires_at = now() + interval ''1 year'' where id = %L', (select export_id from fixture)),
  '42501', 'permission denied for table exports', 'B cannot change A''s export');
select is_empty(format($$update storage.objects set name = name || '.x' where bucket_id = 'exports' and name = %L returning 1$$, (select path from fixture)),
  'B cannot rename A''s export file');

select throws_ok(format($$insert into storage.objects (bucket_id, name) values ('exports', %L)$$,
    (select tenant_id || '/' || book_id || '/' || gen_random_uuid() || '.md' from fixture)),
  '42501', 'new row violates row-level security policy for table "objects"', 'B cannot store a file in A''s folder');
select throws_ok(format($$insert into storage.objects (bucket_id, name) values ('exports', %L)$$,
    (select bruno_tenant_id || '/' || book_id || '/' || gen_random_uuid() || '.md' from fixture)),
  '42501', 'new row violates row-level security policy for table "objects"', 'B cannot store a file for A''s book under B''s own folder');
select throws_ok(format('insert into public.exports (id, tenant_id, book_id, format, object_path, byte_size) values (%L, %L, %L, %L, %L, 1)',
    (select export_id from fixture), (select tenant_id from fixture), (select book_id from fixture), 'epub', (select path from fixture)),
  '42501', 'new row violates row-level security policy for table "exports"', 'B cannot record an export in A''s workspace');

-- anon --------------------------------------------------------------------------------------------

select tests.authenticate_as_anon();

select throws_ok('select 1 from public.exports', '42501', 'permission denied for table exports', 'anon cannot read exports');
select throws_ok(format('insert into public.exports (tenant_id, book_id, format, object_path, byte_size) values (%L, %L, %L, %L, 1)',
    (select tenant_id from fixture), (select book_id from fixture), 'md', 'x'),
  '42501', 'permission denied for table exports', 'anon cannot record exports');
select throws_ok(format('delete from public.exports where id = %L', (select export_id from fixture)),
  '42501', 'permission denied for table exports', 'anon cannot delete exports');
select is_empty($$select 1 from storage.objects where bucket_id = 'exports'$$, 'anon sees no export file');
select throws_ok(format($$insert into storage.objects (bucket_id, name) values ('exports', %L)$$,
    (select tenant_id || '/' || book_id || '/' || gen_random_uuid() || '.md' from fixture)),
  '42501', 'new row violates row-level security policy for table "objects"', 'anon cannot store an export file');
select is_empty(format($$delete from storage.objects where bucket_id = 'exports' and name = %L returning 1$$, (select path from fixture)),
  'anon cannot delete an export file');

-- The member ---------------------------------------------------------------------------------------

select tests.authenticate_as('x-ana@pgtap.test');

select results_eq(format('select format, byte_size from public.exports where id = %L', (select export_id from fixture)),
  $$values ('epub', 10::bigint)$$, 'A sees their export');
select results_eq($$select name collate "default" from storage.objects where bucket_id = 'exports'$$, array[(select path from fixture)], 'A sees their export file');


select lives_ok(format($$insert into storage.objects (bucket_id, name) values ('exports', %L)$$, (select path from fresh)),
  'A stores a file under {workspace}/{book}/{export}.md');
select results_eq(
  format($$insert into public.exports (id, tenant_id, book_id, chapter_id, format, object_path, byte_size) values (%L, %L, %L, %L, 'md', %L, 42)
           returning created_by, expires_at between now() + interval '7 days' - interval '1 minute' and now() + interval '7 days' + interval '1 minute'$$,
    (select id from fresh), (select tenant_id from fresh), (select book_id from fresh), (select chapter_id from fixture), (select path from fresh)),
  format($$values (%L::uuid, true)$$, tests.get_user_id('x-ana@pgtap.test')),
  'A records it; the database says who and when it expires (7 days)');

select throws_ok(format($$insert into public.exports (id, tenant_id, book_id, format, object_path, byte_size) values (%L, %L, %L, 'md', %L, 1)$$,
    gen_random_uuid(), (select tenant_id from fixture), (select book_id from fixture),
    (select tenant_id || '/' || book_id || '/' || gen_random_uuid() || '.md' from fixture)),
  '42501', 'new row violates row-level security policy for table "exports"', 'no row for a file that is not stored');
select throws_ok(format($$insert into storage.objects (bucket_id, name) values ('exports', %L)$$,
    (select tenant_id || '/' || book_id || '/notes.txt' from fixture)),
  '42501', 'new row violates row-level security policy for table "objects"', 'A cannot store a name of another shape');
select throws_ok(format($$insert into storage.objects (bucket_id, name) values ('exports', %L)$$,
    (select tenant_id || '/' || gen_random_uuid() || '/' || gen_random_uuid() || '.md' from fixture)),
  '42501', 'new row violates row-level security policy for table "objects"', 'A cannot store a file under a book that does not exist');

insert into storage.objects (bucket_id, name) select 'exports', path from wrong;
select throws_ok(format($$insert into public.exports (id, tenant_id, book_id, format, object_path, byte_size) values (%L, %L, %L, 'docx', %L, 1)$$,
    (select id from wrong), (select tenant_id from fixture), (select book_id from fixture), (select path from wrong)),
  '23514', null, 'the path must be {workspace}/{book}/{export id}.{format}');
select throws_ok(format($$insert into public.exports (id, tenant_id, book_id, format, object_path, byte_size) values (%L, %L, %L, 'pdf', %L, 1)$$,
    (select id from wrong), (select tenant_id from fixture), (select book_id from fixture), (select path from wrong)),
  '23514', null, 'an unknown format is refused');

insert into storage.objects (bucket_id, name) select 'exports', path from elsewhere;
select throws_ok(format($$insert into public.exports (id, tenant_id, book_id, chapter_id, format, object_path, byte_size) values (%L, %L, %L, %L, 'md', %L, 1)$$,
    (select id from elsewhere), (select tenant_id from elsewhere), (select book_id from elsewhere), (select other_chapter_id from fixture), (select path from elsewhere)),
  '23503', null, 'a one-chapter export must name a chapter of the same book (composite key)');

select throws_ok(format('update public.exports set expires_at = now() + interval ''1 year'' where id = %L', (select export_id from fixture)),
  '42501', 'permission denied for table exports', 'A cannot extend an export either (nobody edits one)');
select throws_ok(format('insert into public.exports (id, tenant_id, book_id, format, object_path, byte_size, created_by) values (%L, %L, %L, ''md'', %L, 1, %L)',
    (select id from elsewhere), (select tenant_id from elsewhere), (select book_id from elsewhere), (select path from elsewhere), tests.get_user_id('x-bruno@pgtap.test')),
  '42501', 'permission denied for table exports', 'A cannot say someone else made an export');
select is_empty(format($$update storage.objects set name = %L where bucket_id = 'exports' and name = %L returning 1$$,
    (select tenant_id || '/' || book_id || '/' || gen_random_uuid() || '.epub' from fixture), (select path from fixture)),
  'A cannot replace or rename a stored export file (no update policy)');

select results_eq(format('delete from public.exports where id = %L returning id', (select export_id from fixture)),
  array[(select export_id from fixture)], 'A deletes their export row');
select results_eq(format($$delete from storage.objects where bucket_id = 'exports' and name = %L returning name collate "default"$$, (select path from fixture)),
  array[(select path from fixture)], 'A deletes their export file');

-- The composite keys, checked as the owner so no policy hides them -----------------------------------

select tests.clear_authentication();

select throws_ok(format($$insert into public.exports (id, tenant_id, book_id, format, object_path, byte_size) values (%L, %L, %L, 'md', %L, 1)$$,
    (select id from elsewhere), (select bruno_tenant_id from fixture), (select book_id from fixture),
    (select bruno_tenant_id || '/' || book_id || '/' || (select id from elsewhere) || '.md' from fixture)),
  '23503', null, 'an export of one workspace cannot point at another workspace''s book');

select tests.authenticate_as_service_role();
select is((select count(*)::int from public.exports where tenant_id = (select tenant_id from fixture)), 1, 'the service role sees every export');
select lives_ok(format('delete from public.exports where id = %L', (select id from fresh)), 'the service role deletes an export (the purge)');
select is(
  (select count(*)::int from storage.objects where bucket_id = 'exports' and name like (select tenant_id::text || '/%' from fixture)),
  3, 'the service role sees every export file (the purge removes them through the Storage API)');

-- A purged book takes its exports' rows with it (the files go with the next purge sweep).
select tests.clear_authentication();
insert into public.exports (id, tenant_id, book_id, format, object_path, byte_size)
select id, tenant_id, book_id, 'md', path, 1 from elsewhere;
delete from public.books where id = (select book_id from fixture);
select is((select count(*)::int from public.exports where book_id = (select book_id from fixture)), 0, 'deleting a book deletes its export rows');

select * from finish();
rollback;
