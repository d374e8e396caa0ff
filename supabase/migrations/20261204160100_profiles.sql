-- Profiles: one row per account, created at sign-up (see the workspace lifecycle
-- migration). People see their own profile and the profiles of those they share a
-- workspace with; each edits only their own.

create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  display_name text not null,
  -- null means "follow the browser's language".
  locale text,
  -- The workspace the app opens on sign-in.
  last_tenant_id uuid references public.tenants (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint profiles_display_name_check check (
    char_length(display_name) between 1 and 80
    and display_name !~ '^[[:space:]]|[[:space:]]$'
    and display_name !~ '[[:cntrl:]]'
  ),
  constraint profiles_locale_check check (locale in ('pt-BR', 'en'))
);

comment on table public.profiles is 'One per account: display name, language and the workspace to open on sign-in.';

create index profiles_last_tenant_id_idx on public.profiles (last_tenant_id);

create function private.normalize_display_name()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.display_name := private.trim_whitespace(new.display_name);
  if new.display_name is null or new.display_name = '' then
    raise exception 'Display name cannot be empty'
      using errcode = 'check_violation', constraint = 'profiles_display_name_check',
            hint = 'Use 1 to 80 characters.';
  elsif char_length(new.display_name) > 80 then
    raise exception 'Display name must be at most 80 characters'
      using errcode = 'check_violation', constraint = 'profiles_display_name_check',
            hint = 'Use 1 to 80 characters.';
  elsif new.display_name ~ '[[:cntrl:]]' then
    raise exception 'Display name cannot contain line breaks or control characters'
      using errcode = 'check_violation', constraint = 'profiles_display_name_check';
  end if;
  return new;
end
$$;

create trigger profiles_normalize_display_name
  before insert or update of display_name on public.profiles
  for each row execute function private.normalize_display_name();

create trigger profiles_set_updated_at
  before update on public.profiles
  for each row execute function private.set_updated_at();

-- Everyone the calling user shares at least one workspace with (themselves included).
create function private.co_member_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select distinct others.user_id
  from public.memberships mine
  join public.memberships others on others.tenant_id = mine.tenant_id
  where mine.user_id = (select auth.uid())
$$;

comment on function private.co_member_ids() is 'Users who share a workspace with the calling user, the caller included.';

-- Leaving (or being removed from) a workspace must not leave the app pointing at it.
create function private.forget_last_workspace()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.profiles p
  set last_tenant_id = null
  where p.id = old.user_id
    and p.last_tenant_id = old.tenant_id;
  return null;
end
$$;

create trigger memberships_forget_last_workspace
  after delete on public.memberships
  for each row execute function private.forget_last_workspace();

revoke all on function private.normalize_display_name(), private.co_member_ids(), private.forget_last_workspace()
  from public, anon, authenticated;
grant execute on function private.co_member_ids() to authenticated, service_role;

alter table public.profiles enable row level security;

revoke all on public.profiles from anon, authenticated;
grant all on public.profiles to service_role;
-- Profiles are created by the sign-up trigger and deleted with the account.
grant select on public.profiles to authenticated;
grant update (display_name, locale, last_tenant_id) on public.profiles to authenticated;

create policy "People see their own profile and their workspace mates'"
  on public.profiles for select to authenticated
  using (id = (select auth.uid()) or id in (select private.co_member_ids()));

create policy "People edit their own profile"
  on public.profiles for update to authenticated
  using (id = (select auth.uid()))
  with check (
    id = (select auth.uid())
    and (last_tenant_id is null or last_tenant_id in (select private.user_tenant_ids()))
  );
