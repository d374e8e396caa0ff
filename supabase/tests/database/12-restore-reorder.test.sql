-- Restoring a version keeps the text it replaces; reordering names each chapter exactly once.
begin;
select plan(12);

select tests.create_user('rr-ana@pgtap.test', '{"display_name": "Ana"}');

create temporary table fixture on commit drop as
with b as (
  insert into public.books (tenant_id, title) values (tests.personal_tenant_id('rr-ana@pgtap.test'), 'Novel') returning id, tenant_id
), c as (
  insert into public.chapters (tenant_id, book_id, position, title, content, plain_text, word_count)
  select b.tenant_id, b.id, n - 1, 'Chapter ' || n,
         jsonb_build_object('type', 'doc', 'content', jsonb_build_array(jsonb_build_object('type', 'paragraph',
           'content', jsonb_build_array(jsonb_build_object('type', 'text', 'text', 'Text ' || n))))),
         'Text ' || n, 2
  from b, generate_series(1, 3) n
  returning id, position
)
select (select id from b) as book_id,
       (select id from c where position = 0) as c1, (select id from c where position = 1) as c2, (select id from c where position = 2) as c3;
grant select on fixture to authenticated;

select tests.authenticate_as('rr-ana@pgtap.test');

-- Restore ---------------------------------------------------------------------------------------

insert into public.chapter_versions (tenant_id, chapter_id, kind, label, content, plain_text, word_count, chapter_version)
select tenant_id, id, 'manual', 'rascunho', content, plain_text, word_count, version from public.chapters where id = (select c1 from fixture);
select public.save_chapter((select c1 from fixture), 1,
  '{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Rewritten"}]}]}', 'Rewritten', 1);

select is(
  public.restore_chapter_version((select id from public.chapter_versions where label = 'rascunho')) - 'beforeRestoreVersionId',
  jsonb_build_object('status', 'restored', 'version', 3, 'chapterId', (select c1 from fixture)),
  'restoring answers with the chapter''s new version'
);
select results_eq(
  format('select plain_text, version from public.chapters where id = %L', (select c1 from fixture)),
  $$values ('Text 1', 3)$$,
  'the chapter holds the restored text'
);
select results_eq(
  format($$select plain_text, chapter_version from public.chapter_versions where chapter_id = %L and kind = 'before_restore'$$, (select c1 from fixture)),
  $$values ('Rewritten'::text, 2)$$,
  'the text the restore replaced is kept as a before_restore version'
);
select throws_ok(
  format('select public.restore_chapter_version(%L)', gen_random_uuid()),
  'P0002', 'Version not found', 'restoring an unknown version says so'
);

-- Reorder ---------------------------------------------------------------------------------------

select lives_ok(
  format('select public.reorder_chapters(%L, array[%L, %L, %L]::uuid[])',
         (select book_id from fixture), (select c3 from fixture), (select c1 from fixture), (select c2 from fixture)),
  'a permutation of the chapters is accepted'
);
select results_eq(
  format('select id from public.chapters where book_id = %L order by position', (select book_id from fixture)),
  format('values (%L::uuid), (%L::uuid), (%L::uuid)', (select c3 from fixture), (select c1 from fixture), (select c2 from fixture)),
  'the chapters take positions 0..n-1 in that order'
);
select throws_ok(
  format('select public.reorder_chapters(%L, array[%L, %L]::uuid[])', (select book_id from fixture), (select c1 from fixture), (select c2 from fixture)),
  '22023', 'The new order must list each of the book''s chapters exactly once', 'a list missing a chapter is refused'
);
select throws_ok(
  format('select public.reorder_chapters(%L, array[%L, %L, %L]::uuid[])', (select book_id from fixture), (select c1 from fixture), (select c1 from fixture), (select c2 from fixture)),
  '22023', 'The new order must list each of the book''s chapters exactly once', 'a list naming a chapter twice is refused'
);
select throws_ok(
  format('select public.reorder_chapters(%L, array[%L, %L, %L, %L]::uuid[])', (select book_id from fixture), (select c1 from fixture), (select c2 from fixture), (select c3 from fixture), gen_random_uuid()),
  '22023', 'The new order must list each of the book''s chapters exactly once', 'a list with a foreign id is refused'
);
update public.chapters set deleted_at = now() where id = (select c2 from fixture);
select throws_ok(
  format('select public.reorder_chapters(%L, array[%L, %L, %L]::uuid[])', (select book_id from fixture), (select c1 from fixture), (select c2 from fixture), (select c3 from fixture)),
  '22023', 'The new order must list each of the book''s chapters exactly once', 'a chapter in the trash cannot be ordered'
);
select lives_ok(
  format('select public.reorder_chapters(%L, array[%L, %L]::uuid[])', (select book_id from fixture), (select c1 from fixture), (select c3 from fixture)),
  'the chapters outside the trash are ordered'
);
select results_eq(
  format('select id from public.chapters where book_id = %L and deleted_at is null order by position', (select book_id from fixture)),
  format('values (%L::uuid), (%L::uuid)', (select c1 from fixture), (select c3 from fixture)),
  'and take positions in the new order'
);

select * from finish();
rollback;
