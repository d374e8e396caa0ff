-- Saving, restoring and ordering chapters. All three are security invoker: they run as the
-- caller, so row-level security decides what they can see and change, exactly as a plain
-- query would. See docs/decisions/006-writing-data-model.md.

-- ---------------------------------------------------------------------------------------
-- save_chapter: optimistic concurrency that never loses a word
-- ---------------------------------------------------------------------------------------

-- A save names the chapter version it was based on. Same version: the text is written and
-- the version goes up by one; before that, when the chapter has no version row from the
-- last 10 minutes and the text changed, the previous text is kept as an 'auto' version.
-- Different version (another tab or device saved meanwhile): the chapter is left alone and
-- the incoming text is kept as a 'conflict' version, so both texts survive.
create function public.save_chapter(
  p_chapter_id uuid,
  p_expected_version integer,
  p_content jsonb,
  p_plain_text text,
  p_word_count integer
)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  current_chapter public.chapters;
  conflict_id uuid;
begin
  select * into current_chapter from public.chapters c where c.id = p_chapter_id for update;
  if not found then
    raise exception 'Chapter not found'
      using errcode = 'no_data_found', hint = 'It may have been purged, or it belongs to another workspace.';
  end if;

  if p_expected_version is distinct from current_chapter.version then
    insert into public.chapter_versions (tenant_id, chapter_id, kind, content, plain_text, word_count, chapter_version)
    values (current_chapter.tenant_id, current_chapter.id, 'conflict', p_content, p_plain_text, p_word_count,
            greatest(coalesce(p_expected_version, 1), 1))
    returning id into conflict_id;
    return jsonb_build_object('status', 'conflict', 'version', current_chapter.version, 'versionId', conflict_id);
  end if;

  if current_chapter.content is distinct from p_content
     and current_chapter.plain_text <> ''
     and not exists (
       select 1 from public.chapter_versions v
       where v.chapter_id = current_chapter.id and v.tenant_id = current_chapter.tenant_id
         and v.created_at > now() - interval '10 minutes'
     ) then
    insert into public.chapter_versions (tenant_id, chapter_id, kind, content, plain_text, word_count, chapter_version)
    values (current_chapter.tenant_id, current_chapter.id, 'auto', current_chapter.content,
            current_chapter.plain_text, current_chapter.word_count, current_chapter.version);
  end if;

  update public.chapters c
  set content = p_content, plain_text = p_plain_text, word_count = p_word_count, version = c.version + 1
  where c.id = current_chapter.id;

  return jsonb_build_object('status', 'saved', 'version', current_chapter.version + 1);
end
$$;

comment on function public.save_chapter(uuid, integer, jsonb, text, integer) is
  'Saves a chapter if p_expected_version is current ({status: saved, version}); otherwise keeps the text as a conflict version ({status: conflict, version, versionId}).';

-- ---------------------------------------------------------------------------------------
-- restore_chapter_version: a restore is itself undoable
-- ---------------------------------------------------------------------------------------

create function public.restore_chapter_version(p_version_id uuid)
returns jsonb
language plpgsql
security invoker
set search_path = ''
as $$
declare
  restored public.chapter_versions;
  current_chapter public.chapters;
  kept_id uuid;
begin
  select * into restored from public.chapter_versions v where v.id = p_version_id;
  if not found then
    raise exception 'Version not found'
      using errcode = 'no_data_found', hint = 'It may belong to another workspace.';
  end if;

  select * into current_chapter from public.chapters c
  where c.id = restored.chapter_id and c.tenant_id = restored.tenant_id
  for update;
  if not found then
    raise exception 'Chapter not found'
      using errcode = 'no_data_found';
  end if;

  insert into public.chapter_versions (tenant_id, chapter_id, kind, content, plain_text, word_count, chapter_version)
  values (current_chapter.tenant_id, current_chapter.id, 'before_restore', current_chapter.content,
          current_chapter.plain_text, current_chapter.word_count, current_chapter.version)
  returning id into kept_id;

  update public.chapters c
  set content = restored.content, plain_text = restored.plain_text, word_count = restored.word_count,
      version = c.version + 1
  where c.id = current_chapter.id;

  return jsonb_build_object('status', 'restored', 'version', current_chapter.version + 1,
                            'chapterId', current_chapter.id, 'beforeRestoreVersionId', kept_id);
end
$$;

comment on function public.restore_chapter_version(uuid) is
  'Keeps the chapter''s current text as a before_restore version, then puts the given version''s text back (version + 1).';

-- ---------------------------------------------------------------------------------------
-- reorder_chapters: one statement for a drag and drop
-- ---------------------------------------------------------------------------------------

create function public.reorder_chapters(p_book_id uuid, p_chapter_ids uuid[])
returns void
language plpgsql
security invoker
set search_path = ''
as $$
declare
  listed integer := coalesce(cardinality(p_chapter_ids), 0);
  distinct_listed integer;
  matching integer;
  expected integer;
begin
  perform 1 from public.books b where b.id = p_book_id for update;
  if not found then
    raise exception 'Book not found'
      using errcode = 'no_data_found', hint = 'It may belong to another workspace.';
  end if;

  select count(distinct x) into distinct_listed from unnest(p_chapter_ids) as x;
  select count(*) into expected from public.chapters c where c.book_id = p_book_id and c.deleted_at is null;
  select count(*) into matching from public.chapters c
  where c.book_id = p_book_id and c.deleted_at is null and c.id = any (p_chapter_ids);

  if distinct_listed <> listed or matching <> listed or matching <> expected then
    raise exception 'The new order must list each of the book''s chapters exactly once'
      using errcode = 'invalid_parameter_value',
            detail = format('The book has %s chapters outside the trash; the order listed %s ids (%s distinct, %s of them its chapters).',
                            expected, listed, distinct_listed, matching),
            hint = 'Reload the outline and try again.';
  end if;

  update public.chapters c
  set position = o.ordinality - 1
  from unnest(p_chapter_ids) with ordinality as o (id, ordinality)
  where c.id = o.id and c.position is distinct from (o.ordinality - 1)::integer;
end
$$;

comment on function public.reorder_chapters(uuid, uuid[]) is
  'Sets the positions of a book''s chapters (outside the trash) to 0..n-1 in the given order; raises 22023 unless the list names each exactly once.';

revoke all on function public.save_chapter(uuid, integer, jsonb, text, integer),
  public.restore_chapter_version(uuid), public.reorder_chapters(uuid, uuid[])
  from public, anon;
grant execute on function public.save_chapter(uuid, integer, jsonb, text, integer),
  public.restore_chapter_version(uuid), public.reorder_chapters(uuid, uuid[])
  to authenticated, service_role;
