-- Exports: files built from a book (or one chapter) in Markdown, DOCX or EPUB, kept in the
-- private Storage bucket `exports` at `{tenant_id}/{book_id}/{export_id}.{ext}` for a
-- retention period, then purged. See docs/decisions/010-exports.md.
--
-- A row in public.exports describes one stored file. Members of the workspace read, add
-- and delete them; nobody edits one. The insert policy also asks that the file is already
-- in the bucket, so no row can describe a file that was never stored: the app uploads
-- first, then records the row (and removes the file if the row is refused).

-- ---------------------------------------------------------------------------------------
-- The bucket
-- ---------------------------------------------------------------------------------------

-- Private: files are only ever served through short-lived signed URLs. 50 MB is far above a
-- long novel's DOCX or EPUB (Pride and Prejudice: under 1 MB) and within the project limit.
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values (
  'exports', 'exports', false, 50 * 1000 * 1000,
  array[
    'text/markdown',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/epub+zip'
  ]
)
on conflict (id) do update
  set public = excluded.public,
      file_size_limit = excluded.file_size_limit,
      allowed_mime_types = excluded.allowed_mime_types;

-- ---------------------------------------------------------------------------------------
-- Who may touch what: chapter ↔ book, for the composite foreign key below
-- ---------------------------------------------------------------------------------------

-- A one-chapter export must name a chapter of the same book in the same workspace; the
-- foreign key (chapter_id, book_id, tenant_id) needs this key to point at.
alter table public.chapters
  add constraint chapters_id_book_tenant_key unique (id, book_id, tenant_id);

-- ---------------------------------------------------------------------------------------
-- public.exports
-- ---------------------------------------------------------------------------------------

create table public.exports (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  book_id uuid not null,
  -- Set: only this chapter was exported; null: the whole book.
  chapter_id uuid,
  format text not null,
  -- The object's name in the `exports` bucket.
  object_path text not null,
  byte_size bigint not null,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  -- Seven days; then purgeExpiredExports (app/modules/export/exports.server.ts) removes file and row.
  expires_at timestamptz not null default now() + interval '7 days',
  constraint exports_book_fkey foreign key (book_id, tenant_id)
    references public.books (id, tenant_id) on delete cascade,
  constraint exports_chapter_fkey foreign key (chapter_id, book_id, tenant_id)
    references public.chapters (id, book_id, tenant_id) on delete cascade,
  constraint exports_format_check check (format in ('md', 'docx', 'epub')),
  constraint exports_object_path_check check (
    object_path = tenant_id::text || '/' || book_id::text || '/' || id::text || '.' || format
  ),
  constraint exports_object_path_key unique (object_path),
  constraint exports_byte_size_check check (byte_size >= 0),
  constraint exports_expires_at_check check (expires_at > created_at)
);

comment on table public.exports is
  'Exported files of a book or chapter, stored in the private bucket exports at object_path until expires_at.';

create index exports_book_id_tenant_id_idx on public.exports (book_id, tenant_id, created_at desc);
create index exports_chapter_id_book_id_tenant_id_idx on public.exports (chapter_id, book_id, tenant_id);
create index exports_tenant_id_expires_at_idx on public.exports (tenant_id, expires_at);
create index exports_expires_at_idx on public.exports (expires_at);
create index exports_created_by_idx on public.exports (created_by);

alter table public.exports enable row level security;

revoke all on public.exports from anon, authenticated;
grant all on public.exports to service_role;
-- created_by, created_at and expires_at are the database's to fill; nobody edits an export.
grant select, delete on public.exports to authenticated;
grant insert (id, tenant_id, book_id, chapter_id, format, object_path, byte_size) on public.exports to authenticated;

create policy "Members see their workspaces' exports"
  on public.exports for select to authenticated
  using (tenant_id in (select private.user_tenant_ids()));

create policy "Members record exports of files already stored"
  on public.exports for insert to authenticated
  with check (
    tenant_id in (select private.user_tenant_ids())
    and exists (
      select 1 from storage.objects o
      where o.bucket_id = 'exports' and o.name = object_path
    )
  );

create policy "Members delete their workspaces' exports"
  on public.exports for delete to authenticated
  using (tenant_id in (select private.user_tenant_ids()));

-- ---------------------------------------------------------------------------------------
-- Storage policies for the bucket: the first folder is the workspace
-- ---------------------------------------------------------------------------------------

-- The first path segment is compared as text with the caller's workspace ids, so a folder
-- that is not a uuid matches no workspace instead of raising a cast error.
create policy "Members read their workspaces' export files"
  on storage.objects for select to authenticated
  using (
    bucket_id = 'exports'
    and (storage.foldername(name))[1] in (select t::text from private.user_tenant_ids() as t)
  );

-- Only names of the agreed shape, {tenant_id}/{book_id}/{export_id}.{md|docx|epub}, under a
-- book of that workspace (the books policy decides which books the caller sees).
create policy "Members store export files in their workspaces' folders"
  on storage.objects for insert to authenticated
  with check (
    bucket_id = 'exports'
    and (storage.foldername(name))[1] in (select t::text from private.user_tenant_ids() as t)
    and exists (
      select 1 from public.books b
      where b.tenant_id::text = (storage.foldername(name))[1] and b.id::text = (storage.foldername(name))[2]
    )
    and name ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(md|docx|epub)$'
  );

create policy "Members delete their workspaces' export files"
  on storage.objects for delete to authenticated
  using (
    bucket_id = 'exports'
    and (storage.foldername(name))[1] in (select t::text from private.user_tenant_ids() as t)
  );
