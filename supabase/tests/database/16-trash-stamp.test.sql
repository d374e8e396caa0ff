-- Members cannot choose when something went to the trash: the database stamps it, so nobody
-- can back-date a shared book into an immediate purge.
begin;
select plan(7);

select tests.create_user('ts-ana@pgtap.test', '{"display_name": "Ana"}');

create temporary table fixture on commit drop as
with book as (
  insert into public.books (tenant_id, title) values (tests.personal_tenant_id('ts-ana@pgtap.test'), 'Shared') returning id, tenant_id
), chapter as (
  insert into public.chapters (tenant_id, book_id, position, title, content)
  select tenant_id, id, 0, 'One', '{"type":"doc","content":[]}' from book returning id
)
select book.id as book_id, chapter.id as chapter_id from book, chapter;
grant select on fixture to authenticated;

select tests.authenticate_as('ts-ana@pgtap.test');

select results_eq(format('update public.books set deleted_at = %L where id = %L returning deleted_at > now() - interval ''1 minute''', '2000-01-01', (select book_id from fixture)),
  array[true], 'a member moving a book to the trash with a back-dated time gets now()');
select results_eq(format('update public.books set deleted_at = %L where id = %L returning deleted_at > now() - interval ''1 minute''', '2001-01-01', (select book_id from fixture)),
  array[true], 'the time of a book already in the trash cannot be rewritten');
select results_eq(format('update public.books set deleted_at = null where id = %L returning deleted_at is null', (select book_id from fixture)),
  array[true], 'restoring still works');
select results_eq(format('update public.chapters set deleted_at = %L where id = %L returning deleted_at > now() - interval ''1 minute''', '2000-01-01', (select chapter_id from fixture)),
  array[true], 'the same holds for a chapter');
select throws_ok(format('insert into public.books (tenant_id, title, deleted_at) values (%L, %L, %L)',
    tests.personal_tenant_id('ts-ana@pgtap.test'), 'Born trashed', '2000-01-01'),
  '42501', 'permission denied for table books', 'a book cannot be created already in the trash');

select tests.authenticate_as_service_role();
select is(private.purge_trash(interval '30 days', tests.personal_tenant_id('ts-ana@pgtap.test')),
  '{"books": 0, "chapters": 0, "booksWaitingForFiles": 0}'::jsonb, 'so the purge finds nothing to take before its time');

select tests.clear_authentication();
update public.books set deleted_at = now() - interval '40 days' where id = (select book_id from fixture);
select is((select deleted_at < now() - interval '39 days' from public.books where id = (select book_id from fixture)), true,
  'the database owner (maintenance, tests) is not restricted');

select * from finish();
rollback;
