-- The writing data model: books, their chapters and the chapters' versions.
-- See docs/decisions/006-writing-data-model.md.
--
-- Every row carries its workspace's tenant_id; a child points at its parent through a
-- composite foreign key (parent_id, tenant_id), so a chapter can never belong to a book of
-- another workspace and a version never to a chapter of another workspace.
-- Members (any role) read and write; nobody deletes through the API: deleting is moving to
-- the trash (deleted_at), and only the service purges the trash (private.purge_trash).

-- ---------------------------------------------------------------------------------------
-- Titles: trimmed, then checked, with a message a person can act on
-- ---------------------------------------------------------------------------------------

-- tg_argv: [0] label in messages, [1] constraint name. Titles are 1 to 200 characters of
-- one line; the check constraints below stay as the last line of defence.
create function private.normalize_title()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  label text := tg_argv[0];
  rule text := tg_argv[1];
begin
  new.title := private.trim_whitespace(new.title);
  if new.title is null or new.title = '' then
    raise exception '% cannot be empty', label
      using errcode = 'check_violation', constraint = rule, hint = 'Use 1 to 200 characters.';
  elsif char_length(new.title) > 200 then
    raise exception '% must be at most 200 characters', label
      using errcode = 'check_violation', constraint = rule, hint = 'Use 1 to 200 characters.';
  elsif new.title ~ '[[:cntrl:]]' then
    raise exception '% cannot contain line breaks or control characters', label
      using errcode = 'check_violation', constraint = rule;
  end if;
  return new;
end
$$;

-- Who changed a chapter last is the caller, never a value the caller sends.
create function private.touch_chapter()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  new.updated_by := coalesce(auth.uid(), new.updated_by);
  return new;
end
$$;

revoke all on function private.normalize_title(), private.touch_chapter() from public, anon, authenticated;

-- ---------------------------------------------------------------------------------------
-- books
-- ---------------------------------------------------------------------------------------

create table public.books (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  title text not null,
  language text not null default 'pt-BR',
  genre text,
  synopsis text,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Set: the book is in the trash (restorable until purged).
  deleted_at timestamptz,
  constraint books_id_tenant_key unique (id, tenant_id),
  constraint books_title_check check (
    char_length(title) between 1 and 200 and title !~ '^[[:space:]]|[[:space:]]$' and title !~ '[[:cntrl:]]'
  ),
  constraint books_language_check check (language in ('pt-BR', 'en', 'other')),
  constraint books_genre_check check (genre is null or char_length(genre) <= 80),
  constraint books_synopsis_check check (synopsis is null or char_length(synopsis) <= 5000)
);

comment on table public.books is 'A workspace''s books. deleted_at set = in the trash; purged by private.purge_trash().';

create index books_tenant_id_idx on public.books (tenant_id);
create index books_created_by_idx on public.books (created_by);

create trigger books_normalize_title
  before insert or update of title on public.books
  for each row execute function private.normalize_title('Book title', 'books_title_check');

create trigger books_set_updated_at
  before update on public.books
  for each row execute function private.set_updated_at();

-- ---------------------------------------------------------------------------------------
-- chapters
-- ---------------------------------------------------------------------------------------

create table public.chapters (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  book_id uuid not null,
  position integer not null default 0,
  title text not null,
  -- TipTap JSON (app/modules/manuscript/schema.ts); validated by the server before saving.
  content jsonb not null,
  plain_text text not null default '',
  word_count integer not null default 0,
  -- Optimistic concurrency: a save names the version it was based on (save_chapter).
  version integer not null default 1,
  status text not null default 'draft',
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  updated_by uuid default auth.uid() references auth.users (id) on delete set null,
  constraint chapters_id_tenant_key unique (id, tenant_id),
  constraint chapters_book_fkey foreign key (book_id, tenant_id)
    references public.books (id, tenant_id) on delete cascade,
  constraint chapters_title_check check (
    char_length(title) between 1 and 200 and title !~ '^[[:space:]]|[[:space:]]$' and title !~ '[[:cntrl:]]'
  ),
  constraint chapters_position_check check (position >= 0),
  -- The app limits a chapter to 2 MiB of JSON; this is the database's backstop.
  constraint chapters_content_check check (
    jsonb_typeof(content) = 'object' and content ->> 'type' = 'doc' and octet_length(content::text) <= 4194304
  ),
  constraint chapters_word_count_check check (word_count >= 0),
  constraint chapters_version_check check (version >= 1),
  constraint chapters_status_check check (status in ('draft', 'revised', 'final'))
);

comment on table public.chapters is 'Chapters of a book, ordered by position. deleted_at set = in the trash.';

create index chapters_book_id_tenant_id_idx on public.chapters (book_id, tenant_id);
create index chapters_book_id_position_idx on public.chapters (book_id, position);
create index chapters_updated_by_idx on public.chapters (updated_by);

create trigger chapters_normalize_title
  before insert or update of title on public.chapters
  for each row execute function private.normalize_title('Chapter title', 'chapters_title_check');

create trigger chapters_touch
  before update on public.chapters
  for each row execute function private.touch_chapter();

-- ---------------------------------------------------------------------------------------
-- chapter_versions (append-only)
-- ---------------------------------------------------------------------------------------

create table public.chapter_versions (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  chapter_id uuid not null,
  -- manual: the writer's labelled snapshot; auto: taken while writing; before_restore: the
  -- text a restore replaced; conflict: a save that arrived with a stale version number.
  kind text not null,
  label text,
  content jsonb not null,
  plain_text text not null default '',
  word_count integer not null default 0,
  -- The chapter's version number this text belonged to (or was based on, for a conflict).
  chapter_version integer not null,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  constraint chapter_versions_chapter_fkey foreign key (chapter_id, tenant_id)
    references public.chapters (id, tenant_id) on delete cascade,
  constraint chapter_versions_kind_check check (kind in ('manual', 'auto', 'before_restore', 'conflict')),
  constraint chapter_versions_label_check check (label is null or char_length(label) between 1 and 120),
  constraint chapter_versions_content_check check (
    jsonb_typeof(content) = 'object' and content ->> 'type' = 'doc' and octet_length(content::text) <= 4194304
  ),
  constraint chapter_versions_word_count_check check (word_count >= 0),
  constraint chapter_versions_chapter_version_check check (chapter_version >= 1)
);

comment on table public.chapter_versions is 'Saved texts of a chapter. Append-only for users: select and insert, never update or delete.';

create index chapter_versions_chapter_id_tenant_id_idx on public.chapter_versions (chapter_id, tenant_id, created_at desc);
create index chapter_versions_created_by_idx on public.chapter_versions (created_by);

-- ---------------------------------------------------------------------------------------
-- Privileges and row-level security
-- ---------------------------------------------------------------------------------------

alter table public.books enable row level security;
alter table public.chapters enable row level security;
alter table public.chapter_versions enable row level security;

revoke all on public.books, public.chapters, public.chapter_versions from anon, authenticated;
grant all on public.books, public.chapters, public.chapter_versions to service_role;

-- Column lists keep the bookkeeping columns (created_by, updated_by, timestamps) the
-- database's to fill. There is no DELETE: a user trashes (deleted_at) instead.
grant select on public.books, public.chapters, public.chapter_versions to authenticated;
grant insert (id, tenant_id, title, language, genre, synopsis) on public.books to authenticated;
grant update (title, language, genre, synopsis, deleted_at) on public.books to authenticated;
grant insert (id, tenant_id, book_id, position, title, content, plain_text, word_count, status)
  on public.chapters to authenticated;
grant update (position, title, content, plain_text, word_count, version, status, deleted_at)
  on public.chapters to authenticated;
grant insert (id, tenant_id, chapter_id, kind, label, content, plain_text, word_count, chapter_version)
  on public.chapter_versions to authenticated;

create policy "Members see their workspaces' books"
  on public.books for select to authenticated
  using (tenant_id in (select private.user_tenant_ids()));
create policy "Members add books"
  on public.books for insert to authenticated
  with check (tenant_id in (select private.user_tenant_ids()));
create policy "Members edit and trash books"
  on public.books for update to authenticated
  using (tenant_id in (select private.user_tenant_ids()))
  with check (tenant_id in (select private.user_tenant_ids()));

create policy "Members see their workspaces' chapters"
  on public.chapters for select to authenticated
  using (tenant_id in (select private.user_tenant_ids()));
create policy "Members add chapters"
  on public.chapters for insert to authenticated
  with check (tenant_id in (select private.user_tenant_ids()));
create policy "Members write, order and trash chapters"
  on public.chapters for update to authenticated
  using (tenant_id in (select private.user_tenant_ids()))
  with check (tenant_id in (select private.user_tenant_ids()));

create policy "Members see their workspaces' chapter versions"
  on public.chapter_versions for select to authenticated
  using (tenant_id in (select private.user_tenant_ids()));
create policy "Members add chapter versions"
  on public.chapter_versions for insert to authenticated
  with check (tenant_id in (select private.user_tenant_ids()));

-- ---------------------------------------------------------------------------------------
-- Purging the trash (service role only)
-- ---------------------------------------------------------------------------------------

-- Deletes books and chapters that have been in the trash longer than older_than; their
-- chapters and versions go by cascade. Run by a scheduled job as the service role.
create function private.purge_trash(older_than interval)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  cutoff timestamptz := now() - older_than;
  purged_books integer;
  purged_chapters integer;
begin
  if older_than is null or older_than < interval '0' then
    raise exception 'purge_trash needs a non-negative retention period'
      using errcode = 'invalid_parameter_value';
  end if;
  delete from public.books b where b.deleted_at is not null and b.deleted_at < cutoff;
  get diagnostics purged_books = row_count;
  delete from public.chapters c where c.deleted_at is not null and c.deleted_at < cutoff;
  get diagnostics purged_chapters = row_count;
  return jsonb_build_object('books', purged_books, 'chapters', purged_chapters);
end
$$;

comment on function private.purge_trash(interval) is 'Service role: deletes books and chapters trashed before now() - older_than, with their chapters and versions.';

revoke all on function private.purge_trash(interval) from public, anon, authenticated;
grant execute on function private.purge_trash(interval) to service_role;
