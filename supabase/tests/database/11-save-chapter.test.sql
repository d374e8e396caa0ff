-- Saving a chapter never loses a word: a save on the current version is written (and the
-- text before it is kept as an automatic snapshot when none is recent); a save on a stale
-- version leaves the chapter alone and keeps the incoming text as a conflict version.
-- Versions are append-only.
begin;
select plan(19);

select tests.create_user('save-ana@pgtap.test', '{"display_name": "Ana"}');

create temporary table fixture on commit drop as
with b as (
  insert into public.books (tenant_id, title) values (tests.personal_tenant_id('save-ana@pgtap.test'), 'Novel') returning id, tenant_id
), c as (
  insert into public.chapters (tenant_id, book_id, title, content, plain_text, word_count)
  select tenant_id, id, 'One', '{"type":"doc","content":[{"type":"paragraph"}]}', '', 0 from b returning id
)
select (select id from c) as chapter_id;
grant select on fixture to authenticated;

create function pg_temp.doc(words text) returns jsonb language sql immutable as $$
  select jsonb_build_object('type', 'doc', 'content', jsonb_build_array(
    jsonb_build_object('type', 'paragraph', 'content', jsonb_build_array(jsonb_build_object('type', 'text', 'text', words)))))
$$;

select tests.authenticate_as('save-ana@pgtap.test');

select is(
  public.save_chapter((select chapter_id from fixture), 1, pg_temp.doc('First words'), 'First words', 2),
  '{"status": "saved", "version": 2}'::jsonb,
  'a save on the current version is written and the version goes up'
);
select results_eq(
  format('select plain_text, word_count, version from public.chapters where id = %L', (select chapter_id from fixture)),
  $$values ('First words', 2, 2)$$,
  'the chapter holds the saved text'
);
select is_empty(
  format('select 1 from public.chapter_versions where chapter_id = %L', (select chapter_id from fixture)),
  'the first save of an empty chapter keeps no snapshot of nothing'
);

select is(
  public.save_chapter((select chapter_id from fixture), 2, pg_temp.doc('First words and more'), 'First words and more', 4),
  '{"status": "saved", "version": 3}'::jsonb,
  'the next save is written'
);
select results_eq(
  format('select kind, plain_text, chapter_version from public.chapter_versions where chapter_id = %L', (select chapter_id from fixture)),
  $$values ('auto'::text, 'First words'::text, 2)$$,
  'with no recent version, the text before the save is kept as an automatic snapshot'
);

select is(
  public.save_chapter((select chapter_id from fixture), 3, pg_temp.doc('Still more'), 'Still more', 2),
  '{"status": "saved", "version": 4}'::jsonb,
  'a save within ten minutes of a snapshot is written'
);
select is(
  (select count(*)::int from public.chapter_versions where chapter_id = (select chapter_id from fixture)),
  1,
  'and takes no second snapshot'
);

select is(
  public.save_chapter((select chapter_id from fixture), 4, pg_temp.doc('Still more'), 'Still more', 2),
  '{"status": "saved", "version": 5}'::jsonb,
  'saving the same text again is accepted'
);

-- Ten minutes later (the database owner ages the snapshot).
select tests.clear_authentication();
update public.chapter_versions set created_at = now() - interval '11 minutes' where chapter_id = (select chapter_id from fixture);
select tests.authenticate_as('save-ana@pgtap.test');

select is(
  public.save_chapter((select chapter_id from fixture), 5, pg_temp.doc('Still more'), 'Still more', 2),
  '{"status": "saved", "version": 6}'::jsonb,
  'a save that changes nothing is written'
);
select is(
  (select count(*)::int from public.chapter_versions where chapter_id = (select chapter_id from fixture)),
  1,
  'but an unchanged text is not snapshotted again'
);
select public.save_chapter((select chapter_id from fixture), 6, pg_temp.doc('Ten minutes later'), 'Ten minutes later', 3);
select results_eq(
  format('select kind, plain_text, chapter_version from public.chapter_versions where chapter_id = %L and created_at = now()', (select chapter_id from fixture)),
  $$values ('auto'::text, 'Still more'::text, 6)$$,
  'ten minutes after the last version, a changing save snapshots the previous text again'
);

-- Two tabs: both loaded version 7; the first save wins, the second is a conflict.
select is(
  public.save_chapter((select chapter_id from fixture), 7, pg_temp.doc('Tab one'), 'Tab one', 2) ->> 'status',
  'saved',
  'the first tab''s save is written'
);
select is(
  (public.save_chapter((select chapter_id from fixture), 7, pg_temp.doc('Tab two'), 'Tab two', 2) - 'versionId'),
  '{"status": "conflict", "version": 8}'::jsonb,
  'the second tab''s save on the same version is a conflict that names the current version'
);
select results_eq(
  format('select plain_text, version from public.chapters where id = %L', (select chapter_id from fixture)),
  $$values ('Tab one', 8)$$,
  'a conflict does not touch the chapter'
);
select results_eq(
  format($$select content, plain_text, chapter_version from public.chapter_versions where chapter_id = %L and kind = 'conflict'$$, (select chapter_id from fixture)),
  format($$values (%L::jsonb, 'Tab two'::text, 7)$$, pg_temp.doc('Tab two')),
  'the conflicting text is kept as a version, based on the version it was written on'
);
select set_config('test.answer', public.save_chapter((select chapter_id from fixture), 7, pg_temp.doc('Tab two again'), 'Tab two again', 3)::text, true);
select results_eq(
  $$select plain_text from public.chapter_versions where id = (current_setting('test.answer')::jsonb ->> 'versionId')::uuid$$,
  array['Tab two again'],
  'the conflict answer names the version that keeps the text'
);

-- Append-only ---------------------------------------------------------------------------------

select throws_ok(
  format($$update public.chapter_versions set plain_text = 'rewritten' where chapter_id = %L$$, (select chapter_id from fixture)),
  '42501', 'permission denied for table chapter_versions', 'a member cannot rewrite a version'
);
select throws_ok(
  format('delete from public.chapter_versions where chapter_id = %L', (select chapter_id from fixture)),
  '42501', 'permission denied for table chapter_versions', 'a member cannot delete a version'
);
select throws_ok(
  format($$select public.save_chapter(%L, 8, '{"type": "doc"}', '', -1)$$, (select chapter_id from fixture)),
  '23514', null, 'a negative word count is refused'
);

select * from finish();
rollback;
