-- The writing tables' contract: columns the app is written against, the composite keys that
-- keep children in their parent's workspace, and what authenticated may never do.
begin;
select plan(16);

select columns_are('public', 'books',
  array['id', 'tenant_id', 'title', 'language', 'genre', 'synopsis', 'created_by', 'created_at', 'updated_at', 'deleted_at'],
  'books has the agreed columns');
select columns_are('public', 'chapters',
  array['id', 'tenant_id', 'book_id', 'position', 'title', 'content', 'plain_text', 'word_count', 'version', 'status',
        'deleted_at', 'created_at', 'updated_at', 'updated_by'],
  'chapters has the agreed columns');
select columns_are('public', 'chapter_versions',
  array['id', 'tenant_id', 'chapter_id', 'kind', 'label', 'content', 'plain_text', 'word_count', 'chapter_version',
        'created_by', 'created_at'],
  'chapter_versions has the agreed columns');

select fk_ok('public', 'books', 'tenant_id', 'public', 'tenants', 'id', 'a book belongs to a workspace');
select fk_ok('public', 'chapters', array['book_id', 'tenant_id'], 'public', 'books', array['id', 'tenant_id'],
  'a chapter belongs to a book of its own workspace');
select fk_ok('public', 'chapter_versions', array['chapter_id', 'tenant_id'], 'public', 'chapters', array['id', 'tenant_id'],
  'a version belongs to a chapter of its own workspace');

select col_default_is('public', 'chapters', 'version', 1, 'a new chapter is at version 1');
select col_default_is('public', 'chapters', 'status', 'draft'::text, 'a new chapter is a draft');

select ok(
  not has_table_privilege('authenticated', 'public.books', 'delete')
  and not has_table_privilege('authenticated', 'public.chapters', 'delete')
  and not has_table_privilege('authenticated', 'public.chapter_versions', 'delete'),
  'authenticated deletes nothing: books and chapters go to the trash, versions stay'
);
select ok(
  not has_table_privilege('authenticated', 'public.chapter_versions', 'update')
  and not has_any_column_privilege('authenticated', 'public.chapter_versions', 'update'),
  'authenticated cannot update a version (append-only)'
);
select ok(
  not has_column_privilege('authenticated', 'public.chapters', 'tenant_id', 'update')
  and not has_column_privilege('authenticated', 'public.chapters', 'book_id', 'update')
  and not has_column_privilege('authenticated', 'public.books', 'tenant_id', 'update'),
  'a book or chapter never moves to another workspace or book'
);
select ok(
  not has_column_privilege('authenticated', 'public.books', 'created_by', 'insert')
  and not has_column_privilege('authenticated', 'public.chapters', 'updated_by', 'update')
  and not has_column_privilege('authenticated', 'public.chapter_versions', 'created_by', 'insert'),
  'who made a change is recorded by the database, not sent by the caller'
);

select ok(not has_function_privilege('authenticated', 'private.purge_trash(interval)', 'execute'), 'only the service purges the trash');
select ok(has_function_privilege('service_role', 'private.purge_trash(interval)', 'execute'), 'the service may purge the trash');

select is(
  array(
    select p.proname::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' and p.proname in ('save_chapter', 'restore_chapter_version', 'reorder_chapters') and not p.prosecdef
    order by 1
  ),
  array['reorder_chapters', 'restore_chapter_version', 'save_chapter'],
  'the writing functions run as the caller, so row-level security applies'
);
select function_returns('public', 'save_chapter', array['uuid', 'integer', 'jsonb', 'text', 'integer'], 'jsonb',
  'save_chapter(chapter, expected version, content, plain text, word count) returns jsonb');

select * from finish();
rollback;
