-- The first-run wizard (create a book → add a key or skip → choose the models): one row per
-- person remembering where they are and whether they finished or dismissed it, so the wizard
-- can be resumed and is never offered again once closed. See docs/decisions/022-onboarding.md.
--
-- Per person, not per workspace: "have I been through the introduction" is about the person.
-- tenant_id/book_id say where the wizard runs (the workspace and the book of step 1); they are
-- nulled, not cascaded, when that workspace or book goes, so a finished or dismissed wizard
-- stays closed even then.

create table public.onboarding_progress (
  user_id uuid primary key references auth.users (id) on delete cascade,
  tenant_id uuid references public.tenants (id) on delete set null,
  book_id uuid,
  -- Step 2's outcome: a key was saved, the platform's provider was chosen, or it was skipped.
  key_step text,
  finished_at timestamptz,
  dismissed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint onboarding_progress_book_fkey foreign key (book_id, tenant_id)
    references public.books (id, tenant_id) on delete set null (book_id),
  constraint onboarding_progress_key_step_check check (key_step in ('saved', 'platform', 'skipped'))
);

comment on table public.onboarding_progress is
  'First-run wizard per person: the workspace and book it runs in, step 2''s outcome, finished/dismissed. Each person reads and writes only their own row.';

create index onboarding_progress_tenant_id_idx on public.onboarding_progress (tenant_id);
create index onboarding_progress_book_id_tenant_id_idx on public.onboarding_progress (book_id, tenant_id);

create trigger onboarding_progress_set_updated_at
  before update on public.onboarding_progress
  for each row execute function private.set_updated_at();

alter table public.onboarding_progress enable row level security;

revoke all on public.onboarding_progress from anon, authenticated;
grant all on public.onboarding_progress to service_role;
grant select on public.onboarding_progress to authenticated;
grant insert (user_id, tenant_id, book_id, key_step, finished_at, dismissed_at) on public.onboarding_progress to authenticated;
grant update (tenant_id, book_id, key_step, finished_at, dismissed_at) on public.onboarding_progress to authenticated;

create policy onboarding_progress_select_own
  on public.onboarding_progress for select to authenticated
  using (user_id = (select auth.uid()));

-- Only in a workspace the person belongs to (the book's composite key keeps it in that workspace).
create policy onboarding_progress_insert_own
  on public.onboarding_progress for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and (tenant_id is null or tenant_id in (select private.user_tenant_ids()))
  );

create policy onboarding_progress_update_own
  on public.onboarding_progress for update to authenticated
  using (user_id = (select auth.uid()))
  with check (
    user_id = (select auth.uid())
    and (tenant_id is null or tenant_id in (select private.user_tenant_ids()))
  );
