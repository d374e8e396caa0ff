-- How workspaces come and go: create_workspace() for the app, the sign-up trigger that
-- gives every new account a profile and a personal workspace, and what happens to
-- workspaces when an account is deleted. See docs/decisions/004-tenancy-model.md.

-- ---------------------------------------------------------------------------------------
-- create_workspace(name): the only way a user creates a workspace
-- ---------------------------------------------------------------------------------------

-- Security definer because users hold no INSERT on tenants: the workspace and its
-- first owner must appear together, never one without the other.
create function public.create_workspace(name text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  created uuid;
begin
  if caller is null then
    raise exception 'Sign in to create a workspace'
      using errcode = 'insufficient_privilege';
  end if;
  -- The tenants trigger trims and validates the name (check_violation, tenants_name_check).
  insert into public.tenants (name, personal, created_by)
  values (create_workspace.name, false, caller)
  returning id into created;
  insert into public.memberships (tenant_id, user_id, role)
  values (created, caller, 'owner');
  update public.profiles p set last_tenant_id = created where p.id = caller;
  return created;
end
$$;

comment on function public.create_workspace(text) is 'Creates a shared workspace owned by the caller and opens it next time (profiles.last_tenant_id). Returns its id.';

revoke all on function public.create_workspace(text) from public, anon;
grant execute on function public.create_workspace(text) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------
-- Sign-up: profile + personal workspace + owner membership
-- ---------------------------------------------------------------------------------------

-- Runs inside the transaction that inserts the auth.users row, so if anything here fails
-- the account is not created either. It therefore never rejects odd metadata: it falls
-- back (display name) or ignores it (locale) instead.
create function private.handle_new_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  wanted_locale text := new.raw_user_meta_data ->> 'locale';
  user_locale text;
  user_name text;
  workspace_name text;
  workspace_id uuid;
begin
  user_locale := case when wanted_locale in ('pt-BR', 'en') then wanted_locale end;

  user_name := private.trim_whitespace(left(
    private.trim_whitespace(regexp_replace(new.raw_user_meta_data ->> 'display_name', '[[:cntrl:]]+', ' ', 'g')),
    80));
  if user_name is null or user_name = '' then
    user_name := private.trim_whitespace(left(split_part(new.email, '@', 1), 80));
  end if;
  if user_name is null or user_name = '' then
    user_name := case when user_locale = 'en' then 'Writer' else 'Escritor(a)' end;
  end if;

  -- Names are cut so the workspace name stays within its 80 characters.
  workspace_name := case
    when user_locale = 'en' then private.trim_whitespace(left(user_name, 68)) || '''s workspace'
    else 'Espaço de ' || private.trim_whitespace(left(user_name, 70))
  end;

  insert into public.tenants (name, personal, created_by)
  values (workspace_name, true, new.id)
  returning id into workspace_id;
  insert into public.memberships (tenant_id, user_id, role)
  values (workspace_id, new.id, 'owner');
  insert into public.profiles (id, display_name, locale, last_tenant_id)
  values (new.id, user_name, user_locale, workspace_id);
  return null;
end
$$;

create trigger on_auth_user_created
  after insert on auth.users
  for each row execute function private.handle_new_user();

-- ---------------------------------------------------------------------------------------
-- Account deletion
-- ---------------------------------------------------------------------------------------

-- Before the account's memberships go (by cascade), settle every workspace that would
-- otherwise be left without an owner:
--   * a personal workspace goes with the person it was made for;
--   * a shared workspace whose only owner this is passes to its longest-standing admin,
--     or, with no admin, to its longest-standing writer;
--   * a shared workspace with no other member is deleted (nobody could ever reach it).
create function private.handle_user_deletion()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  orphaned uuid;
  successor uuid;
begin
  delete from public.tenants t where t.personal and t.created_by = old.id;

  for orphaned in
    select m.tenant_id
    from public.memberships m
    where m.user_id = old.id
      and m.role = 'owner'
      and not exists (
        select 1 from public.memberships o
        where o.tenant_id = m.tenant_id and o.role = 'owner' and o.user_id <> old.id
      )
  loop
    select m.user_id into successor
    from public.memberships m
    where m.tenant_id = orphaned and m.user_id <> old.id
    order by case m.role when 'admin' then 0 else 1 end, m.created_at, m.user_id
    limit 1;

    if successor is null then
      delete from public.tenants t where t.id = orphaned;
    else
      update public.memberships m set role = 'owner'
      where m.tenant_id = orphaned and m.user_id = successor;
    end if;
  end loop;
  return old;
end
$$;

create trigger on_auth_user_deleting
  before delete on auth.users
  for each row execute function private.handle_user_deletion();

revoke all on function private.handle_new_user(), private.handle_user_deletion() from public, anon, authenticated;
